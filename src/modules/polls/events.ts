import type { Reactions } from '../../domain-events/types'
import type { JobContext } from '../../jobs/processors'
import { eventsFor } from './processors'
import { closePoll, pollOfMessage } from './store'

/**
 * What polls react to, in the worker threads. A deleted message of kind `poll` closes
 * and hides its poll; a second delivery finds it hidden and changes nothing.
 */
export const pollReactions: Reactions<JobContext> = {
  'message.deleted': {
    wants: (event) => event.data.kind === 'poll',
    async handle(event, ctx) {
      const pollId = await pollOfMessage(ctx.db, event.data.messageId)
      if (pollId) await closePoll(eventsFor(ctx), { pollId, actorId: event.actorId ?? null, reason: 'deleted' })
    },
  },
}

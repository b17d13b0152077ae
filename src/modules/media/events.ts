import { consumeOnce } from '../../db/outbox'
import type { DomainEvent, Reactions } from '../../domain-events/types'
import type { JobContext } from '../../jobs/processors'
import { threadServices } from './processors'
import { mediaUpdated } from './view'

const CONSUMER = 'media'

/**
 * A committed message references its media (so the room's readers may fetch them, and
 * they are kept while it exists). Once per event: the claim commits with the references.
 * Media that ended while the message was on its way are announced again, so the room
 * hears `message.updated` for them.
 */
async function referenceMessage(event: DomainEvent<'message.created'>, ctx: JobContext): Promise<void> {
  const { message } = event.data
  const { events, refs } = threadServices(ctx)
  await events.transaction({}, async (tx, emit) => {
    if (!(await consumeOnce(tx, CONSUMER, event.id))) return
    const settled = await refs.referenceMessage({
      tx,
      messageId: message.id,
      roomId: message.roomId,
      authorId: message.authorId,
      mediaIds: message.attachments,
      sentAt: new Date(message.createdAt),
    })
    for (const row of settled) emit(mediaUpdated(row))
  })
}

/** A deleted message lets go of its media; those nothing else references are deleted (or by the sweep, if this fails after the commit). */
async function releaseMessage(event: DomainEvent<'message.deleted'>, ctx: JobContext): Promise<void> {
  const { events, refs } = threadServices(ctx)
  const released = await events.transaction({}, async (tx) => {
    if (!(await consumeOnce(tx, CONSUMER, event.id))) return []
    return refs.release({ tx, kind: 'message', targetId: event.data.messageId })
  })
  await refs.purgeUnreferenced(released)
}

export const mediaReactions: Reactions<JobContext> = {
  'message.created': { wants: (e) => e.data.message.attachments.length > 0, handle: referenceMessage },
  'message.deleted': { handle: releaseMessage },
}

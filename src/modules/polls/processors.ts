import { DomainEvents } from '../../domain-events/bus'
import type { Database } from '../../db/client'
import type { JobContext } from '../../jobs/processors'
import type { Logger } from '../../lib/log'
import { closePoll, loadState } from './store'

/** One DomainEvents per database in a worker thread (what its closes commit with). */
const perThread = new WeakMap<Database, DomainEvents>()
export function eventsFor(ctx: { db: Database; log: Logger }): DomainEvents {
  let events = perThread.get(ctx.db)
  if (!events) perThread.set(ctx.db, (events = new DomainEvents(ctx)))
  return events
}

export class NotDueYet extends Error {
  override name = 'NotDueYet'
}

/**
 * Closes a poll at its `closesAt` (job id `poll.close.<pollId>`, so scheduling twice is
 * harmless), with its `poll.closed` event: the API process that relays it pushes the
 * final state to the room. A job that runs early (a clock ahead of the database's) fails
 * and is retried; one that runs late changed nothing for voters, who were refused from
 * `closesAt` on anyway.
 */
export async function closePollJob(data: { pollId: string }, ctx: Pick<JobContext, 'db' | 'log'>): Promise<{ closed: boolean }> {
  const closed = await closePoll(eventsFor(ctx), { pollId: data.pollId, actorId: null, reason: 'time', onlyIfDue: true })
  if (closed) return { closed: true }
  const current = await loadState(ctx.db, data.pollId)
  // Still open by the database's clock: this run came early.
  if (current && !current.state.closedAt && !current.state.deletedAt) throw new NotDueYet(`poll ${data.pollId} is not due yet`)
  return { closed: false }
}

export const pollProcessors = {
  reminders: {
    'polls.close': (data: { pollId: string }, ctx: JobContext) => closePollJob(data, ctx),
  },
}

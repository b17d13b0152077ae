import type { JobContext } from '../../jobs/processors'
import type { LivePort, RecordEvent } from './ports'
import { toRoomState } from './rules'
import { closePoll, loadRecords, loadState } from './store'

/** What the close job needs beyond the job context (the lead adds them to it with the wiring). */
export interface PollJobPorts {
  live?: LivePort
  recordEvent?: RecordEvent
}

// Until the outbox lands (the wiring issue) a job context has no recordEvent: the close
// still happens, its poll.closed event is not recorded.
const notRecorded: RecordEvent = async () => {}

export class NotDueYet extends Error {
  override name = 'NotDueYet'
}

/**
 * Closes a poll at its `closesAt` (job id `poll.close.<pollId>`, so scheduling twice is
 * harmless) and pushes the final state to its room. A job that runs early (a clock
 * ahead of the database's) fails and is retried; one that runs late changed nothing for
 * voters, who were refused from `closesAt` on anyway.
 */
export async function closePollJob(data: { pollId: string }, ctx: Pick<JobContext, 'db'> & PollJobPorts): Promise<unknown> {
  const closed = await closePoll(ctx.db, ctx.recordEvent ?? notRecorded, {
    pollId: data.pollId,
    actorId: null,
    reason: 'time',
    onlyIfDue: true,
  })
  const current = await loadState(ctx.db, data.pollId)
  if (!closed) {
    // Still open by the database's clock: this run came early.
    if (current && !current.state.closedAt && !current.state.deletedAt) throw new NotDueYet(`poll ${data.pollId} is not due yet`)
    return { closed: false }
  }
  const record = (await loadRecords(ctx.db, [data.pollId])).get(data.pollId)
  if (record && current) ctx.live?.toRoom(record.roomId, { type: 'poll.updated', data: toRoomState(record, current.state, Date.now()) })
  return { closed: true }
}

export const pollProcessors = {
  reminders: {
    'polls.close': (data: { pollId: string }, ctx: JobContext & PollJobPorts) => closePollJob(data, ctx),
  },
}

import { UnrecoverableError } from 'bullmq'
import type { JobContext, Processor, ProcessorTable } from '../jobs/processors'
import { EVENT_JOB, eventJobId, reactionTo, type ConsumerTable } from './relay'
import type { DomainEvent, Reaction } from './types'

/** A job of the `events` queue: committed events for one consumer (`event`: one, from older jobs and split-off retries). */
export interface EventJob {
  consumer: string
  events?: DomainEvent[]
  event?: DomainEvent
}

/**
 * The processor of the `events` queue: runs the named consumer's reactions. A retried job
 * runs them again, which is why reactions are idempotent by event id; a consumer or
 * reaction that no longer exists can never succeed. In a job of many events, those whose
 * reaction fails are queued again one per job (each with its own retries and, at the end,
 * its own dead letter) and the rest are done; when every one fails, the job fails whole.
 * A reaction's `handleBatch` takes the events together; if it throws, they go one by one.
 */
export function eventProcessors(consumers: ConsumerTable): ProcessorTable {
  const run: Processor = async (data: EventJob, ctx: JobContext) => {
    const reactions = consumers.get(data.consumer)
    const events = data.events ?? (data.event ? [data.event] : [])
    if (events.length === 1) {
      const [event] = events as [DomainEvent]
      const reaction = reactions && reactionTo(reactions, event.type)
      if (!reaction) throw new UnrecoverableError(`no consumer ${data.consumer} of ${event.type}`)
      await reaction.handle(event, ctx)
      return { consumer: data.consumer, type: event.type, eventId: event.id }
    }
    if (!reactions) throw new UnrecoverableError(`no consumer ${data.consumer}`)
    const failed: DomainEvent[] = []
    let error: unknown
    const byReaction = new Map<Reaction<any, JobContext>, DomainEvent[]>()
    for (const event of events) {
      const reaction = reactionTo(reactions, event.type)
      // A type this worker has no reaction to (a newer process relayed it) is split off like a
      // failure: its own job dead-letters it, as a job of that one event would have.
      if (!reaction) {
        failed.push(event)
        error = new UnrecoverableError(`no consumer ${data.consumer} of ${event.type}`)
      } else if (byReaction.has(reaction)) byReaction.get(reaction)!.push(event)
      else byReaction.set(reaction, [event])
    }
    for (const [reaction, list] of byReaction) {
      // Together when the reaction can; if that fails, one by one, to find which event it was.
      if (reaction.handleBatch) {
        try {
          await reaction.handleBatch(list, ctx)
          continue
        } catch (err) {
          // Said here: if every event then succeeds alone, this is the only trace of it.
          ctx.log.warn('handleBatch failed; its events go one by one', { consumer: data.consumer, events: list.length, error: err })
        }
      }
      for (const event of list) {
        await reaction.handle(event, ctx).catch((err) => {
          failed.push(event)
          error = err
        })
      }
    }
    if (failed.length === events.length) throw error
    if (failed.length) {
      ctx.log.warn('events failed in a batch; each is retried on its own', { consumer: data.consumer, failed: failed.length, of: events.length, error })
      await ctx.jobs.enqueueBulk({
        queue: 'events',
        jobs: failed.map((event) => ({ name: EVENT_JOB, data: { consumer: data.consumer, event }, jobId: eventJobId(data.consumer, [event]) })),
      })
    }
    return { consumer: data.consumer, events: events.length, failed: failed.length }
  }
  return { events: { [EVENT_JOB]: run } }
}

import { UnrecoverableError } from 'bullmq'
import type { JobContext, Processor, ProcessorTable } from '../jobs/processors'
import { EVENT_JOB, reactionTo, type ConsumerTable } from './relay'
import type { DomainEvent } from './types'

/** A job of the `events` queue: one committed event for one consumer. */
export interface EventJob {
  consumer: string
  event: DomainEvent
}

/**
 * The processors of the `events` queue: one per event type, each running the named
 * consumer's reaction. A retried job runs the reaction again, which is why reactions are
 * idempotent by event id; a consumer or reaction that no longer exists can never succeed.
 */
export function eventProcessors(consumers: ConsumerTable): ProcessorTable {
  const run: Processor = async (data: EventJob, ctx: JobContext) => {
    const reactions = consumers.get(data.consumer)
    const reaction = reactions && reactionTo(reactions, data.event.type)
    if (!reaction) throw new UnrecoverableError(`no consumer ${data.consumer} of ${data.event.type}`)
    await reaction.handle(data.event, ctx)
    return { consumer: data.consumer, type: data.event.type, eventId: data.event.id }
  }
  return { events: { [EVENT_JOB]: run } }
}

import type { Database } from '../../db/client'

export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0]

/** A durable domain event, recorded inside the transaction of the change (the lead's outbox). */
export interface DomainEvent {
  type: string
  data: unknown
  communityId?: string
  roomId?: string
  actorId?: string
}
export type RecordEvent = (tx: Tx, event: DomainEvent) => Promise<void>

/** Live pushes to a user's open sockets. */
export interface LivePort {
  toUser(userId: string, event: { type: string; data: unknown }): void | Promise<void>
}

/**
 * NO-OP until the outbox lands (wiring issue): media status changes are then recorded as
 * `media.updated` events for the consumer that sends `message.updated`. Replace, don't keep.
 */
export const recordNothingYet: RecordEvent = async () => {}

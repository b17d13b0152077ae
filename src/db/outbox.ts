import { and, eq } from 'drizzle-orm'
import { consumedEvents, domainEvents } from './schema'
import type { Tx } from './tx'

/** An outbox row: what a domain event is while it waits for the relay. */
export interface OutboxRow {
  id: string
  type: string
  at: string
  communityId?: string
  roomId?: string
  groupId?: string
  actorId?: string
  data: unknown
}

/** Writes domain events in the transaction of the change they report (src/domain-events relays them). */
export async function writeOutbox(tx: Tx, events: OutboxRow[]): Promise<void> {
  if (events.length === 0) return
  await tx.insert(domainEvents).values(
    events.map((e) => ({
      id: e.id,
      type: e.type,
      communityId: e.communityId ?? null,
      roomId: e.roomId ?? null,
      groupId: e.groupId ?? null,
      actorId: e.actorId ?? null,
      data: e.data,
      createdAt: new Date(e.at),
    })),
  )
}

/**
 * Claims an event for a consumer inside the transaction of its effect: true the first
 * time, false ever after — so an effect applied once is never applied again, however
 * often the event is delivered.
 */
export async function consumeOnce(tx: Tx, consumer: string, eventId: string): Promise<boolean> {
  const rows = await tx.insert(consumedEvents).values({ consumer, eventId }).onConflictDoNothing().returning({ eventId: consumedEvents.eventId })
  return rows.length === 1
}

/** Whether a consumer has applied an event (for tests and diagnostics). */
export async function consumed(tx: Pick<Tx, 'select'>, consumer: string, eventId: string): Promise<boolean> {
  const rows = await tx
    .select({ eventId: consumedEvents.eventId })
    .from(consumedEvents)
    .where(and(eq(consumedEvents.consumer, consumer), eq(consumedEvents.eventId, eventId)))
  return rows.length > 0
}

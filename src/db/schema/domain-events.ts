import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * The outbox: domain events written in the transaction of the change they report, read
 * and deleted by the relay once they are queued for their consumers (src/domain-events).
 * A row of type `messages.committed` stands for a room's batch of sends (seqs fromSeq..toSeq,
 * written by the send statement itself); the relay reads the messages back from their rows.
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    id: uuid('id').primaryKey(),
    type: text('type').notNull(),
    communityId: uuid('community_id'),
    roomId: uuid('room_id'),
    /** The group an event of no room belongs to (a group's survey or calendar event): who may see it is who may view that group. */
    groupId: uuid('group_id'),
    actorId: uuid('actor_id'),
    data: jsonb('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('domain_events_created_idx').on(t.createdAt, t.id)],
)

/** Which consumer has applied which event: an idempotent consumer's effect and its row commit together. */
export const consumedEvents = pgTable(
  'consumed_events',
  {
    consumer: text('consumer').notNull(),
    eventId: uuid('event_id').notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.eventId] }), index('consumed_events_at_idx').on(t.consumedAt)],
)

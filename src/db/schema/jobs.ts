import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/** Jobs that failed their last attempt (or could never succeed). Kept after replay for the recovery rate. */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: uuid('id').primaryKey(),
    queue: text('queue').notNull(),
    name: text('name').notNull(),
    jobId: text('job_id').notNull(),
    payload: jsonb('payload').notNull(),
    error: text('error').notNull(),
    /** Attempts made in total, replays included. */
    attempts: integer('attempts').notNull(),
    /** dead | replaying | recovered | discarded */
    status: text('status').notNull().default('dead'),
    firstFailedAt: timestamp('first_failed_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('dead_letters_queue_status_idx').on(t.queue, t.status, t.id), index('dead_letters_status_idx').on(t.status, t.id)],
)

/** One row per replay of a dead letter, with its outcome. */
export const deadLetterReplays = pgTable(
  'dead_letter_replays',
  {
    id: uuid('id').primaryKey(),
    deadLetterId: uuid('dead_letter_id')
      .notNull()
      .references(() => deadLetters.id, { onDelete: 'cascade' }),
    requestedBy: uuid('requested_by'),
    jobId: text('job_id').notNull(),
    /** pending | succeeded | failed */
    status: text('status').notNull().default('pending'),
    error: text('error'),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('dead_letter_replays_dead_letter_idx').on(t.deadLetterId)],
)

export type DeadLetterRow = typeof deadLetters.$inferSelect
export type DeadLetterReplayRow = typeof deadLetterReplays.$inferSelect

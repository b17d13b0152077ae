import { sql } from 'drizzle-orm'
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from './users'

/**
 * A user's notifications. Same (user, type, target) events close together share one
 * row while it is unread: `count` grows and `actors` keeps the newest few distinct actors.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    /** Newest first, distinct, at most 5. */
    actors: uuid('actors').array().notNull().default(sql`'{}'::uuid[]`),
    count: integer('count').notNull().default(1),
    data: jsonb('data').notNull().default({}),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Time of the newest event grouped into this row; the list is ordered by it. */
    latestAt: timestamp('latest_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('notifications_user_latest_idx').on(t.userId, t.latestAt, t.id),
    index('notifications_unread_group_idx')
      .on(t.userId, t.type, t.targetType, t.targetId, t.latestAt)
      .where(sql`${t.readAt} is null`),
    index('notifications_unread_idx').on(t.userId).where(sql`${t.readAt} is null`),
  ],
)

export type NotificationRow = typeof notifications.$inferSelect

/**
 * A user's mute setting on a room, a group or a community. The nearest setting above a
 * room wins (so a room can be unmuted inside a muted community); `until` ends it by itself.
 */
export const notificationMutes = pgTable(
  'notification_mutes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scopeKind: text('scope_kind').$type<'room' | 'group' | 'community'>().notNull(),
    scopeId: uuid('scope_id').notNull(),
    muted: boolean('muted').notNull(),
    until: timestamp('until', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.scopeKind, t.scopeId] })],
)

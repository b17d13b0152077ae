import { sql } from 'drizzle-orm'
import { bigint, boolean, type AnyPgColumn, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { communities, groups, rooms } from './communities'
import { users } from './users'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * A series: one event, or a recurring one. Times are wall-clock in `time_zone`; the
 * occurrences are computed (modules/events/recurrence.ts), never stored. `range_start` /
 * `range_end` bound where its occurrences (moved ones included) can fall, so a window
 * query reads only the series that can touch it; `range_end` null repeats forever.
 */
export const eventSeries = pgTable(
  'event_series',
  {
    id: uuid('id').primaryKey(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description'),
    location: text('location'),
    /** `YYYY-MM-DDTHH:mm`, or `YYYY-MM-DD` when all-day. */
    startLocal: text('start_local').notNull(),
    timeZone: text('time_zone').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    allDay: boolean('all_day').notNull().default(false),
    rrule: text('rrule'),
    exdates: text('exdates').array().notNull().default(sql`'{}'::text[]`),
    rdates: text('rdates').array().notNull().default(sql`'{}'::text[]`),
    capacity: integer('capacity'),
    /** Bumped by every change to the series or its overrides (caches and the feed's SEQUENCE key on it). */
    version: integer('version').notNull().default(1),
    /** The series this one continues ("this and following" split it off there). */
    previousId: uuid('previous_id').references((): AnyPgColumn => eventSeries.id, { onDelete: 'set null' }),
    rangeStart: at('range_start').notNull(),
    rangeEnd: at('range_end'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('event_series_community_range_idx').on(t.communityId, t.rangeStart),
    check('event_series_one_place', sql`${t.groupId} is null or ${t.roomId} is null`),
    check('event_series_capacity', sql`${t.capacity} is null or ${t.capacity} > 0`),
  ],
)

/** One occurrence changed or cancelled, named by where the rule put it. */
export const eventOverrides = pgTable(
  'event_overrides',
  {
    seriesId: uuid('series_id')
      .notNull()
      .references(() => eventSeries.id, { onDelete: 'cascade' }),
    originalStart: at('original_start').notNull(),
    /** Moved: the new local start (in the series' zone) and length. */
    startLocal: text('start_local'),
    durationMinutes: integer('duration_minutes'),
    title: text('title'),
    description: text('description'),
    location: text('location'),
    cancelled: boolean('cancelled').notNull().default(false),
    /** Where the occurrence is now (moved or not). */
    startAt: at('start_at').notNull(),
    endAt: at('end_at').notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.originalStart] }), index('event_overrides_start_idx').on(t.seriesId, t.startAt)],
)

export const rsvpStatuses = ['going', 'maybe', 'declined', 'waitlisted'] as const
export type RsvpStatus = (typeof rsvpStatuses)[number]

/** An answer for one occurrence, or (original_start null) for the whole series. */
export const eventRsvps = pgTable(
  'event_rsvps',
  {
    seriesId: uuid('series_id')
      .notNull()
      .references(() => eventSeries.id, { onDelete: 'cascade' }),
    originalStart: at('original_start'),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status').$type<RsvpStatus>().notNull(),
    /** Waitlisted answers are promoted in this order. */
    waitlistPosition: bigint('waitlist_position', { mode: 'number' }),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('event_rsvps_occurrence_user').on(t.seriesId, t.originalStart, t.userId).where(sql`${t.originalStart} is not null`),
    uniqueIndex('event_rsvps_series_user').on(t.seriesId, t.userId).where(sql`${t.originalStart} is null`),
    index('event_rsvps_user_idx').on(t.userId),
    check('event_rsvps_status', sql`${t.status} in ('going', 'maybe', 'declined', 'waitlisted')`),
    check('event_rsvps_waitlist', sql`(${t.status} = 'waitlisted') = (${t.waitlistPosition} is not null)`),
  ],
)

/** A user's reminders on a series: each occurrence, `minutes_before` its start. */
export const eventReminders = pgTable(
  'event_reminders',
  {
    seriesId: uuid('series_id')
      .notNull()
      .references(() => eventSeries.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    minutesBefore: integer('minutes_before').notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.userId, t.minutesBefore] }), index('event_reminders_user_idx').on(t.userId)],
)

/** The secret of a user's iCalendar feed URL; rotating replaces it, revoking deletes it. */
export const calendarFeeds = pgTable(
  'calendar_feeds',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    token: text('token').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('calendar_feeds_token_key').on(t.token)],
)

export type EventSeriesRow = typeof eventSeries.$inferSelect
export type EventOverrideRow = typeof eventOverrides.$inferSelect
export type EventRsvpRow = typeof eventRsvps.$inferSelect

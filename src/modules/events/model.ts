import { t, type Static } from 'elysia'
import type { EventOverrideRow, EventSeriesRow, RsvpStatus } from '../../db/schema'
import { Id } from '../../lib/model'

/** What the events feature commits, as domain events (emitted in the transaction of the change). */
declare module '../../domain-events/types' {
  interface DomainEventMap {
    'event.created': { eventId: string; version: number; previousId?: string }
    'event.updated': { eventId: string; version: number; scope: EditScope; originalStart?: string; nextId?: string; ended?: boolean }
    'event.occurrence.cancelled': { eventId: string; version: number; scope: 'this'; originalStart: string }
    'event.deleted': { eventId: string; version: number }
    /** An answer; `originalStart` null: for the whole series. */
    'event.rsvp': { eventId: string; originalStart: string | null; userId: string; status: RsvpStatus }
    /** Seats freed (a decline, a larger capacity) went to the first in line of the waitlist. */
    'event.waitlist.promoted': { eventId: string; originalStart: string; title: string; userIds: string[] }
  }
}

export type EditScope = 'all' | 'this' | 'following'

const Local = t.String({ minLength: 10, maxLength: 16, description: 'local YYYY-MM-DDTHH:mm, or YYYY-MM-DD when allDay' })
const Title = t.String({ minLength: 1, maxLength: 200 })
const Description = t.String({ maxLength: 5000 })
const Location = t.String({ maxLength: 500 })
const Zone = t.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/London' })
const Rrule = t.String({ minLength: 6, maxLength: 500, description: 'RFC 5545 RRULE value, UNTIL in UTC' })
const LocalList = t.Array(Local, { maxItems: 500 })
const Duration = t.Integer({ minimum: 1, maximum: 366 * 1440 })
const Capacity = t.Integer({ minimum: 1, maximum: 1_000_000 })

export const CreateEventBody = t.Object(
  {
    title: Title,
    description: t.Optional(Description),
    location: t.Optional(Location),
    groupId: t.Optional(Id),
    roomId: t.Optional(Id),
    start: Local,
    end: t.Optional(Local),
    durationMinutes: t.Optional(Duration),
    timeZone: Zone,
    allDay: t.Optional(t.Boolean()),
    rrule: t.Optional(Rrule),
    exdates: t.Optional(LocalList),
    rdates: t.Optional(LocalList),
    capacity: t.Optional(Capacity),
  },
  { additionalProperties: false },
)
export type CreateEventInput = Static<typeof CreateEventBody>

const seriesChanges = {
  title: t.Optional(Title),
  description: t.Optional(t.Nullable(Description)),
  location: t.Optional(t.Nullable(Location)),
  start: t.Optional(Local),
  end: t.Optional(Local),
  durationMinutes: t.Optional(Duration),
  timeZone: t.Optional(Zone),
  allDay: t.Optional(t.Boolean()),
  rrule: t.Optional(t.Nullable(Rrule)),
  exdates: t.Optional(LocalList),
  rdates: t.Optional(LocalList),
  capacity: t.Optional(t.Nullable(Capacity)),
}

export const PatchSeriesBody = t.Object({ scope: t.Literal('all'), ...seriesChanges }, { additionalProperties: false })
export type SeriesChanges = Omit<Static<typeof PatchSeriesBody>, 'scope'>

export const PatchOccurrenceBody = t.Object(
  { scope: t.Union([t.Literal('this'), t.Literal('following')]), cancelled: t.Optional(t.Boolean()), ...seriesChanges },
  { additionalProperties: false },
)
export type OccurrenceChanges = Omit<Static<typeof PatchOccurrenceBody>, 'scope'>

export const EventParams = t.Object({ id: Id })
export const CommunityParams = t.Object({ id: Id })
export const OccurrenceParams = t.Object({
  id: Id,
  originalStart: t.String({ format: 'date-time', maxLength: 40, description: 'the occurrence, by its originalStart (UTC ISO)' }),
})
export const DeleteOccurrenceQuery = t.Object({ scope: t.Union([t.Literal('this'), t.Literal('following')]) })
export const WindowQuery = t.Object({
  from: t.String({ format: 'date-time', maxLength: 40 }),
  to: t.String({ format: 'date-time', maxLength: 40 }),
})

export const RsvpBody = t.Object({ status: t.Union([t.Literal('going'), t.Literal('maybe'), t.Literal('declined')]) }, { additionalProperties: false })
export type RsvpAnswer = Static<typeof RsvpBody>['status']
export const RsvpResult = t.Object({
  status: t.Union([t.Literal('going'), t.Literal('maybe'), t.Literal('declined'), t.Literal('waitlisted')]),
  waitlistPosition: t.Optional(t.Integer()),
})

export const RemindersBody = t.Object(
  { minutesBefore: t.Array(t.Integer({ minimum: 0, maximum: 40_320 }), { maxItems: 5 }) },
  { additionalProperties: false },
)
export const Reminders = t.Object({ eventId: t.String(), minutesBefore: t.Array(t.Integer()) })

export const Event = t.Object({
  id: t.String(),
  communityId: t.String(),
  groupId: t.Nullable(t.String()),
  roomId: t.Nullable(t.String()),
  title: t.String(),
  description: t.Nullable(t.String()),
  location: t.Nullable(t.String()),
  start: t.String(),
  end: t.String(),
  durationMinutes: t.Integer(),
  timeZone: t.String(),
  allDay: t.Boolean(),
  rrule: t.Nullable(t.String()),
  exdates: t.Array(t.String()),
  rdates: t.Array(t.String()),
  capacity: t.Nullable(t.Integer()),
  version: t.Integer(),
  previousId: t.Nullable(t.String()),
  createdBy: t.Nullable(t.String()),
  createdAt: t.String(),
  updatedAt: t.String(),
})
export type EventView = Static<typeof Event>

const RsvpCounts = t.Object({
  going: t.Integer(),
  maybe: t.Integer(),
  declined: t.Integer(),
  waitlisted: t.Integer(),
  me: t.Optional(t.String()),
})

export const Occurrence = t.Object({
  eventId: t.String(),
  originalStart: t.String(),
  start: t.String(),
  end: t.String(),
  startLocal: t.String(),
  endLocal: t.String(),
  timeZone: t.String(),
  allDay: t.Boolean(),
  title: t.String(),
  location: t.Nullable(t.String()),
  cancelled: t.Boolean(),
  overridden: t.Boolean(),
  rsvp: RsvpCounts,
})
export type OccurrenceView = Static<typeof Occurrence>

export const OccurrenceList = t.Object({ occurrences: t.Array(Occurrence), truncated: t.Boolean() })

const Dropped = t.Object({
  overrides: t.Array(t.String()),
  rsvps: t.Array(t.Object({ originalStart: t.String(), userId: t.String(), status: t.String() })),
})
export const PatchSeriesResult = t.Composite([Event, t.Object({ dropped: Dropped })])
export type DroppedView = Static<typeof Dropped>

export const PatchOccurrenceResult = t.Object({
  scope: t.String(),
  occurrence: t.Optional(Occurrence),
  event: t.Optional(Event),
  previous: t.Optional(Event),
})

export const CalendarUrl = t.Object({ url: t.String() })
export const CalendarFeed = t.String({ description: 'text/calendar (RFC 5545)' })
export const FeedParams = t.Object({ file: t.String({ maxLength: 100 }) })

/** The local end of the first occurrence, as a client would write it. */
function localEnd(row: EventSeriesRow): string {
  const start = Date.parse(`${row.startLocal.length === 10 ? `${row.startLocal}T00:00` : row.startLocal}:00Z`)
  const end = new Date(start + row.durationMinutes * 60_000).toISOString()
  return row.allDay ? end.slice(0, 10) : end.slice(0, 16)
}

export const toEventView = (row: EventSeriesRow): EventView => ({
  id: row.id,
  communityId: row.communityId,
  groupId: row.groupId,
  roomId: row.roomId,
  title: row.title,
  description: row.description,
  location: row.location,
  start: row.startLocal,
  end: localEnd(row),
  durationMinutes: row.durationMinutes,
  timeZone: row.timeZone,
  allDay: row.allDay,
  rrule: row.rrule,
  exdates: row.exdates,
  rdates: row.rdates,
  capacity: row.capacity,
  version: row.version,
  previousId: row.previousId,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})

export type OverrideRow = EventOverrideRow

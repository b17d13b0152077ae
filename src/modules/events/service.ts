import { and, asc, eq, gt, isNull, lt, or } from 'drizzle-orm'
import type { Database } from '../../db/client'
import type { DomainEvents } from '../../domain-events/bus'
import { eventSeries, type EventSeriesRow } from '../../db/schema'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import type { Logger } from '../../lib/log'
import { EventAccess, placeOf, type EventPermissions } from './access'
import { isoFormatter, resolveOccurrences, rsvpCounts, toOccurrenceView, type ResolvedOccurrence } from './calendar'
import { ExpansionCache } from './expansion-cache'
import { toEventView, type CreateEventInput, type EventView, type OccurrenceChanges, type SeriesChanges } from './model'
import { validateSeries, type Window } from './recurrence'
import type { ReminderPlanner } from './reminders'
import { durationBetween, SeriesEditor } from './series-editor'
import { findSeries, rangeOf } from './store'
import { canonicalZone, FIRST_INSTANT, LAST_INSTANT, MS, parseInstant } from './zone'
import { trimmedName } from '../../lib/model'

export const MAX_WINDOW_DAYS = 366

export interface EventsDeps {
  db: Database
  log: Logger
  permissions: EventPermissions
  reminders: Pick<ReminderPlanner, 'plan' | 'sync'>
  /** Changes commit with their domain events (`event.created`, `event.updated`, ...). */
  events: Pick<DomainEvents, 'transaction'>
  cache?: ExpansionCache
}

/** Series of a community: create, read, list as occurrences, edit with a scope, delete. */
export class EventService {
  readonly access: EventAccess
  readonly cache: ExpansionCache
  private readonly editor: SeriesEditor

  constructor(private readonly deps: EventsDeps) {
    this.access = new EventAccess(deps.permissions)
    this.cache = deps.cache ?? new ExpansionCache()
    this.editor = new SeriesEditor()
  }

  async create(userId: string, communityId: string, input: CreateEventInput): Promise<EventView> {
    const place = { communityId, groupId: input.groupId ?? null, roomId: input.roomId ?? null }
    await this.access.requireManage(userId, place)
    const allDay = input.allDay ?? false
    const shape = validateSeries({
      start: input.start,
      allDay,
      timeZone: input.timeZone,
      durationMinutes: durationOf({ allDay, timeZone: input.timeZone, start: input.start, end: input.end, durationMinutes: input.durationMinutes }),
      rrule: input.rrule ?? null,
      exdates: input.exdates ?? [],
      rdates: input.rdates ?? [],
    })
    const id = newId()
    const row = await this.deps.events.transaction({ actorId: userId }, async (tx, emit) => {
      const values = {
        id,
        ...place,
        title: trimmedName(input.title, 'title'),
        description: input.description ?? null,
        location: input.location ?? null,
        startLocal: shape.start,
        timeZone: shape.timeZone,
        durationMinutes: shape.durationMinutes,
        allDay,
        rrule: shape.rrule,
        exdates: shape.exdates,
        rdates: shape.rdates,
        capacity: input.capacity ?? null,
        createdBy: userId,
      }
      const range = await rangeOf(tx, values)
      const [inserted] = await tx.insert(eventSeries).values({ ...values, ...range }).returning()
      emit({ type: 'event.created', data: { eventId: id, version: inserted!.version }, communityId, ...placeOf(place) })
      return inserted!
    })
    return toEventView(row)
  }

  async get(userId: string, id: string): Promise<EventView> {
    const row = await findSeries(this.deps.db, id)
    await this.access.requireView(userId, row)
    return toEventView(row)
  }

  /** The occurrences of a community's events the caller may see, in a window of at most 366 days. */
  async occurrences(userId: string, communityId: string, query: { from: string; to: string }) {
    const visible = await this.access.viewer(userId, communityId)
    if (!visible({ communityId, groupId: null, roomId: null })) {
      await this.deps.permissions.requireCommunity(userId, communityId) // 404 for outsiders
    }
    const window = parseWindow(query)
    const rows = (await this.seriesInWindow(communityId, window)).filter(visible)
    const { occurrences, truncated } = await resolveOccurrences(this.deps.db, this.cache, rows, window)
    const counts = await rsvpCounts(this.deps.db, occurrences, userId)
    const iso = isoFormatter()
    return {
      occurrences: occurrences.map((o) => toOccurrenceView(o, counts(o.series.id, o.originalStart), iso)),
      truncated,
    }
  }

  seriesInWindow(communityId: string, window: Window): Promise<EventSeriesRow[]> {
    return this.deps.db
      .select()
      .from(eventSeries)
      .where(
        and(
          eq(eventSeries.communityId, communityId),
          lt(eventSeries.rangeStart, new Date(window.to)),
          or(isNull(eventSeries.rangeEnd), gt(eventSeries.rangeEnd, new Date(window.from))),
        ),
      )
      .orderBy(asc(eventSeries.rangeStart))
  }

  async updateSeries(userId: string, id: string, changes: SeriesChanges) {
    await this.requireManage(userId, id)
    return this.withReminders([id], () =>
      this.deps.events.transaction({ actorId: userId }, async (tx, emit) => {
        const result = await this.editor.updateAll(tx, emit, { actorId: userId, seriesId: id, changes })
        return { result, touched: [id] }
      }),
    )
  }

  async updateOccurrence(userId: string, id: string, originalStart: string, changes: OccurrenceChanges & { scope: 'this' | 'following' }) {
    await this.requireManage(userId, id)
    const at = parseInstant(originalStart)
    return this.withReminders<{ scope: string; occurrence?: ResolvedOccurrence; event?: unknown; previous?: unknown }>([id], () =>
      this.deps.events.transaction({ actorId: userId }, async (tx, emit) => {
        if (changes.scope === 'this') {
          const occurrence = await this.editor.overrideOne(tx, emit, { actorId: userId, seriesId: id, originalStart: at, changes })
          return { result: { scope: 'this', occurrence }, touched: [id] }
        }
        const split = await this.editor.splitFollowing(tx, emit, { actorId: userId, seriesId: id, originalStart: at, changes })
        return { result: { scope: 'following', ...split.result }, touched: split.touched }
      }),
    ).then(async (r) => {
      if (r.scope !== 'this' || !r.occurrence) return r
      const { occurrence } = r
      const counts = await rsvpCounts(this.deps.db, [occurrence], userId)
      return { scope: 'this', occurrence: toOccurrenceView(occurrence, counts(id, occurrence.originalStart)) }
    })
  }

  async deleteOccurrence(userId: string, id: string, originalStart: string, scope: 'this' | 'following'): Promise<void> {
    await this.requireManage(userId, id)
    const at = parseInstant(originalStart)
    await this.withReminders([id], () =>
      this.deps.events.transaction({ actorId: userId }, async (tx, emit) => {
        if (scope === 'this') await this.editor.overrideOne(tx, emit, { actorId: userId, seriesId: id, originalStart: at, changes: { cancelled: true } })
        else await this.editor.endBefore(tx, emit, { actorId: userId, seriesId: id, originalStart: at })
        return { result: undefined, touched: [id] }
      }),
    )
  }

  async deleteSeries(userId: string, id: string): Promise<void> {
    await this.requireManage(userId, id)
    await this.withReminders([id], () =>
      this.deps.events.transaction({ actorId: userId }, async (tx, emit) => {
        await this.editor.remove(tx, emit, { actorId: userId, seriesId: id })
        return { result: undefined, touched: [id] }
      }),
    )
  }

  private async requireManage(userId: string, id: string): Promise<EventSeriesRow> {
    const row = await findSeries(this.deps.db, id)
    await this.access.requireView(userId, row)
    await this.access.requireManage(userId, row)
    return row
  }

  /** Runs a change, then brings the reminder jobs of every series it touched in line. */
  private async withReminders<T>(ids: string[], change: () => Promise<{ result: T; touched: string[] }>): Promise<T> {
    const before = await this.deps.reminders.plan(ids)
    const { result, touched } = await change()
    try {
      await this.deps.reminders.sync([...new Set([...ids, ...touched])], before)
    } catch (err) {
      // The sweep and the processor's re-check cover a reminder queue that was away.
      this.deps.log.warn('event reminders not rescheduled', { error: err, series: touched })
    }
    return result
  }
}

export function parseWindow(query: { from: string; to: string }): Window {
  const from = Date.parse(query.from)
  const to = Date.parse(query.to)
  if (Number.isNaN(from) || Number.isNaN(to)) throw new AppError('validation_failed', 'from and to must be ISO instants')
  if (to < from) throw new AppError('validation_failed', 'to must not be before from')
  if (to - from > MAX_WINDOW_DAYS * MS.DAY) throw new AppError('window_too_large', `from and to may be at most ${MAX_WINDOW_DAYS} days apart`)
  // Nothing occurs outside the years the calendar covers: such a window is answered as the part inside them.
  const clamp = (ms: number) => Math.min(Math.max(ms, FIRST_INSTANT), LAST_INSTANT)
  return { from: clamp(from), to: clamp(to) }
}

/** Minutes from `durationMinutes`, or from `end` (local, same zone, exact across DST), or the default: an hour, a day when all-day. */
export function durationOf(input: { allDay: boolean; timeZone: string; start: string; end?: string; durationMinutes?: number }): number {
  if (input.durationMinutes !== undefined && input.end !== undefined) {
    throw new AppError('validation_failed', 'give end or durationMinutes, not both')
  }
  if (input.durationMinutes !== undefined) return input.durationMinutes
  if (input.end === undefined) return input.allDay ? 1440 : 60
  return durationBetween({ timeZone: canonicalZone(input.timeZone), allDay: input.allDay }, input.start, input.end)
}

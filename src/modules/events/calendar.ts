// Series + overrides -> the occurrences a calendar shows in a window.
import { and, between, gt, inArray, isNull, lt, or } from 'drizzle-orm'
import { eventOverrides, eventRsvps, type EventOverrideRow, type EventSeriesRow, type RsvpStatus } from '../../db/schema'
import type { ExpansionCache } from './expansion-cache'
import type { OccurrenceView } from './model'
import type { Window } from './recurrence'
import type { Db } from './store'
import { formatLocal, MS, toWall } from './zone'

export interface ResolvedOccurrence {
  series: EventSeriesRow
  originalStart: number
  start: number
  end: number
  title: string
  location: string | null
  description: string | null
  cancelled: boolean
  override: EventOverrideRow | undefined
}

/** Longest an occurrence may last (the schema's limit on durationMinutes): how far back a window looks for originals. */
const LONGEST = 367 * MS.DAY

export async function loadOverrides(db: Db, seriesIds: string[], window: Window): Promise<EventOverrideRow[]> {
  if (seriesIds.length === 0) return []
  const from = new Date(window.from)
  const to = new Date(window.to)
  return db
    .select()
    .from(eventOverrides)
    .where(
      and(
        inArray(eventOverrides.seriesId, seriesIds),
        or(
          and(lt(eventOverrides.startAt, to), gt(eventOverrides.endAt, from)),
          and(lt(eventOverrides.originalStart, to), gt(eventOverrides.originalStart, new Date(window.from - LONGEST))),
        ),
      ),
    )
}

/** The series' occurrences overlapping the window, overrides applied (cancelled ones kept, marked). */
export async function resolveOccurrences(
  db: Db,
  cache: ExpansionCache,
  rows: EventSeriesRow[],
  window: Window,
): Promise<{ occurrences: ResolvedOccurrence[]; truncated: boolean }> {
  const overrides = await loadOverrides(
    db,
    rows.map((r) => r.id),
    window,
  )
  const bySeries = new Map<string, Map<number, EventOverrideRow>>()
  for (const o of overrides) {
    let m = bySeries.get(o.seriesId)
    if (!m) bySeries.set(o.seriesId, (m = new Map()))
    m.set(o.originalStart.getTime(), o)
  }
  const out: ResolvedOccurrence[] = []
  let truncated = false
  for (const series of rows) {
    const mine = bySeries.get(series.id)
    const expansion = cache.expand(series, window)
    truncated ||= expansion.truncated
    const used = new Set<number>()
    const add = (originalStart: number, start: number, end: number, o: EventOverrideRow | undefined) => {
      if (o) {
        start = o.startAt.getTime()
        end = o.endAt.getTime()
      }
      if (!(end > window.from && start < window.to)) return
      out.push({
        series,
        originalStart,
        start,
        end,
        title: o?.title ?? series.title,
        location: o?.location ?? series.location,
        description: o?.description ?? series.description,
        cancelled: o?.cancelled ?? false,
        override: o,
      })
    }
    for (const inst of expansion.instances) {
      const o = mine?.get(inst.originalStart)
      used.add(inst.originalStart)
      add(inst.originalStart, inst.start, inst.end, o)
    }
    // Occurrences moved into the window from outside it.
    for (const [originalStart, o] of mine ?? []) if (!used.has(originalStart)) add(originalStart, 0, 0, o)
  }
  out.sort((a, b) => a.start - b.start || (a.series.id < b.series.id ? -1 : a.series.id > b.series.id ? 1 : 0))
  return { occurrences: out, truncated }
}

type Counts = { going: number; maybe: number; declined: number; waitlisted: number; me?: RsvpStatus }
const NONE: Readonly<Counts> = Object.freeze({ going: 0, maybe: 0, declined: 0, waitlisted: 0 })

/**
 * RSVP counts per occurrence (an occurrence answer replaces the user's whole-series one),
 * with the caller's own answer: a lookup by series and originalStart.
 */
export async function rsvpCounts(db: Db, occurrences: ResolvedOccurrence[], userId: string | null): Promise<(seriesId: string, originalStart: number) => Counts> {
  const ids = [...new Set(occurrences.map((o) => o.series.id))]
  if (ids.length === 0) return () => NONE
  let min = Infinity
  let max = -Infinity
  for (const o of occurrences) {
    if (o.originalStart < min) min = o.originalStart
    if (o.originalStart > max) max = o.originalStart
  }
  const rows = await db
    .select({ seriesId: eventRsvps.seriesId, originalStart: eventRsvps.originalStart, userId: eventRsvps.userId, status: eventRsvps.status })
    .from(eventRsvps)
    .where(and(inArray(eventRsvps.seriesId, ids), or(isNull(eventRsvps.originalStart), between(eventRsvps.originalStart, new Date(min), new Date(max)))))
  if (rows.length === 0) return () => NONE
  const wholeSeries = new Map<string, Map<string, RsvpStatus>>()
  const perOccurrence = new Map<string, { userId: string; status: RsvpStatus }[]>()
  for (const r of rows) {
    if (r.originalStart === null) {
      let m = wholeSeries.get(r.seriesId)
      if (!m) wholeSeries.set(r.seriesId, (m = new Map()))
      m.set(r.userId, r.status)
    } else {
      const key = `${r.seriesId}|${r.originalStart.getTime()}`
      let list = perOccurrence.get(key)
      if (!list) perOccurrence.set(key, (list = []))
      list.push({ userId: r.userId, status: r.status })
    }
  }
  const base = new Map<string, Counts>()
  for (const [seriesId, answers] of wholeSeries) {
    const counts: Counts = { going: 0, maybe: 0, declined: 0, waitlisted: 0 }
    for (const status of answers.values()) counts[status]++
    const me = userId ? answers.get(userId) : undefined
    base.set(seriesId, me ? { ...counts, me } : counts)
  }
  return (seriesId, originalStart) => {
    const series = wholeSeries.get(seriesId)
    const own = perOccurrence.size ? perOccurrence.get(`${seriesId}|${originalStart}`) : undefined
    if (!own) return base.get(seriesId) ?? NONE
    const counts: Counts = { ...(base.get(seriesId) ?? NONE) }
    for (const r of own) {
      const previous = series?.get(r.userId)
      if (previous) counts[previous]--
      counts[r.status]++
      if (r.userId === userId) counts.me = r.status
    }
    return counts
  }
}

/** Formats instants, remembering the ones a list repeats (many series share their times). */
export function isoFormatter() {
  const seen = new Map<number, string>()
  return (t: number) => {
    let s = seen.get(t)
    if (s === undefined) {
      s = new Date(t).toISOString()
      if (seen.size < 100_000) seen.set(t, s)
    }
    return s
  }
}

const defaultIso = (t: number) => new Date(t).toISOString()

export function toOccurrenceView(occ: ResolvedOccurrence, rsvp: Counts, iso: (t: number) => string = defaultIso): OccurrenceView {
  const { series } = occ
  const zone = series.timeZone
  const local = (t: number) => formatLocal(toWall(zone, t), series.allDay)
  return {
    eventId: series.id,
    originalStart: iso(occ.originalStart),
    start: iso(occ.start),
    end: iso(occ.end),
    startLocal: occ.override?.startLocal ?? local(occ.start),
    endLocal: local(occ.end),
    timeZone: zone,
    allDay: series.allDay,
    title: occ.title,
    location: occ.location,
    cancelled: occ.cancelled,
    overridden: occ.override !== undefined,
    rsvp,
  }
}

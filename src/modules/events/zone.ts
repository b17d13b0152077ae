// IANA time zones, read through Intl and nothing else, so no answer depends on the
// process's own TZ. Wall-clock times are "floating" milliseconds: the local date and time
// written as if it were UTC (Date.UTC(y, m, d, h, min)).
import { AppError } from '../../lib/errors'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Transitions are looked for between samples this far apart (no zone changes twice within it). */
const SAMPLE = 6 * HOUR

export interface Transition {
  /** The instant the new offset starts. */
  at: number
  /** Offsets in ms east of UTC, before and after. */
  from: number
  to: number
}

interface YearRules {
  /** Offset at the first instant of the (UTC) year. */
  startOffset: number
  transitions: Transition[]
}

const formatters = new Map<string, Intl.DateTimeFormat>()
/** zone -> year -> rules; computed once per zone and year (a few ms), then read on every conversion. */
const years = new Map<string, Map<number, YearRules>>()
const MAX_CACHED_YEARS_PER_ZONE = 400

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    })
    formatters.set(zone, f)
  }
  return f
}

/** The zone's offset at an instant, asked of Intl directly (slow: use `offsetAt`). */
function intlOffset(zone: string, instant: number): number {
  const t = Math.floor(instant / 1000) * 1000
  const parts: Record<string, string> = {}
  for (const p of formatter(zone).formatToParts(t)) parts[p.type] = p.value
  let year = Number(parts.year)
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year
  const wall = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second))
  return wall - t
}

/**
 * The canonical name of an IANA zone ("america/new_york" -> "America/New_York"), or a 422
 * when Intl does not know it. Fixed offsets ("+05:00") are not zones and are refused.
 */
export function canonicalZone(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(name) || name.length > 64) {
    throw new AppError('unknown_time_zone', `"${name}" is not an IANA time zone`)
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
  } catch {
    throw new AppError('unknown_time_zone', `"${name}" is not an IANA time zone`)
  }
}

function rulesOf(zone: string, year: number): YearRules {
  let byYear = years.get(zone)
  if (!byYear) years.set(zone, (byYear = new Map()))
  let rules = byYear.get(year)
  if (rules) return rules
  const start = Date.UTC(year, 0, 1)
  const end = Date.UTC(year + 1, 0, 1)
  const startOffset = intlOffset(zone, start)
  const transitions: Transition[] = []
  let prevAt = start
  let prev = startOffset
  for (let t = start + SAMPLE; t <= end; t += SAMPLE) {
    const here = intlOffset(zone, t)
    if (here !== prev) {
      // Bisect to the second where the offset changes.
      let lo = prevAt
      let hi = t
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000
        if (intlOffset(zone, mid) === prev) lo = mid
        else hi = mid
      }
      if (hi < end) transitions.push({ at: hi, from: prev, to: here })
      prev = here
    }
    prevAt = t
  }
  rules = { startOffset, transitions }
  if (byYear.size >= MAX_CACHED_YEARS_PER_ZONE) byYear.clear()
  byYear.set(year, rules)
  return rules
}

/** Offset (ms east of UTC) of the zone at an instant. */
export function offsetAt(zone: string, instant: number): number {
  const rules = rulesOf(zone, new Date(instant).getUTCFullYear())
  let offset = rules.startOffset
  for (const tr of rules.transitions) {
    if (tr.at > instant) break
    offset = tr.to
  }
  return offset
}

/** The instant's local wall-clock time in the zone (floating ms). */
export const toWall = (zone: string, instant: number): number => instant + offsetAt(zone, instant)

/**
 * The instant of a wall-clock time in the zone. A time the zone skips (spring forward)
 * moves forward by the gap, as Google Calendar does: it is read with the offset from
 * before the change. A time the zone repeats (fall back) is the earlier instant.
 */
export function toInstant(zone: string, wall: number): number {
  const before = offsetAt(zone, wall - DAY)
  const after = offsetAt(zone, wall + DAY)
  let best: number | undefined
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = wall - offset
    if (offsetAt(zone, instant) === offset && (best === undefined || instant < best)) best = instant
  }
  return best ?? wall - before
}

/** Every change of offset between two instants (for VTIMEZONE). */
export function transitionsBetween(zone: string, from: number, to: number): Transition[] {
  const out: Transition[] = []
  for (let y = new Date(from).getUTCFullYear(); y <= new Date(to).getUTCFullYear(); y++) {
    for (const tr of rulesOf(zone, y).transitions) if (tr.at >= from && tr.at < to) out.push(tr)
  }
  return out
}

// --- floating wall-clock values -----------------------------------------------------------

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** `YYYY-MM-DDTHH:mm` (or `YYYY-MM-DD` when `allDay`) as floating ms; a 422 when malformed or impossible. */
export function parseLocal(value: string, allDay: boolean, field = 'start'): number {
  const m = (allDay ? LOCAL_DATE : LOCAL_TIME).exec(value)
  const shape = allDay ? 'YYYY-MM-DD' : 'YYYY-MM-DDTHH:mm'
  if (!m) throw new AppError('validation_failed', `${field} must be a local ${shape}`, { details: { field } })
  const [y, mo, d, h = 0, mi = 0] = m.slice(1).map(Number) as number[]
  const ms = Date.UTC(y!, mo! - 1, d!, h, mi)
  const back = new Date(ms)
  if (y! < 1900 || y! > 2200 || back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d! || h > 23 || mi > 59) {
    throw new AppError('validation_failed', `${field} is not a real ${allDay ? 'date' : 'date and time'} (years 1900-2200)`, {
      details: { field },
    })
  }
  return ms
}

/** The instants the calendar covers: local times of years 1900-2200, with a day to spare for offsets. */
export const FIRST_INSTANT = Date.UTC(1899, 11, 31)
export const LAST_INSTANT = Date.UTC(2201, 0, 2)

/** An ISO instant in that range as ms; NaN otherwise (no occurrence can be there). */
export function parseInstant(value: string): number {
  const ms = Date.parse(value)
  return ms >= FIRST_INSTANT && ms <= LAST_INSTANT ? ms : Number.NaN
}

export const formatLocal = (wall: number, allDay: boolean): string =>
  new Date(wall).toISOString().slice(0, allDay ? 10 : 16)

export const MS = { HOUR, DAY, MINUTE: 60_000 }

// Expanding a series into occurrences, pure. Wall-clock first: `rrule` runs on floating
// times (local date and time written as UTC, read with UTC getters only), so its answer is
// the same whatever TZ the process has; each wall time then becomes an instant in the
// series' zone (zone.ts applies the DST policy).
import { RRule, Weekday, type Options } from 'rrule'
import { AppError } from '../../lib/errors'
import { parseRule, type Rule } from './rule'
import { canonicalZone, MS, parseLocal, toInstant } from './zone'

/** At most this many occurrences of one series in one expansion (the answer says `truncated`). */
export const MAX_INSTANCES_PER_SERIES = 1000
/** Periods (years, months, weeks, days, hours) one expansion may walk... */
const MAX_PERIODS = 10_000
/** ...and milliseconds (a safety net for a cold process: the period budget is what binds). */
const MAX_WALK_MS = 500
export const MAX_EXTRA_DATES = 500
/** Widest UTC offset either way, plus a margin: wall times this far outside a window cannot fall in it. */
const OFFSET_MARGIN = 15 * MS.HOUR

export interface SeriesShape {
  /** Local `YYYY-MM-DDTHH:mm`, or `YYYY-MM-DD` when allDay. */
  start: string
  allDay: boolean
  timeZone: string
  durationMinutes: number
  rrule: string | null
  exdates: string[]
  rdates: string[]
}

export interface Instance {
  /** Where the rule put it (UTC ms): its name forever. */
  originalStart: number
  start: number
  end: number
  /** Local wall-clock start (floating ms). */
  wall: number
}

export interface Expansion {
  instances: Instance[]
  /** The per-series cap or the walking budget cut the answer short. */
  truncated: boolean
}

export interface Window {
  from: number
  to: number
}

interface Prepared {
  shape: SeriesShape
  dtstart: number
  rule: Rule | null
  exdates: Set<number>
  rdates: number[]
  duration: number
}

const prepared = new WeakMap<SeriesShape, Prepared>()

function prepare(shape: SeriesShape): Prepared {
  let p = prepared.get(shape)
  if (p) return p
  const dtstart = parseLocal(shape.start, shape.allDay)
  p = {
    shape,
    dtstart,
    rule: shape.rrule ? parseRule(shape.rrule, { allDay: shape.allDay, start: dtstart }) : null,
    exdates: new Set(shape.exdates.map((d) => parseLocal(d, shape.allDay, 'exdates'))),
    rdates: shape.rdates.map((d) => parseLocal(d, shape.allDay, 'rdates')),
    duration: shape.durationMinutes * MS.MINUTE,
  }
  prepared.set(shape, p)
  return p
}

/**
 * Checks a series as a client sent it and returns it normalised (canonical zone). A 422
 * for a bad zone, rule, date, duration, or a rule that never produces a second occurrence
 * or (with COUNT) cannot be walked to its end within the budget.
 */
export function validateSeries(shape: SeriesShape): SeriesShape {
  const timeZone = canonicalZone(shape.timeZone)
  const normal = { ...shape, timeZone, exdates: [...new Set(shape.exdates)], rdates: [...new Set(shape.rdates)] }
  if (normal.exdates.length > MAX_EXTRA_DATES || normal.rdates.length > MAX_EXTRA_DATES) {
    throw new AppError('validation_failed', `at most ${MAX_EXTRA_DATES} exdates and ${MAX_EXTRA_DATES} rdates`)
  }
  if (!Number.isInteger(shape.durationMinutes) || shape.durationMinutes < (shape.allDay ? MS.DAY / MS.MINUTE : 1)) {
    throw new AppError('validation_failed', 'the event must last at least a minute (all-day: a day)')
  }
  if (shape.allDay && shape.durationMinutes % (MS.DAY / MS.MINUTE) !== 0) {
    throw new AppError('validation_failed', 'an all-day event lasts whole days')
  }
  const p = prepare(normal)
  if (p.rule) {
    // A COUNT rule must be walkable to its end; any other must repeat within PROBE_YEARS (29 February: every 4 to 8).
    const probe = walkRule(p, p.rule.count !== null ? { from: -Infinity, to: Infinity } : { from: p.dtstart + 1, to: p.dtstart + PROBE_YEARS * 366 * MS.DAY }, {
      limit: p.rule.count !== null ? MAX_COUNT_WALK : 1,
    })
    if (probe.exhausted) throw new AppError('invalid_rrule', 'rrule: the rule is too sparse to expand (no occurrence within the walking budget)')
    if (p.rule.count === null && probe.walls.length === 0 && !p.rule.until) {
      throw new AppError('invalid_rrule', `rrule: the rule produces no occurrence in the ${PROBE_YEARS} years after the start`)
    }
  }
  return normal
}

const MAX_COUNT_WALK = 1001
const PROBE_YEARS = 30

/** Occurrences of the series that overlap the window (end > from, start < to), in start order. */
export function expandSeries(shape: SeriesShape, window: Window, opts: { limit?: number } = {}): Expansion {
  const p = prepare(shape)
  const limit = opts.limit ?? MAX_INSTANCES_PER_SERIES
  const range = { from: window.from - p.duration - OFFSET_MARGIN, to: window.to + OFFSET_MARGIN }
  const walls = new Set<number>()
  let truncated = false
  if (p.rule) {
    const walk = walkRule(p, range, { limit: limit + 1 })
    truncated = walk.exhausted || walk.walls.length > limit
    const until = p.rule.until
    for (const wall of walk.walls) {
      if (until && (until.kind === 'date' ? wall >= until.ms + MS.DAY : toInstant(shape.timeZone, wall) > until.ms)) continue
      walls.add(wall)
    }
  }
  if (p.dtstart >= range.from && p.dtstart <= range.to) walls.add(p.dtstart)
  for (const r of p.rdates) if (r >= range.from && r <= range.to) walls.add(r)
  for (const x of p.exdates) walls.delete(x)

  const instances: Instance[] = []
  for (const wall of walls) {
    const inst = instanceAt(p, wall)
    if (inst.end > window.from && inst.start < window.to) instances.push(inst)
  }
  instances.sort((a, b) => a.start - b.start)
  if (instances.length > limit) {
    instances.length = limit
    truncated = true
  }
  return { instances, truncated }
}

function instanceAt(p: Prepared, wall: number): Instance {
  const zone = p.shape.timeZone
  const start = toInstant(zone, wall)
  const end = p.shape.allDay ? toInstant(zone, wall + p.duration) : start + p.duration
  return { originalStart: start, start, end, wall }
}

/** The occurrence named `originalStart`, or undefined when the series has none there. */
export function occurrenceAt(shape: SeriesShape, originalStart: number): Instance | undefined {
  const { instances } = expandSeries(shape, { from: originalStart, to: originalStart + 1 }, { limit: 50 })
  return instances.find((i) => i.originalStart === originalStart)
}

/** Where the series' occurrences can lie: first start, last end (null: it repeats forever). */
export function seriesRange(shape: SeriesShape): { start: number; end: number | null } {
  const p = prepare(shape)
  const zone = shape.timeZone
  const walls = [p.dtstart, ...p.rdates]
  let end: number | null = null
  if (p.rule?.count != null) {
    const walk = walkRule(p, { from: -Infinity, to: Infinity }, { limit: MAX_COUNT_WALK })
    walls.push(...walk.walls)
  } else if (p.rule?.until) {
    const u = p.rule.until
    end = u.kind === 'date' ? toInstant(zone, u.ms + MS.DAY + p.duration) : u.ms + p.duration
  } else if (p.rule) {
    return { start: Math.min(...walls.map((w) => toInstant(zone, w))), end: null }
  }
  const ends = walls.map((w) => instanceAt(p, w).end)
  const last = Math.max(...ends)
  return { start: Math.min(...walls.map((w) => toInstant(zone, w))), end: end === null ? last : Math.max(end, last) }
}

/** How many occurrences the rule puts before `originalStart` (EXDATEs not removed: what COUNT counts). */
export function countBefore(shape: SeriesShape, originalStart: number): number {
  const p = prepare(shape)
  if (!p.rule) return 1
  const walk = walkRule(p, { from: -Infinity, to: Infinity }, { limit: MAX_COUNT_WALK })
  const walls = new Set([p.dtstart, ...walk.walls])
  let n = 0
  for (const w of walls) if (toInstant(shape.timeZone, w) < originalStart) n++
  return n
}

// --- the walk over rrule --------------------------------------------------------------------

const FREQ_OF = { YEARLY: RRule.YEARLY, MONTHLY: RRule.MONTHLY, WEEKLY: RRule.WEEKLY, DAILY: RRule.DAILY, HOURLY: RRule.HOURLY }

/**
 * The rule's own instances (floating ms) within a floating range, with RFC 5545's COUNT:
 * DTSTART is the first instance even when the rule would not produce it. Without COUNT
 * the walk starts at the period that holds `range.from` instead of at DTSTART, so a
 * series that began years ago costs no more than one that begins today.
 */
function walkRule(p: Prepared, range: Window, opts: { limit: number }): { walls: number[]; exhausted: boolean } {
  const rule = p.rule!
  let count = rule.count
  let start = p.dtstart
  if (count !== null) {
    const first = runRRule(p, rule, start, { from: -Infinity, to: Infinity }, { limit: 1, count: 1 })
    if (first.walls[0] !== p.dtstart) count -= 1 // DTSTART is the first of COUNT
    if (count === 0) return { walls: [], exhausted: first.exhausted }
  } else if (range.from > start) {
    start = periodStart(rule, p.dtstart, range.from)
  }
  return runRRule(p, rule, start, range, { limit: opts.limit, count })
}

function runRRule(p: Prepared, rule: Rule, dtstart: number, range: Window, opts: { limit: number; count: number | null }) {
  const options = rruleOptions(rule, p.dtstart, dtstart, opts.count)
  const rr = new RRule(options, true)
  // rrule reads `interval` twice per period and stops at 0. It only looks at the end of a
  // range when a period yields a date, so a stretch of empty periods would run on to year
  // 9999: the reads are budgeted to the periods that cover the range (reaching that is the
  // walk's natural end), and to MAX_PERIODS and MAX_WALK_MS (reaching those cuts it short).
  const cover = periodsBetween(rule, dtstart, range.to)
  const maxReads = 2 * Math.min(cover, MAX_PERIODS) + 2
  let reads = 0
  let stopped = false
  let exhausted = false
  const began = performance.now()
  const real = rr.options.interval
  Object.defineProperty(rr.options, 'interval', {
    get() {
      if (stopped) return 0
      if (++reads > maxReads) {
        stopped = true
        exhausted = cover > MAX_PERIODS
        return 0
      }
      if ((reads & 511) === 0 && performance.now() - began > MAX_WALK_MS) {
        stopped = exhausted = true
        return 0
      }
      return real
    },
  })
  const walls: number[] = []
  const accept = (d: Date) => {
    const t = d.getTime()
    if (t > range.to) return false
    if (t >= range.from) walls.push(t)
    return walls.length < opts.limit
  }
  rr.all(accept)
  return { walls, exhausted }
}

function rruleOptions(rule: Rule, origin: number, dtstart: number, count: number | null): Partial<Options> {
  const o = new Date(origin)
  const noDaySelectors = !rule.byday.length && !rule.bymonthday.length && !rule.byyearday.length && !rule.byweekno.length
  const list = (xs: number[]) => (xs.length ? xs : null)
  // The parts RFC 5545 fills in from DTSTART, made explicit, so a walk may start elsewhere.
  let bymonth = list(rule.bymonth)
  let bymonthday = list(rule.bymonthday)
  let byweekday: Weekday[] | null = rule.byday.length ? rule.byday.map((d) => new Weekday(d.weekday, d.n ?? undefined)) : null
  if (noDaySelectors) {
    if (rule.freq === 'YEARLY') {
      bymonth ??= [o.getUTCMonth() + 1]
      bymonthday = [o.getUTCDate()]
    } else if (rule.freq === 'MONTHLY') bymonthday = [o.getUTCDate()]
    else if (rule.freq === 'WEEKLY') byweekday = [new Weekday((o.getUTCDay() + 6) % 7)]
  }
  const coarserThanHour = rule.freq !== 'HOURLY'
  return {
    freq: FREQ_OF[rule.freq],
    interval: rule.interval,
    wkst: rule.wkst ?? 0,
    dtstart: new Date(dtstart),
    count,
    tzid: null,
    bymonth,
    bymonthday,
    byweekday,
    byyearday: list(rule.byyearday),
    byweekno: list(rule.byweekno),
    byhour: list(rule.byhour) ?? (coarserThanHour ? [o.getUTCHours()] : null),
    byminute: list(rule.byminute) ?? [o.getUTCMinutes()],
    bysecond: [0],
    bysetpos: list(rule.bysetpos),
  }
}

/** How many of the rule's periods (plus two) reach from `from` to `to` (floating ms). */
function periodsBetween(rule: Rule, from: number, to: number): number {
  if (!Number.isFinite(to)) return Number.POSITIVE_INFINITY
  const a = new Date(from)
  const b = new Date(to)
  const span = Math.max(0, to - from)
  const units: Record<Rule['freq'], number> = {
    YEARLY: b.getUTCFullYear() - a.getUTCFullYear(),
    MONTHLY: (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth(),
    WEEKLY: span / (7 * MS.DAY),
    DAILY: span / MS.DAY,
    HOURLY: span / MS.HOUR,
  }
  return Math.ceil(Math.max(0, units[rule.freq]) / rule.interval) + 2
}

/** The start of the rule's period (every INTERVAL-th, counted from DTSTART's) that holds `target`. */
function periodStart(rule: Rule, dtstart: number, target: number): number {
  const d = new Date(dtstart)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth()
  const day0 = Date.UTC(y, m, d.getUTCDate())
  const t = new Date(target)
  const step = (span: number, unit: number, base: number) => base + Math.floor(span / (unit * rule.interval)) * unit * rule.interval
  let start: number
  switch (rule.freq) {
    case 'YEARLY': {
      const years = t.getUTCFullYear() - y
      start = Date.UTC(y + Math.floor(years / rule.interval) * rule.interval, 0, 1)
      break
    }
    case 'MONTHLY': {
      const months = (t.getUTCFullYear() - y) * 12 + t.getUTCMonth() - m
      start = Date.UTC(y, m + Math.floor(months / rule.interval) * rule.interval, 1)
      break
    }
    case 'WEEKLY': {
      const wkst = rule.wkst ?? 0
      const weekday = (d.getUTCDay() + 6) % 7
      const week0 = day0 - ((weekday - wkst + 7) % 7) * MS.DAY
      start = step(target - week0, 7 * MS.DAY, week0)
      break
    }
    case 'DAILY':
      start = step(target - day0, MS.DAY, day0)
      break
    case 'HOURLY': {
      const hour0 = dtstart - (dtstart % MS.HOUR)
      start = step(target - hour0, MS.HOUR, hour0)
      break
    }
  }
  return start > dtstart ? start : dtstart
}

/** The series' occurrence whose local start is `wall`, or undefined. */
export function occurrenceAtWall(shape: SeriesShape, wall: number): Instance | undefined {
  const p = prepare(shape)
  const at = toInstant(shape.timeZone, wall)
  const { instances } = expandSeries(shape, { from: at, to: at + p.duration + 1 }, { limit: 50 })
  return instances.find((i) => i.wall === wall)
}

/**
 * Where each named occurrence of `from` is in `to`, the same series changed: every
 * occurrence moves by the change of its local start (a new time of day, another date, or
 * none when only the zone changed), and keeps its identity if `to` has an occurrence
 * there; null when it has none (the occurrence is gone).
 */
export function remapOccurrences(from: SeriesShape, to: SeriesShape, originalStarts: number[]): Map<number, Instance | null> {
  const delta = parseLocal(to.start, to.allDay) - parseLocal(from.start, from.allDay)
  const out = new Map<number, Instance | null>()
  for (const key of originalStarts) {
    if (out.has(key)) continue
    const old = occurrenceAt(from, key)
    out.set(key, old ? (occurrenceAtWall(to, old.wall + delta) ?? null) : null)
  }
  return out
}

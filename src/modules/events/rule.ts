// An RRULE value (RFC 5545 3.3.10), parsed strictly and checked against Hearth's limits
// before `rrule` ever sees it. What this refuses, `rrule` would loop on or is not a calendar
// event: SECONDLY and MINUTELY (a calendar event repeats hourly at most), BYSECOND, hours
// an HOURLY INTERVAL never reaches.
import { AppError } from '../../lib/errors'

export const FREQS = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY'] as const
export type Freq = (typeof FREQS)[number]
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const
export type WeekdayCode = (typeof WEEKDAYS)[number]

/** Largest COUNT: a COUNT rule is walked from its start, so it stays short. */
export const MAX_COUNT = 1000
export const MAX_INTERVAL = 1000
const MAX_LIST = 60

export interface ByDay {
  weekday: number // 0 = MO ... 6 = SU
  n: number | null
}

export interface Until {
  /** `date`: a DATE (all-day series), inclusive of that local date; `utc`: a UTC instant. */
  kind: 'date' | 'utc'
  /** Floating ms of the date (`date`), or the instant (`utc`). */
  ms: number
}

export interface Rule {
  freq: Freq
  interval: number
  count: number | null
  until: Until | null
  byday: ByDay[]
  bymonthday: number[]
  byyearday: number[]
  byweekno: number[]
  bymonth: number[]
  byhour: number[]
  byminute: number[]
  bysetpos: number[]
  wkst: number | null
}

const bad = (message: string) => new AppError('invalid_rrule', `rrule: ${message}`)

type NumberListField = 'bymonthday' | 'byyearday' | 'byweekno' | 'bymonth' | 'byhour' | 'byminute' | 'bysetpos'
interface NumberList {
  field: NumberListField
  max: number
  /** A signed list also counts back from the end (-1 is the last) and never holds 0; an unsigned one is min..max. */
  signed?: true
  min?: number
}

/** The parts whose value is a list of numbers: the field each fills, and its range. */
const NUMBER_LISTS = new Map<string, NumberList>([
  ['BYMONTHDAY', { field: 'bymonthday', max: 31, signed: true }],
  ['BYYEARDAY', { field: 'byyearday', max: 366, signed: true }],
  ['BYWEEKNO', { field: 'byweekno', max: 53, signed: true }],
  ['BYSETPOS', { field: 'bysetpos', max: 366, signed: true }],
  ['BYMONTH', { field: 'bymonth', min: 1, max: 12 }],
  ['BYHOUR', { field: 'byhour', min: 0, max: 23 }],
  ['BYMINUTE', { field: 'byminute', min: 0, max: 59 }],
])

function intList(name: string, value: string, { max, signed, min = 0 }: NumberList): number[] {
  const parts = value.split(',')
  if (parts.length > MAX_LIST) throw bad(`${name} lists at most ${MAX_LIST} values`)
  return parts.map((p) => {
    if (!/^[+-]?\d{1,3}$/.test(p)) throw bad(`${name} takes whole numbers, not "${p}"`)
    const n = Number(p)
    if (signed ? n === 0 || Math.abs(n) > max : n < min || n > max) throw bad(`${name} value ${p} is out of range`)
    return n
  })
}

function parseUntil(value: string): Until {
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(value)
  if (m) return { kind: 'date', ms: checkedUtc(value, +m[1]!, +m[2]!, +m[3]!, 0, 0, 0) }
  m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (m) return { kind: 'utc', ms: checkedUtc(value, +m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!) }
  throw bad('UNTIL must be a UTC date-time (YYYYMMDDTHHMMSSZ) or, for all-day events, a date (YYYYMMDD)')
}

function checkedUtc(raw: string, y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  const back = new Date(ms)
  if (y < 1900 || y > 2200 || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw bad(`UNTIL ${raw} is not a real date`)
  }
  return ms
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

/**
 * Parses and checks an RRULE value. `start` is the series' first local start (floating
 * ms), needed to know which hours an HOURLY INTERVAL can reach.
 */
export function parseRule(value: string, opts: { allDay: boolean; start: number }): Rule {
  if (value.length > 500) throw bad('at most 500 characters')
  const text = value.startsWith('RRULE:') ? value.slice(6) : value
  const seen = new Set<string>()
  const rule: Rule = {
    freq: 'DAILY',
    interval: 1,
    count: null,
    until: null,
    byday: [],
    bymonthday: [],
    byyearday: [],
    byweekno: [],
    bymonth: [],
    byhour: [],
    byminute: [],
    bysetpos: [],
    wkst: null,
  }
  let freq: string | undefined
  for (const part of text.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw bad(`"${part}" is not NAME=VALUE`)
    const name = part.slice(0, eq).toUpperCase()
    const v = part.slice(eq + 1).toUpperCase()
    if (seen.has(name)) throw bad(`${name} appears twice`)
    seen.add(name)
    const list = NUMBER_LISTS.get(name)
    if (list) {
      rule[list.field] = intList(name, v, list)
      continue
    }
    switch (name) {
      case 'FREQ':
        freq = v
        break
      case 'INTERVAL':
        if (!/^\d{1,4}$/.test(v) || +v < 1 || +v > MAX_INTERVAL) throw bad(`INTERVAL must be 1..${MAX_INTERVAL}`)
        rule.interval = +v
        break
      case 'COUNT':
        if (!/^\d{1,5}$/.test(v) || +v < 1 || +v > MAX_COUNT) throw bad(`COUNT must be 1..${MAX_COUNT}`)
        rule.count = +v
        break
      case 'UNTIL':
        rule.until = parseUntil(v)
        break
      case 'BYDAY':
        rule.byday = v.split(',').map((d) => {
          const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(d)
          if (!m) throw bad(`BYDAY value "${d}" is not a weekday like MO, 2TU or -1FR`)
          const n = m[1] === undefined ? null : Number(m[1])
          if (n !== null && (n === 0 || Math.abs(n) > 53)) throw bad(`BYDAY ordinal ${m[1]} is out of range`)
          return { weekday: WEEKDAYS.indexOf(m[2] as WeekdayCode), n }
        })
        if (rule.byday.length > MAX_LIST) throw bad(`BYDAY lists at most ${MAX_LIST} values`)
        break
      case 'BYSECOND':
        // Starts have minute precision; BYSECOND could only add sub-minute occurrences.
        if (v !== '0') throw bad('BYSECOND is not supported (occurrences start on whole minutes)')
        break
      case 'WKST': {
        const i = WEEKDAYS.indexOf(v as WeekdayCode)
        if (i < 0) throw bad('WKST must be a weekday (MO..SU)')
        rule.wkst = i
        break
      }
      default:
        throw bad(`unknown part ${name}`)
    }
  }
  if (!freq) throw bad('FREQ is required')
  if (freq === 'SECONDLY' || freq === 'MINUTELY') throw bad(`FREQ=${freq} is not allowed: the shortest frequency is HOURLY`)
  if (!(FREQS as readonly string[]).includes(freq)) throw bad(`FREQ must be one of ${FREQS.join(', ')}`)
  rule.freq = freq as Freq
  checkCombinations(rule, opts)
  return rule
}

function checkCombinations(rule: Rule, opts: { allDay: boolean; start: number }) {
  const { freq } = rule
  if (rule.count !== null && rule.until) throw bad('COUNT and UNTIL cannot both be given')
  if (opts.allDay && freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY' && freq !== 'YEARLY') {
    throw bad('an all-day event repeats DAILY, WEEKLY, MONTHLY or YEARLY')
  }
  if (opts.allDay && (rule.byhour.length || rule.byminute.length)) throw bad('an all-day event has no BYHOUR or BYMINUTE')
  if (rule.until && opts.allDay !== (rule.until.kind === 'date')) {
    throw bad(opts.allDay ? 'UNTIL of an all-day event is a date (YYYYMMDD)' : 'UNTIL must be a UTC date-time (YYYYMMDDTHHMMSSZ)')
  }
  if (rule.byweekno.length && freq !== 'YEARLY') throw bad('BYWEEKNO is only valid with FREQ=YEARLY')
  if (rule.byyearday.length && (freq === 'MONTHLY' || freq === 'WEEKLY' || freq === 'DAILY')) {
    throw bad('BYYEARDAY is not valid with FREQ=DAILY, WEEKLY or MONTHLY')
  }
  if (rule.bymonthday.length && freq === 'WEEKLY') throw bad('BYMONTHDAY is not valid with FREQ=WEEKLY')
  const ordinals = rule.byday.filter((d) => d.n !== null)
  if (ordinals.length) {
    if (freq !== 'MONTHLY' && freq !== 'YEARLY') throw bad('BYDAY with an ordinal (like 2MO) needs FREQ=MONTHLY or YEARLY')
    if (freq === 'YEARLY' && rule.byweekno.length) throw bad('BYDAY with an ordinal cannot be used with BYWEEKNO')
    if (freq === 'MONTHLY' && ordinals.some((d) => Math.abs(d.n!) > 5)) throw bad('a monthly BYDAY ordinal is -5..5')
  }
  if (rule.bysetpos.length) {
    const others = rule.byday.length + rule.bymonthday.length + rule.byyearday.length + rule.byweekno.length
    if (others + rule.bymonth.length + rule.byhour.length + rule.byminute.length === 0) {
      throw bad('BYSETPOS needs another BYxxx part to choose from')
    }
  }
  // rrule walks HOURLY steps until a BYHOUR matches: one it can never reach would never end.
  const start = new Date(opts.start)
  if (freq === 'HOURLY' && rule.byhour.length) {
    const g = gcd(rule.interval, 24)
    if (!rule.byhour.some((h) => (((h - start.getUTCHours()) % g) + g) % g === 0)) {
      throw bad(`with FREQ=HOURLY;INTERVAL=${rule.interval} from this start, none of the BYHOUR values is ever reached`)
    }
  }
}

/** The rule written back canonically (FREQ first, UTC UNTIL in basic format). */
export function formatRule(rule: Rule): string {
  const parts = [`FREQ=${rule.freq}`]
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`)
  if (rule.count !== null) parts.push(`COUNT=${rule.count}`)
  if (rule.until) parts.push(`UNTIL=${formatUntil(rule.until)}`)
  const list = (name: string, values: number[]) => values.length && parts.push(`${name}=${values.join(',')}`)
  list('BYMONTH', rule.bymonth)
  list('BYWEEKNO', rule.byweekno)
  list('BYYEARDAY', rule.byyearday)
  list('BYMONTHDAY', rule.bymonthday)
  if (rule.byday.length) parts.push(`BYDAY=${rule.byday.map((d) => `${d.n ?? ''}${WEEKDAYS[d.weekday]}`).join(',')}`)
  list('BYHOUR', rule.byhour)
  list('BYMINUTE', rule.byminute)
  list('BYSETPOS', rule.bysetpos)
  if (rule.wkst !== null) parts.push(`WKST=${WEEKDAYS[rule.wkst]}`)
  return parts.join(';')
}

export function formatUntil(until: Until): string {
  const iso = new Date(until.ms).toISOString()
  const date = iso.slice(0, 10).replaceAll('-', '')
  return until.kind === 'date' ? date : `${date}T${iso.slice(11, 19).replaceAll(':', '')}Z`
}

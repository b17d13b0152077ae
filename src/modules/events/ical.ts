// RFC 5545 text of a set of series, pure: each series a VEVENT with its RRULE, RDATEs and
// EXDATEs (cancelled occurrences among them); each changed occurrence a VEVENT with the
// same UID and a RECURRENCE-ID; each zone a VTIMEZONE written from the transitions Intl
// reports, with a yearly rule for the years after them when the zone keeps one.
import type { EventOverrideRow, EventSeriesRow } from '../../db/schema'
import { shapeOf } from './expansion-cache'
import { expandSeries, occurrenceAt } from './recurrence'
import { formatLocal, MS, offsetAt, parseLocal, toWall, transitionsBetween, type Transition } from './zone'

const encoder = new TextEncoder()

/** TEXT value escaping (RFC 5545 3.3.11). */
export const escapeText = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n|\r/g, '\\n')

/** Folds a content line at 75 octets, never inside a UTF-8 character; continuation lines start with a space. */
export function fold(line: string): string {
  if (encoder.encode(line).length <= 75) return line
  const out: string[] = []
  let current = ''
  let size = 0
  for (const ch of line) {
    const n = encoder.encode(ch).length
    const limit = out.length === 0 ? 75 : 74
    if (size + n > limit) {
      out.push(current)
      current = ''
      size = 0
    }
    current += ch
    size += n
  }
  out.push(current)
  return out.join('\r\n ')
}

const basic = (wall: number, allDay: boolean) => {
  const iso = new Date(wall).toISOString()
  const date = iso.slice(0, 10).replaceAll('-', '')
  return allDay ? date : `${date}T${iso.slice(11, 19).replaceAll(':', '')}`
}
const utcStamp = (t: number) => `${basic(t, false)}Z`

function offsetText(ms: number): string {
  const sign = ms < 0 ? '-' : '+'
  const minutes = Math.abs(ms) / MS.MINUTE
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`
}

interface FeedInput {
  name: string
  series: EventSeriesRow[]
  overrides: EventOverrideRow[]
  now: number
}

export function renderCalendar(input: FeedInput): string {
  const lines: string[] = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Hearth//Events//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH']
  lines.push(`X-WR-CALNAME:${escapeText(input.name)}`)
  const zones = new Map<string, number>()
  for (const s of input.series) {
    if (s.allDay) continue
    const first = s.rangeStart.getTime()
    zones.set(s.timeZone, Math.min(zones.get(s.timeZone) ?? first, first))
  }
  for (const [zone, from] of [...zones].sort(([a], [b]) => a.localeCompare(b))) lines.push(...vtimezone(zone, from, input.now))
  const overrides = new Map<string, EventOverrideRow[]>()
  for (const o of input.overrides) {
    const list = overrides.get(o.seriesId)
    if (list) list.push(o)
    else overrides.set(o.seriesId, [o])
  }
  for (const s of input.series) lines.push(...vevents(s, overrides.get(s.id) ?? [], input.now))
  lines.push('END:VCALENDAR')
  return lines.map(fold).join('\r\n') + '\r\n'
}

function vevents(s: EventSeriesRow, overrides: EventOverrideRow[], now: number): string[] {
  const shape = shapeOf(s)
  const tz = s.allDay ? ';VALUE=DATE' : `;TZID=${s.timeZone}`
  const local = (wall: number) => `${tz}:${basic(wall, s.allDay)}`
  const uid = `UID:${s.id}@hearth`
  const stamp = `DTSTAMP:${utcStamp(s.updatedAt.getTime())}`
  const duration = s.allDay ? `DURATION:P${s.durationMinutes / 1440}D` : `DURATION:PT${s.durationMinutes}M`
  const text = (o: { title: string; description: string | null; location: string | null }) => [
    `SUMMARY:${escapeText(o.title)}`,
    ...(o.description ? [`DESCRIPTION:${escapeText(o.description)}`] : []),
    ...(o.location ? [`LOCATION:${escapeText(o.location)}`] : []),
  ]
  // The rule's own local time of an occurrence (a skipped 02:30 stays 02:30 here, as the rule wrote it).
  const ruleWall = (o: EventOverrideRow) => occurrenceAt(shape, o.originalStart.getTime())?.wall ?? toWall(s.timeZone, o.originalStart.getTime())

  const master = ['BEGIN:VEVENT', uid, stamp, `SEQUENCE:${s.version}`, `DTSTART${local(parseLocal(s.startLocal, s.allDay))}`, duration]
  if (s.rrule) master.push(`RRULE:${s.rrule}`)
  for (const d of s.rdates) master.push(`RDATE${local(parseLocal(d, s.allDay))}`)
  const excluded = [...s.exdates.map((d) => parseLocal(d, s.allDay)), ...overrides.filter((o) => o.cancelled).map(ruleWall)]
  for (const wall of excluded) master.push(`EXDATE${local(wall)}`)
  master.push(...text(s), 'END:VEVENT')

  const changed = overrides
    .filter((o) => !o.cancelled)
    .flatMap((o) => {
      const minutes = (o.endAt.getTime() - o.startAt.getTime()) / MS.MINUTE
      // A moved start the zone skips or repeats is written in UTC, so no reader can take it otherwise.
      const wall = o.startLocal ? parseLocal(o.startLocal, s.allDay) : toWall(s.timeZone, o.startAt.getTime())
      const dtstart = !s.allDay && unclear(s.timeZone, wall) ? `:${utcStamp(o.startAt.getTime())}` : local(wall)
      return [
        'BEGIN:VEVENT',
        uid,
        stamp,
        `SEQUENCE:${s.version}`,
        `RECURRENCE-ID${local(ruleWall(o))}`,
        `DTSTART${dtstart}`,
        s.allDay ? `DURATION:P${Math.round(minutes / 1440)}D` : `DURATION:PT${minutes}M`,
        ...text({ title: o.title ?? s.title, description: o.description ?? s.description, location: o.location ?? s.location }),
        'END:VEVENT',
      ]
    })
  // Occurrences at a local time the zone skips or repeats: readers differ on those (RFC 5545
  // says: the offset before a gap, the first of a repeat), so each is written out in UTC.
  if (!s.allDay && s.rrule) {
    const taken = new Set(overrides.map((o) => o.originalStart.getTime()))
    for (const inst of unclearInstances(s, now)) {
      if (taken.has(inst.originalStart)) continue
      changed.push(
        'BEGIN:VEVENT',
        uid,
        stamp,
        `SEQUENCE:${s.version}`,
        `RECURRENCE-ID${local(inst.wall)}`,
        `DTSTART:${utcStamp(inst.start)}`,
        duration,
        ...text(s),
        'END:VEVENT',
      )
    }
  }
  return [...master, ...changed]
}

/** Whether the zone skips or repeats this local time. */
function unclear(zone: string, wall: number): boolean {
  return transitionsBetween(zone, wall - 2 * MS.DAY, wall + 2 * MS.DAY).some((t) => {
    const from = t.at + Math.min(t.from, t.to)
    return wall >= from && wall < from + Math.abs(t.to - t.from)
  })
}

/** The series' occurrences whose local time the zone skips or repeats, up to two years ahead. */
function unclearInstances(s: EventSeriesRow, now: number) {
  const shape = shapeOf(s)
  const end = Math.min(s.rangeEnd?.getTime() ?? Infinity, now + 2 * 366 * MS.DAY)
  const out = []
  for (const t of transitionsBetween(s.timeZone, s.rangeStart.getTime(), end)) {
    const { instances } = expandSeries(shape, { from: t.at - MS.DAY, to: t.at + MS.DAY }, { limit: 200 })
    out.push(...instances.filter((i) => unclear(s.timeZone, i.wall)))
  }
  return out
}

/**
 * A VTIMEZONE: the offset at `from`, every transition from then to two years ahead, then
 * yearly rules when the last three years changed on the same rule (e.g. the second
 * Sunday of March at 02:00), so clients compute later years themselves.
 */
export function vtimezone(zone: string, from: number, now: number): string[] {
  const start = Date.UTC(new Date(from).getUTCFullYear() - 1, 0, 1)
  const lastYear = new Date(now).getUTCFullYear() + 2
  const end = Date.UTC(lastYear + 1, 0, 1)
  const transitions = transitionsBetween(zone, start, end)
  const out = ['BEGIN:VTIMEZONE', `TZID:${zone}`]
  const initial = offsetAt(zone, start)
  const component = (kind: 'STANDARD' | 'DAYLIGHT', t: Transition, rrule?: string) => [
    `BEGIN:${kind}`,
    `DTSTART:${basic(t.at + t.from, false)}`,
    `TZOFFSETFROM:${offsetText(t.from)}`,
    `TZOFFSETTO:${offsetText(t.to)}`,
    ...(rrule ? [`RRULE:${rrule}`] : []),
    `END:${kind}`,
  ]
  const kindOf = (t: Transition) => (t.to > t.from ? 'DAYLIGHT' : 'STANDARD')
  out.push(...component('STANDARD', { at: start, from: initial, to: initial }))
  const rules = yearlyRules(transitions, lastYear)
  const explicit = rules ? transitions.filter((t) => new Date(t.at).getUTCFullYear() < lastYear) : transitions
  for (const t of explicit) out.push(...component(kindOf(t), t))
  for (const r of rules ?? []) out.push(...component(kindOf(r.first), r.first, r.rrule))
  out.push('END:VTIMEZONE')
  return out
}

/** The year's transitions as yearly rules, when the two years before it followed the same ones. */
function yearlyRules(transitions: Transition[], year: number): { first: Transition; rrule: string }[] | undefined {
  const inYear = (y: number) => transitions.filter((t) => new Date(t.at).getUTCFullYear() === y)
  const last = inYear(year)
  if (last.length === 0) return undefined
  const describe = (t: Transition) => {
    const wall = new Date(t.at + t.from)
    const day = wall.getUTCDate()
    const daysInMonth = new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() + 1, 0)).getUTCDate()
    const weekday = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'][wall.getUTCDay()]
    const n = day + 7 > daysInMonth ? -1 : Math.ceil(day / 7)
    return { key: `${t.from}|${t.to}|${wall.getUTCMonth()}|${n}|${weekday}|${wall.getUTCHours()}:${wall.getUTCMinutes()}`, month: wall.getUTCMonth() + 1, n, weekday }
  }
  const pattern = last.map((t) => describe(t).key).join(',')
  for (const y of [year - 1, year - 2]) if (inYear(y).map((t) => describe(t).key).join(',') !== pattern) return undefined
  return last.map((t) => {
    const d = describe(t)
    return { first: t, rrule: `FREQ=YEARLY;BYMONTH=${d.month};BYDAY=${d.n}${d.weekday}` }
  })
}

export { formatLocal }

import type { EventSeriesRow } from '../../db/schema'
import { expandSeries, type Instance, type SeriesShape, type Window } from './recurrence'

/** Expansions are cached in fixed 28-day blocks of UTC time, so any window reuses them. */
const BLOCK = 28 * 86_400_000

export const shapeOf = (row: Pick<EventSeriesRow, 'startLocal' | 'allDay' | 'timeZone' | 'durationMinutes' | 'rrule' | 'exdates' | 'rdates'>): SeriesShape => ({
  start: row.startLocal,
  allDay: row.allDay,
  timeZone: row.timeZone,
  durationMinutes: row.durationMinutes,
  rrule: row.rrule,
  exdates: row.exdates,
  rdates: row.rdates,
})

/**
 * The rule's occurrences of a series per block, keyed by the series' id and version: every
 * change bumps the version, so an entry is never stale, only unused (and evicted, least
 * recently used first). In-process: a node holds what its own requests expanded.
 */
export class ExpansionCache {
  private readonly entries = new Map<string, { instances: Instance[]; truncated: boolean }>()
  hits = 0
  misses = 0

  constructor(private readonly maxEntries = 50_000) {}

  expand(row: EventSeriesRow, window: Window): { instances: Instance[]; truncated: boolean } {
    if (this.maxEntries === 0) return expandSeries(shapeOf(row), window)
    let shape: SeriesShape | undefined
    const out: Instance[] = []
    const seen = new Set<number>()
    let truncated = false
    for (let b = Math.floor(window.from / BLOCK); b * BLOCK < window.to; b++) {
      const key = `${row.id}:${row.version}:${b}`
      let block = this.entries.get(key)
      if (block) {
        this.hits++
        this.entries.delete(key)
      } else {
        this.misses++
        shape ??= shapeOf(row)
        block = expandSeries(shape, { from: b * BLOCK, to: (b + 1) * BLOCK })
        if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
      }
      this.entries.set(key, block)
      truncated ||= block.truncated
      for (const inst of block.instances) {
        if (inst.end > window.from && inst.start < window.to && !seen.has(inst.originalStart)) {
          seen.add(inst.originalStart)
          out.push(inst)
        }
      }
    }
    out.sort((a, b) => a.start - b.start)
    return { instances: out, truncated }
  }
}

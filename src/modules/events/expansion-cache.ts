import type { EventSeriesRow } from '../../db/schema'
import { expandSeries, MAX_INSTANCES_PER_SERIES, type Instance, type SeriesShape, type Window } from './recurrence'

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
    const first = Math.floor(window.from / BLOCK)
    const last = Math.floor((window.to - 1) / BLOCK)
    const blocks: { instances: Instance[]; truncated: boolean }[] = []
    const missing: number[] = []
    for (let b = first; b <= last; b++) {
      const key = `${row.id}:${row.version}:${b}`
      const block = this.entries.get(key)
      if (block) {
        this.hits++
        this.entries.delete(key) // re-inserted below: most recently used last
        this.entries.set(key, block)
      } else {
        this.misses++
        missing.push(b)
      }
      blocks[b - first] = block!
    }
    if (missing.length) this.fill(row, missing, (b, block) => (blocks[b - first] = block))
    const out: Instance[] = []
    const seen = new Set<number>()
    let truncated = false
    for (const block of blocks) {
      truncated ||= block.truncated
      for (const inst of block.instances) {
        if (inst.end > window.from && inst.start < window.to && !seen.has(inst.originalStart)) {
          seen.add(inst.originalStart)
          out.push(inst)
        }
      }
    }
    out.sort((a, b) => a.start - b.start)
    if (out.length > MAX_INSTANCES_PER_SERIES) {
      out.length = MAX_INSTANCES_PER_SERIES
      truncated = true
    }
    return { instances: out, truncated }
  }

  /** Expands the missing blocks in one walk and files each occurrence under every block it overlaps. */
  private fill(row: EventSeriesRow, missing: number[], put: (b: number, block: { instances: Instance[]; truncated: boolean }) => void) {
    const lo = missing[0]!
    const hi = missing[missing.length - 1]!
    const { instances, truncated } = expandSeries(shapeOf(row), { from: lo * BLOCK, to: (hi + 1) * BLOCK }, { limit: MAX_INSTANCES_PER_SERIES * (hi - lo + 1) })
    const wanted = new Set(missing)
    const filed = new Map<number, Instance[]>(missing.map((b) => [b, []]))
    for (const inst of instances) {
      for (let b = Math.max(lo, Math.floor(inst.start / BLOCK)); b <= Math.min(hi, Math.floor((inst.end - 1) / BLOCK)); b++) {
        if (wanted.has(b)) filed.get(b)!.push(inst)
      }
    }
    for (const [b, list] of filed) {
      const block = { instances: list, truncated }
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
      this.entries.set(`${row.id}:${row.version}:${b}`, block)
      put(b, block)
    }
  }
}

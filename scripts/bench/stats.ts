// Latency histogram: 0.05 ms buckets up to 10 s, so millions of samples cost no sorting.
const BUCKETS_PER_MS = 20
const MAX_MS = 10_000

export class Histogram {
  private readonly buckets = new Uint32Array(MAX_MS * BUCKETS_PER_MS + 1)
  count = 0
  private sum = 0

  record(ms: number) {
    const i = Math.min(this.buckets.length - 1, Math.max(0, Math.round(ms * BUCKETS_PER_MS)))
    this.buckets[i]!++
    this.count++
    this.sum += ms
  }

  /** The latency under which a fraction `p` (0..1) of the samples fall; NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN
    const rank = Math.max(1, Math.ceil(p * this.count))
    let seen = 0
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!
      if (seen >= rank) return i / BUCKETS_PER_MS
    }
    return MAX_MS
  }

  merge(other: Histogram) {
    for (let i = 0; i < this.buckets.length; i++) this.buckets[i]! += other.buckets[i]!
    this.count += other.count
    this.sum += other.sum
  }

  /** The non-empty buckets, to send to another process. */
  toSparse(): [number, number][] {
    const out: [number, number][] = []
    for (let i = 0; i < this.buckets.length; i++) if (this.buckets[i]) out.push([i, this.buckets[i]!])
    return out
  }

  addSparse(sparse: [number, number][], sum: number) {
    for (const [i, n] of sparse) {
      this.buckets[i]! += n
      this.count += n
    }
    this.sum += sum
  }

  get total() {
    return this.sum
  }

  mean() {
    return this.count ? this.sum / this.count : Number.NaN
  }

  summary() {
    return {
      count: this.count,
      p50: round(this.percentile(0.5)),
      p99: round(this.percentile(0.99)),
      p999: round(this.percentile(0.999)),
      max: round(this.percentile(1)),
      mean: round(this.mean()),
    }
  }
}

/** The middle value (the mean of the two middle ones for an even count); NaN when empty. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null)

/** Wall-clock milliseconds with sub-millisecond precision, comparable inside one process. */
export const nowMs = () => performance.timeOrigin + performance.now()

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

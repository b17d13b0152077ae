/** One sample of the Prometheus text format: a metric name, its labels and its value. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const line = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/
const label = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g

/** Reads `/metrics` (text exposition format 0.0.4): comments skipped, one sample per line. */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = []
  for (const raw of text.split('\n')) {
    if (!raw || raw.startsWith('#')) continue
    const m = line.exec(raw)
    if (!m) continue
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(label)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
    const value = Number(m[3])
    if (Number.isFinite(value)) samples.push({ name: m[1]!, labels, value })
  }
  return samples
}

export const total = (samples: Sample[], name: string, where: (labels: Record<string, string>) => boolean = () => true) =>
  samples.reduce((sum, s) => (s.name === name && where(s.labels) ? sum + s.value : sum), 0)

/**
 * The fan-out figures between two scrapes: events delivered per second, and the mean and
 * the 99th percentile (from the histogram's buckets) of commit-to-socket latency.
 */
export function fanoutBetween(before: Sample[], after: Sample[], seconds: number): { deliveriesPerSecond: number; meanMs?: number; p99Ms?: number } {
  const delivered = total(after, 'hearth_ws_events_out_total') - total(before, 'hearth_ws_events_out_total')
  const count = total(after, 'hearth_fanout_latency_seconds_count') - total(before, 'hearth_fanout_latency_seconds_count')
  const sum = total(after, 'hearth_fanout_latency_seconds_sum') - total(before, 'hearth_fanout_latency_seconds_sum')
  const out: { deliveriesPerSecond: number; meanMs?: number; p99Ms?: number } = { deliveriesPerSecond: Math.max(0, delivered) / seconds }
  if (count <= 0) return out
  out.meanMs = (sum / count) * 1000
  const buckets = after
    .filter((s) => s.name === 'hearth_fanout_latency_seconds_bucket' && s.labels.le !== '+Inf')
    .map((s) => ({ le: Number(s.labels.le), n: s.value - total(before, 'hearth_fanout_latency_seconds_bucket', (l) => l.le === s.labels.le) }))
    .sort((a, b) => a.le - b.le)
  const target = count * 0.99
  out.p99Ms = (buckets.find((b) => b.n >= target)?.le ?? buckets.at(-1)?.le ?? 0) * 1000
  return out
}

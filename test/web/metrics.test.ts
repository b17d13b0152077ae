import { describe, expect, test } from 'bun:test'
import { fanoutBetween, parseMetrics, total } from '../../web/src/metrics'
import { startTestApp } from '../helpers/app'

// The operations page reads /metrics in the browser: its parser against the real page, and the
// figures it charts from two scrapes.

describe("the operations page's reading of /metrics", async () => {
  const app = await startTestApp()

  test('queue depths come out of the real /metrics, by queue and state', async () => {
    const samples = parseMetrics(await (await fetch(`${app.url}/metrics`)).text())
    const depths = samples.filter((s) => s.name === 'hearth_queue_jobs')
    expect(new Set(depths.map((s) => s.labels.queue))).toContain('notifications')
    expect(new Set(depths.map((s) => s.labels.state))).toContain('waiting')
    expect(depths.every((s) => Number.isFinite(s.value))).toBe(true)
  })

  test('labels with escaped quotes and comments are read as Prometheus writes them', () => {
    const samples = parseMetrics(['# HELP x a metric', '# TYPE x counter', 'x{a="say \\"hi\\"",b="2"} 3', 'y 4.5', ''].join('\n'))
    expect(samples).toEqual([
      { name: 'x', labels: { a: 'say "hi"', b: '2' }, value: 3 },
      { name: 'y', labels: {}, value: 4.5 },
    ])
    expect(total(samples, 'x', (l) => l.b === '2')).toBe(3)
  })

  test('deliveries per second, mean latency and the p99 bucket between two scrapes', () => {
    const scrape = (events: number, count: number, sum: number, buckets: Record<string, number>) =>
      parseMetrics(
        [
          `hearth_ws_events_out_total{type="message.created"} ${events}`,
          ...Object.entries(buckets).map(([le, n]) => `hearth_fanout_latency_seconds_bucket{le="${le}"} ${n}`),
          `hearth_fanout_latency_seconds_sum ${sum}`,
          `hearth_fanout_latency_seconds_count ${count}`,
        ].join('\n'),
      )
    const before = scrape(100, 10, 0.01, { '0.001': 10, '0.005': 10, '0.01': 10, '+Inf': 10 })
    const after = scrape(300, 110, 0.31, { '0.001': 20, '0.005': 100, '0.01': 110, '+Inf': 110 })
    const figures = fanoutBetween(before, after, 2)
    expect(figures.deliveriesPerSecond).toBe(100)
    expect(figures.meanMs).toBeCloseTo(3, 5)
    expect(figures.p99Ms).toBe(10)
    expect(fanoutBetween(after, after, 2)).toEqual({ deliveriesPerSecond: 0 })
  })
})

// The benchmark's own parts: the histogram, the stamps in message bodies, the report, and a
// short fan-out through the raw server and a real load generator process.
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BODY_BYTES, readStamp, stampBody } from '../../scripts/bench/clients'
import { freePort, runLoadgen, startServer } from '../../scripts/bench/processes'
import { writeReports, type Environment } from '../../scripts/bench/report'
import type { FanoutResult } from '../../scripts/bench/loadgen-protocol'
import { Histogram, nowMs } from '../../scripts/bench/stats'

setDefaultTimeout(60_000)

describe('bench', () => {
  test('histogram percentiles', () => {
    const h = new Histogram()
    for (let ms = 1; ms <= 100; ms++) h.record(ms)
    expect(h.percentile(0.5)).toBe(50)
    expect(h.percentile(0.99)).toBe(99)
    expect(h.summary()).toMatchObject({ count: 100, max: 100 })
    const other = new Histogram()
    other.record(200)
    h.merge(other)
    expect(h.percentile(1)).toBe(200)
  })

  test('a body carries its send time and tag and has the fixed size', () => {
    const before = nowMs()
    const body = stampBody(7)
    expect(body.length).toBe(BODY_BYTES)
    const frame = JSON.stringify({ op: 'event', data: { message: { body } } })
    const stamp = readStamp(frame)!
    expect(stamp.tag).toBe(7)
    expect(stamp.sentAt).toBeGreaterThanOrEqual(Math.floor(before))
    expect(readStamp('{"op":"ack","id":1}')).toBeUndefined()
  })

  test('a short fan-out through the raw server, and the report it makes', async () => {
    const server = await startServer({ name: 'raw', cmd: ['bun', join(import.meta.dir, '../../scripts/bench/servers/raw.ts')], env: {}, port: freePort() })
    const out = mkdtempSync(join(tmpdir(), 'bench-report-'))
    try {
      const target = { system: 'raw' as const, baseUrl: server.baseUrl, tokens: [''], serverPid: server.pid, roomIds: ['room-0'] }
      const job = { scenario: 'fanout' as const, targets: [target], subscribers: 50, senders: 2, rates: [20], stepSeconds: 0.5, warmupSeconds: 0.2, p99LimitMs: 5000 }
      const [result] = (await runLoadgen(job, 30_000)) as FanoutResult[]
      expect(result!.steps[0]).toMatchObject({ rate: 20, sent: 10, expected: 500, delivered: 500, passed: true })
      expect(result!.bestDeliveriesPerSecond).toBe(1000)

      const environment: Environment = { cpu: 'test', cores: 2, memoryGb: 1, kernel: 'x', loadavgBefore: '0 0 0', versions: { bun: Bun.version } }
      await writeReports({ outDir: out, environment, outcomes: [{ scenario: 1, system: 'raw', result: result! }], quick: true, scenarios: [1], seconds: 1, plan: {} })
      const json = JSON.parse(readFileSync(join(out, 'bench-results.json'), 'utf8'))
      expect(json.figures[0]).toMatchObject({ key: 'fanout', values: { raw: 1000 } })
      expect(readFileSync(join(out, 'BENCHMARKS.md'), 'utf8')).toContain('| 1. one room, 1000 subscribers')
      expect(readFileSync(join(out, 'bench-chart.svg'), 'utf8')).toStartWith('<svg')
    } finally {
      await server.stop()
      rmSync(out, { recursive: true, force: true })
    }
  })
})

// The benchmark's own parts: the histogram, the stamps in message bodies, the report, and a
// short fan-out through the raw server and a real load generator process.
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BODY_BYTES, readStamp, stampBody } from '../../scripts/bench/clients'
import { CpuMeter, freePort, machineBetween, runLoadgen, Settler, startServer } from '../../scripts/bench/processes'
import { rampLimit, saturationPoint } from '../../scripts/bench/side-by-side'
import { counted, pairedRatio, writeReports, type Environment } from '../../scripts/bench/report'
import type { DurableResult, FanoutResult, FanoutStep, RoomsResult, RoomsRound } from '../../scripts/bench/loadgen-protocol'
import { Histogram, median, nowMs } from '../../scripts/bench/stats'

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

  test('CPU between two snapshots: the server difference, and Postgres backends that started in between counted from zero', () => {
    const a = { server: 10, postgres: new Map([[1, 5], [2, 7]]) }
    const b = { server: 12.5, postgres: new Map([[1, 6], [3, 0.5]]) }
    expect(CpuMeter.between(a, b)).toEqual({ serverSeconds: 2.5, postgresSeconds: 1.5 })
    expect([median([3, 1, 2]), median([4, 1, 3, 2])]).toEqual([2, 2.5])
  })

  test("other programs' CPU between two machine snapshots: a process that started in between, or took a gone one's pid, counts from zero", () => {
    const ticks = { total: 0, idle: 0, irq: 0, steal: 0 }
    const a = {
      ticks,
      at: 1000,
      processes: new Map([
        [1, { name: 'make', seconds: 10, start: 100 }],
        [2, { name: 'cc1', seconds: 5, start: 200 }],
        [4, { name: 'postgres', seconds: 1, start: 50 }],
        [5, { name: 'bun', seconds: 3, start: 60 }],
      ]),
    }
    const b = {
      ticks: { total: 1000, idle: 500, irq: 20, steal: 50 },
      at: 1500,
      processes: new Map([
        [1, { name: 'make', seconds: 11, start: 100 }],
        // pid 2 ended and its pid went to a new process
        [2, { name: 'ld', seconds: 0.5, start: 1200 }],
        [3, { name: 'cc1', seconds: 2, start: 1100 }],
        [4, { name: 'postgres', seconds: 1.25, start: 50 }],
        [5, { name: 'bun', seconds: 4, start: 60 }],
        // unseen at `a` though older than it: unknown, not counted whole
        [6, { name: 'sshd', seconds: 30, start: 10 }],
      ]),
    }
    const between = machineBetween(a, b, [5])
    expect(between.others.map(({ name, seconds }) => [name, seconds])).toEqual([
      ['cc1', 2],
      ['make', 1],
      ['ld', 0.5],
    ])
    expect(between).toMatchObject({ servicesSeconds: 0.25, irqSeconds: 0.2, stealPercent: 5 })
  })

  test('the CPU meter reads a busy process from /proc', async () => {
    const busy = Bun.spawn(['bun', '-e', 'const until = Date.now() + 2000; while (Date.now() < until) {}'])
    const meter = new CpuMeter(busy.pid)
    await Bun.sleep(300)
    const before = await meter.snapshot()
    await Bun.sleep(1000)
    const spent = CpuMeter.between(before, await meter.snapshot())
    // At most the wall time (one thread); well above nothing, even on a shared machine.
    expect(spent.serverSeconds).toBeGreaterThan(0.2)
    expect(spent.serverSeconds).toBeLessThanOrEqual(1.1)
    expect(meter.countsPostgres).toBe(false)
    busy.kill()
    await meter.close()
  })

  test("the settler's rest level is read once the work before it is done, so a round after a busy one waits", async () => {
    // Windows of CPU (percent of a core) as a run right after a warm-up sees them: the warm-up's
    // leftover work for a second and more, then rest; then a round's leftover, then quiet.
    const windows = [90, 85, 80, 40, 12, 10, 11, 9, 50, 15]
    class Scripted extends Settler {
      protected override async busy() {
        const percent = windows.shift() ?? 0
        return { percent, by: new Map([['hearth', percent]]) }
      }
    }
    const settler = new Scripted([])
    expect(await settler.calibrate()).toBe(9)
    expect(await settler.settle()).toMatchObject({ percent: 15, quiet: true, leftBy: 'hearth 50%' })
    expect(windows).toEqual([])
  })

  test("scenario 2's counted rounds: the undisturbed ones, made up to 3 with the least disturbed, never leaving an undisturbed one out", () => {
    const cpu = { serverSeconds: 1, generatorPercents: [], wallSeconds: 5 }
    const at = (p99: number, disturbancePercent: number, disturbed?: string): RoomsRound => ({ p50: 1, p99, disturbancePercent, ...(disturbed ? { disturbed } : {}), delivered: 1, expected: 1, cpu, serverMicrosPerDelivery: 1 })
    const of = (rounds: RoomsRound[]): RoomsResult => ({ scenario: 'rooms', system: 'hearth', sent: 1, expected: 1, delivered: 1, latency: { count: 1, p50: 1, p99: 1, p999: 1, max: 1, mean: 1 }, rounds, sendErrors: 0 })
    // Two undisturbed rounds at 4.9 % stolen on two cores (22 points) rank below rounds just over 15 % others.
    const rounds = [at(1, 22), at(2, 16, 'others'), at(3, 22), at(4, 17, 'others'), at(5, 40, 'stolen')]
    expect(counted(of(rounds)).map((r) => r.p99)).toEqual([1, 2, 3])
    const quiet = [at(1, 9), at(2, 30, 'stolen'), at(3, 8), at(4, 7)]
    expect(counted(of(quiet)).map((r) => r.p99)).toEqual([1, 3, 4])
    // --quick: 2 rounds, both count.
    expect(counted(of([at(1, 50, 'stolen'), at(2, 5)])).map((r) => r.p99)).toEqual([1, 2])
  })

  test("scenario 2's latency is over the counted rounds' deliveries together; scenario 4's ratio pairs each round's windows", async () => {
    const cpu = { serverSeconds: 1, generatorPercents: [], wallSeconds: 5 }
    const summary = { count: 1, p50: 1, p99: 1, p999: 1, max: 1, mean: 1 }
    const roundOf = (samples: [number, number][], disturbed?: string): RoomsRound => {
      const h = new Histogram()
      for (const [ms, n] of samples) for (let i = 0; i < n; i++) h.record(ms)
      return { p50: h.percentile(0.5), p99: h.percentile(0.99), latency: { sparse: h.toSparse(), sum: h.total }, ...(disturbed ? { disturbed, disturbancePercent: 90 } : {}), delivered: h.count, expected: h.count, cpu, serverMicrosPerDelivery: 1 }
    }
    const rooms = (system: 'hearth' | 'socketio', rounds: RoomsRound[]): RoomsResult => ({ scenario: 'rooms', system, sent: 1, expected: 1, delivered: 1, latency: summary, rounds, sendErrors: 0 })
    // Socket.IO: two rounds with a 50 ms pause in 1.5 % of their deliveries (their own p99 is 50), one without;
    // in the pool the pauses are 1 % of the deliveries, so its p99 is the rest's. Hearth's disturbed round is left out.
    const paused = roundOf([[1, 985], [50, 15]])
    const socketio = rooms('socketio', [paused, paused, roundOf([[1, 1000]])])
    const hearth = rooms('hearth', [roundOf([[4, 1000]]), roundOf([[4, 1000]]), roundOf([[4, 1000]]), roundOf([[500, 1000]], 'stolen')])
    const durable = (system: 'hearth' | 'nats', round: number, ackedPerSecond: number): DurableResult => ({ scenario: 'durable', system, round, rooms: 1, acked: ackedPerSecond * 4, seconds: 4, ackedPerSecond, ackLatency: summary, serverCpuMicrosPerAck: 10, errors: 0 })
    const out = mkdtempSync(join(tmpdir(), 'bench-report-'))
    try {
      const environment: Environment = { cpu: 'test', cores: 2, memoryGb: 1, kernel: 'x', loadavgBefore: '0 0 0', versions: { bun: Bun.version } }
      const outcomes = [
        { scenario: 2, system: 'hearth' as const, result: hearth },
        { scenario: 2, system: 'socketio' as const, result: socketio },
        ...[10_000, 12_000, 9_000].map((acked, i) => ({ scenario: 4, system: 'hearth' as const, result: durable('hearth', i + 1, acked) })),
        ...[40_000, 40_000, 30_000].map((acked, i) => ({ scenario: 4, system: 'nats' as const, result: durable('nats', i + 1, acked) })),
      ]
      await writeReports({ outDir: out, resultsDir: join(out, 'results'), environment, outcomes, quick: true, scenarios: [2, 4], seconds: 1, plan: {} })
      const figures = JSON.parse(readFileSync(join(out, 'results', 'bench-results.json'), 'utf8')).figures as { key: string; values: Record<string, number>; ratios: Record<string, number> }[]
      const figure = (key: string) => figures.find((f) => f.key === key)!
      expect(figure('rooms_p99').values).toEqual({ hearth: 4, socketio: 1 })
      expect(figure('rooms_p99').ratios.hearthOverSocketio).toBe(4)
      expect(figure('rooms_p50').values).toEqual({ hearth: 4, socketio: 1 })
      // Rounds 10/40, 12/40, 9/30: the geometric mean of 0.25, 0.3, 0.3 (the medians' ratio would be 0.25).
      expect(figure('durable_1').values).toEqual({ hearth: 10_000, nats: 40_000 })
      expect(figure('durable_1').ratios.hearthOverNats).toBe(0.282)
      // A round where Hearth acked nothing is a ratio of 0, not a round left out.
      expect(pairedRatio([durable('hearth', 1, 10_000), durable('hearth', 2, 0), durable('nats', 1, 40_000), durable('nats', 2, 40_000)], 'hearth', 'nats')).toBe(0)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })

  test("the ramp's figure: where the p99 reaches the limit, between the highest rate that passed and the next", () => {
    const step = (rate: number, p99: number | null, o: { passed?: boolean; delivered?: number; limited?: boolean } = {}): FanoutStep =>
      ({
        rate,
        deliveriesPerSecond: rate * 1000,
        expected: 1000,
        delivered: o.delivered ?? 1000,
        latency: { p99 },
        generatorLimited: o.limited ?? false,
        passed: o.passed ?? (p99 !== null && p99 <= 100 && !o.limited),
      }) as FanoutStep
    // Socket.IO's ramp of one run: 80 msgs/s passed, 130 failed twice (its better try counts).
    const sio = [step(50, 47.2), step(80, 80.7), step(130, 190.7), step(130, 550.9), step(200, 900)]
    const expected = 80_000 * (130 / 80) ** (Math.log(100 / 80.7) / Math.log(190.7 / 80.7))
    expect(saturationPoint(sio, 100)).toBe(Math.round(expected))
    expect(saturationPoint(sio, 100)).toBeGreaterThan(80_000)
    expect(saturationPoint(sio, 100)).toBeLessThan(130_000)
    // A rate that failed once and passed on its second try passed.
    expect(saturationPoint([step(80, 60), step(130, 120), step(130, 95), step(200, 400)], 100)).toBeGreaterThan(130_000)
    // The top of the ramp passed: its own deliveries/s, nothing made up above it.
    expect(saturationPoint([step(20, 30), step(30, 40)], 100)).toBe(30_000)
    // Nothing passed.
    expect(saturationPoint([step(20, 150), step(20, 140)], 100)).toBe(0)
    // The next rate failed for what did not arrive, within the limit: no crossing to find.
    expect(saturationPoint([step(20, 30), step(30, 40, { passed: false, delivered: 900 })], 100)).toBe(20_000)
    // A step a generator limited is left out, pass or fail.
    expect(saturationPoint([step(20, 30), step(30, 40, { limited: true }), step(50, 300)], 100)).toBe(
      Math.round(20_000 * (50 / 20) ** (Math.log(100 / 30) / Math.log(300 / 30))),
    )
  })

  test("a system's ramp limit is a multiple of its own p99 with the room barely loaded, within a ceiling", () => {
    // Raw Bun's five rounds at 10 msgs/s on a slow machine: median 58 ms.
    expect(rampLimit({ factor: 4, maxMs: 1000 }, [58, 39.85, 65.4, 50.5, 65.2])).toBe(232)
    expect(rampLimit({ factor: 4, maxMs: 1000 }, [20, 22])).toBe(84)
    // ejabberd already struggling at that rate: the ceiling.
    expect(rampLimit({ factor: 4, maxMs: 1000 }, [431.5, 1066.1, 266.8])).toBe(1000)
    // No round measured a p99: the ceiling.
    expect(rampLimit({ factor: 4, maxMs: 1000 }, [])).toBe(1000)
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
      // Two generator processes share the 50 sockets and the 2 senders.
      const job = {
        scenario: 'fanout' as const,
        targets: [target],
        workers: 2,
        subscribers: 50,
        senders: 2,
        cpuRates: [20],
        cpuRounds: 2,
        cpuStepSeconds: 0.5,
        rates: [20],
        stepSeconds: 0.5,
        warmupSeconds: 0.2,
        rampLimit: { factor: 1000, maxMs: 5000 },
        // The rest of the suite keeps Postgres and Redis busy: rounds here do not wait for quiet.
        settleMs: 0,
      }
      const [result] = (await runLoadgen(job, 30_000)) as FanoutResult[]
      expect(result!.steps[0]).toMatchObject({ rate: 20, sent: 10, expected: 500, delivered: 500, passed: true, generatorLimited: false })
      expect(result!.steps[0]!.cpu.generatorPercents).toHaveLength(2)
      expect(result!.bestDeliveriesPerSecond).toBe(1000)
      // The limit: 1000 times the median p99 of the CPU phase's two rounds, at most 5 s.
      const unloaded = result!.cpuSteps.map((s) => s.p99!).sort((a, b) => a - b)
      expect(result!.p99LimitMs).toBe(Math.round(Math.min(5000, 1000 * ((unloaded[0]! + unloaded[1]!) / 2))))
      expect(result!.cpuSteps.map((s) => [s.round, s.rate, s.delivered])).toEqual([
        [1, 20, 500],
        [2, 20, 500],
      ])
      for (const s of result!.cpuSteps) expect(s.serverMicrosPerDelivery).toBeCloseTo((s.cpu.serverSeconds * 1e6) / 500, 1)

      const environment: Environment = { cpu: 'test', cores: 2, memoryGb: 1, kernel: 'x', loadavgBefore: '0 0 0', versions: { bun: Bun.version } }
      const resultsDir = join(out, 'results')
      await writeReports({ outDir: out, resultsDir, environment, outcomes: [{ scenario: 1, system: 'raw', result: result! }], quick: true, scenarios: [1], seconds: 1, plan: {} })
      const json = JSON.parse(readFileSync(join(resultsDir, 'bench-results.json'), 'utf8'))
      expect(json.figures.map((f: { key: string }) => f.key)).toEqual(['cpu_fanout', 'fanout'])
      expect(json.figures[1]).toMatchObject({ key: 'fanout', values: { raw: 1000 } })
      const markdown = readFileSync(join(out, 'BENCHMARKS.md'), 'utf8')
      expect(markdown.indexOf('## CPU per operation')).toBeLessThan(markdown.indexOf('## Throughput'))
      expect(markdown).toContain('](results/bench-chart.svg)')
      expect(readFileSync(join(resultsDir, 'bench-chart.svg'), 'utf8')).toStartWith('<svg')
    } finally {
      await server.stop()
      rmSync(out, { recursive: true, force: true })
    }
  })
})

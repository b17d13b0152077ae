// Scenarios 1 and 2 drive every system turn by turn at each load level, so background load
// on the shared machine falls on all of them alike. The sockets and the sending are spread
// over several generator processes (loadgen-worker.ts); this process only coordinates,
// reads the CPU counters and merges the histograms.
import { cpus } from 'node:os'
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import type { CpuSample, CpuStep, FanoutJob, FanoutResult, FanoutStep, RoomsJob, RoomsResult, RoomsRound, Target } from './loadgen-protocol'
import type { Collected, DurableShare, WorkerCommand } from './loadgen-worker'
import { log } from './load'
import { cpuSecondsOr0, CpuMeter, machineBetween, machineSnapshot, Settler } from './processes'
import { Histogram, median, round, sleep } from './stats'

/** A generator process is at its limit from this share of a core. */
export const GENERATOR_LIMIT_PERCENT = 90

/** One generator process, spoken to over IPC. */
class Worker {
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  private nextId = 1
  private started!: () => void
  readonly ready = new Promise<void>((resolve) => (this.started = resolve))
  onReady: (() => void) | undefined
  readonly proc: Subprocess

  constructor(private readonly runTag: string) {
    this.proc = Bun.spawn(['bun', join(import.meta.dir, 'loadgen-worker.ts')], {
      stdout: 'inherit',
      stderr: 'inherit',
      ipc: (message: { id?: number; result?: unknown; error?: string; started?: boolean; ready?: boolean }) => {
        if (message.started) return this.started()
        if (message.ready) return this.onReady?.()
        const waiter = this.waiting.get(message.id!)
        if (!waiter) return
        this.waiting.delete(message.id!)
        if (message.error !== undefined) waiter.reject(new Error(message.error))
        else waiter.resolve(message.result)
      },
    })
    void this.proc.exited.then((code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`generator process exited with ${code}`))
      this.waiting.clear()
    })
  }

  call<T>(command: WorkerCommand): Promise<T> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.proc.send({ id, command, runTag: this.runTag })
    })
  }

  stop() {
    this.proc.kill()
  }
}

/** The generator processes of one job. */
export class Generators {
  readonly workers: Worker[]

  constructor(count: number, runTag: string) {
    this.workers = Array.from({ length: Math.max(1, count) }, () => new Worker(runTag))
  }

  async start() {
    await Promise.all(this.workers.map((w) => w.ready))
  }

  all<T>(command: WorkerCommand): Promise<T[]> {
    return Promise.all(this.workers.map((w) => w.call<T>(command)))
  }

  stop() {
    for (const w of this.workers) w.stop()
  }
}

/** CPU time of each generator process from /proc (the IPC answer would cost a turn of their loop). */
function generatorSeconds(g: Generators): number[] {
  return g.workers.map((w) => cpuSecondsOr0(w.proc.pid))
}

/** A target, the generator processes' shares of it, and its CPU meter. */
interface Driven {
  index: number
  target: Target
  meter: CpuMeter
  /** Per generator: its sender sockets (local indices) and its share of the send rate. */
  shares: { senders: number[]; fraction: number }[]
  /** Deliveries per message sent (subscribers of the room). */
  fanout: number
  sendErrors: number
}

let nextTag = 1

/** The servers under test by pid: another system's server busy during a round is named as such among the others. */
const serverOf = new Map<number, Target['system']>()
/** A process among the others: another system's server, the run that started this generator (run.ts), or its own name. */
const otherName = ({ pid, name }: { pid: number; name: string }) =>
  serverOf.has(pid) ? `${serverOf.get(pid)} server` : pid === process.ppid ? 'the bench run' : name

interface Measured {
  sent: number
  expected: number
  delivered: number
  histogram: Histogram
  cpu: CpuSample
}

/** Sends at `rate` for `seconds` from every generator, waits for the deliveries, and reads the CPU it all took. */
async function measure(g: Generators, d: Driven, rate: number, seconds: number, waitMs: number): Promise<Measured> {
  const tag = nextTag++
  await g.all({ cmd: 'reset', target: d.index, tag })
  const before = await d.meter.snapshot()
  const genBefore = generatorSeconds(g)
  const machineBefore = machineSnapshot()
  const started = performance.now()
  const sends = await Promise.all(
    g.workers.map((w, k) =>
      w.call<{ sent: number }>({ cmd: 'send', target: d.index, tag, rate: rate * d.shares[k]!.fraction, seconds, senders: d.shares[k]!.senders }),
    ),
  )
  const sent = sends.reduce((n, s) => n + s.sent, 0)
  const expected = sent * d.fanout
  const until = performance.now() + waitMs
  for (;;) {
    const counts = await g.all<{ delivered: number }>({ cmd: 'count', target: d.index })
    if (counts.reduce((n, c) => n + c.delivered, 0) >= expected || performance.now() > until) break
    await sleep(25)
  }
  const after = await d.meter.snapshot()
  const genAfter = generatorSeconds(g)
  const around = machineBetween(machineBefore, machineSnapshot(), [d.target.serverPid, process.pid, ...g.workers.map((w) => w.proc.pid)])
  const wallSeconds = (performance.now() - started) / 1000
  const collected = await g.all<Collected>({ cmd: 'collect', target: d.index })
  await g.all({ cmd: 'reset', target: d.index, tag: -1 })
  // A system that fell behind is still delivering this step's messages: let it finish before the next step.
  if (collected.reduce((n, c) => n + c.delivered, 0) < expected) await drained(g, d, 20_000)
  const histogram = new Histogram()
  for (const c of collected) histogram.addSparse(c.sparse, c.sum)
  d.sendErrors = Math.max(d.sendErrors, collected.reduce((n, c) => n + c.sendErrors, 0))
  const { serverSeconds, postgresSeconds } = CpuMeter.between(before, after)
  const othersSeconds = around.others.reduce((n, o) => n + o.seconds, 0)
  const machine = {
    othersPercent: Math.round((othersSeconds / wallSeconds) * 100),
    busiestOthers: around.others.slice(0, 3).map((o) => `${otherName(o)} ${Math.round((o.seconds / wallSeconds) * 100)}%`),
    interruptsPercent: Math.round((around.irqSeconds / wallSeconds) * 100),
    stealPercent: around.stealPercent,
  }
  const cpu: CpuSample = {
    serverSeconds: round(serverSeconds, 3)!,
    ...(d.meter.countsPostgres ? { postgresSeconds: round(postgresSeconds, 3)! } : {}),
    generatorPercents: genAfter.map((s, k) => Math.round(((s - genBefore[k]!) / wallSeconds) * 100)),
    wallSeconds: round(wallSeconds, 3)!,
    machine,
  }
  return { sent, expected, delivered: collected.reduce((n, c) => n + c.delivered, 0), histogram, cpu }
}

/** A settler over every target's server, its rest level read (and said) now. */
async function calibrated(targets: Target[], settleMs = 10_000): Promise<Settler> {
  const settler = new Settler(targets.map((t) => ({ pid: t.serverPid, name: t.system })), settleMs)
  if (settleMs > 0) log(`at rest: ${Math.round(await settler.calibrate())}% of a core (the servers under test, Postgres and Redis together)`)
  return settler
}

/**
 * A round: waits until what the round before left behind is done, warms up for
 * `warmupSeconds` (not measured), then measures `seconds` at `rate`.
 */
async function settledMeasure(settler: Settler, g: Generators, d: Driven, rate: number, seconds: number, warmupSeconds = 0): Promise<Measured> {
  const settled = await settler.settle()
  if (settled.waitedMs > 1000) log(`  ${settled.quiet ? 'quiet' : `not quiet (${settled.percent}% of a core)`} after ${settled.waitedMs} ms; busy at first: ${settled.leftBy}`)
  if (warmupSeconds > 0) await measure(g, d, rate, warmupSeconds, 1000)
  const m = await measure(g, d, rate, seconds, 3000)
  m.cpu.settledMs = settled.waitedMs
  return m
}

/** Waits until no generator has received anything from the target for half a second (at most `timeoutMs`). */
async function drained(g: Generators, d: Driven, timeoutMs: number) {
  const until = performance.now() + timeoutMs
  while (performance.now() < until) {
    const quiet = await g.all<{ quietMs: number }>({ cmd: 'quiet', target: d.index })
    if (quiet.every((q) => q.quietMs >= 500)) return
    await sleep(100)
  }
  log(`${d.target.system} still delivering ${timeoutMs / 1000} s after a step`)
}

const perDelivery = (seconds: number, delivered: number) => Math.round((seconds * 1e6 * 100) / Math.max(1, delivered)) / 100
/**
 * A scenario-2 round whose latency measured the machine, not the system: the hypervisor
 * took more than 5 % of the machine's CPU time, or other programs more than 15 % of a core.
 * On the shared machine such rounds had every system's p99 several times its quiet value.
 */
const DISTURBED = { stealPercent: 5, othersPercent: 15 }
function disturbance(cpu: CpuSample): string | undefined {
  const m = cpu.machine
  if (!m) return undefined
  if (m.stealPercent > DISTURBED.stealPercent) return `${m.stealPercent}% of the CPU stolen`
  if (m.othersPercent > DISTURBED.othersPercent) return `other programs at ${m.othersPercent}% of a core (${m.busiestOthers.join(', ')})`
  return undefined
}

const generatorLimited = (cpu: CpuSample) => cpu.generatorPercents.some((p) => p >= GENERATOR_LIMIT_PERCENT)

/** Splits `items` over the generators: item i goes to generator i % n. */
function spread(n: number, count: number): number[][] {
  const out = Array.from({ length: n }, () => [] as number[])
  for (let i = 0; i < count; i++) out[i % n]!.push(i)
  return out
}

/**
 * Opens each target's sockets over the generators (generator k holds sockets `owned[k]`,
 * socket i in room `roomOf(i)`), then says which of each generator's sockets send.
 */
async function openAll(
  g: Generators,
  job: { targets: Target[] },
  opts: { owned: number[][]; roomOf: (i: number) => number; senders: number[]; fanout: number; what: string },
): Promise<Driven[]> {
  const driven: Driven[] = []
  for (const [index, target] of job.targets.entries()) {
    serverOf.set(target.serverPid, target.system)
    const started = performance.now()
    await Promise.all(
      g.workers.map((w, k) =>
        w.call({
          cmd: 'open',
          target: index,
          system: target.system,
          baseUrl: target.baseUrl,
          tokens: opts.owned[k]!.map((i) => target.tokens[i % target.tokens.length]!),
          rooms: opts.owned[k]!.map((i) => target.roomIds[opts.roomOf(i)]!),
        }),
      ),
    )
    log(`${target.system}: ${opts.what} over ${g.workers.length} generators in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    const shares = opts.owned.map((mine) => {
      const senders = mine.flatMap((i, local) => (opts.senders.includes(i) ? [local] : []))
      return { senders, fraction: senders.length / opts.senders.length }
    })
    driven.push({ index, target, meter: new CpuMeter(target.serverPid, target.postgresDatabase), shares, fanout: opts.fanout, sendErrors: 0 })
  }
  return driven
}

/**
 * The ramp's figure: the deliveries/s at which the p99 reaches the limit. Between the highest
 * rate that passed and the next rate measured above it, which did not, the rate is
 * interpolated on the p99, both on log scales: past saturation the backlog makes the p99
 * climb steeply, so where it crosses the limit moves little with the machine's noise, while
 * the steps are 1.25-1.6x apart. A rate run twice counts its better try; a step a generator
 * limited is left out. With no failed rate above it (or one that failed for what did not
 * arrive rather than for its p99), the highest pass's own deliveries/s.
 */
export function saturationPoint(steps: FanoutStep[], limitMs: number): number {
  const byRate = new Map<number, FanoutStep>()
  const p99 = (s: FanoutStep) => s.latency.p99 ?? Infinity
  for (const s of steps) {
    if (s.generatorLimited) continue
    const seen = byRate.get(s.rate)
    if (!seen || (s.passed && !seen.passed) || (s.passed === seen.passed && p99(s) < p99(seen))) byRate.set(s.rate, s)
  }
  const rates = [...byRate.keys()].sort((a, b) => a - b)
  const low = rates.filter((r) => byRate.get(r)!.passed).at(-1)
  if (low === undefined) return 0
  const lo = byRate.get(low)!
  const high = rates.find((r) => r > low)
  const hi = high === undefined ? undefined : byRate.get(high)!
  if (!hi || !Number.isFinite(p99(hi)) || p99(hi) <= limitMs || p99(lo) <= 0) return lo.deliveriesPerSecond
  const f = Math.log(limitMs / p99(lo)) / Math.log(p99(hi) / p99(lo))
  return Math.round(lo.deliveriesPerSecond * (hi.rate / low) ** Math.min(1, Math.max(0, f)))
}

/**
 * A system's ramp limit: `factor` times its p99 with the room barely loaded (the median of
 * the CPU phase's rounds at its lowest rate), at most `maxMs`. A fixed limit sat inside one
 * system's unloaded range on one machine and far above it on another (a 1000-socket
 * fan-out's p99 at 10 msgs/s was 21 ms for raw Bun on one machine, 58 on a slower one), so
 * where a system crossed it said more about the machine than about saturation.
 */
export function rampLimit(opts: FanoutJob['rampLimit'], unloadedP99s: number[]): number {
  const xs = unloadedP99s.filter((x) => Number.isFinite(x) && x > 0)
  return xs.length ? Math.round(Math.min(opts.maxMs, opts.factor * median(xs))) : opts.maxMs
}

export async function fanout(job: FanoutJob): Promise<FanoutResult[]> {
  const g = new Generators(job.workers, 'f')
  await g.start()
  try {
    const senders = Array.from({ length: job.senders }, (_, i) => i)
    const owned = spread(g.workers.length, job.subscribers)
    const all = await openAll(g, job, { owned, roomOf: () => 0, senders, fanout: job.subscribers, what: `${job.subscribers} sockets open and subscribed` })
    const state = all.map((d) => ({ d, cpuSteps: [] as CpuStep[], steps: [] as FanoutStep[], failedRates: 0, limitMs: job.rampLimit.maxMs }))
    // warm-up (JIT, buffers), not measured
    for (const s of state) await measure(g, s.d, job.cpuRates[0] ?? 10, job.warmupSeconds, 1000)
    const settler = await calibrated(job.targets, job.settleMs)


    // CPU per delivery at fixed rates, the systems interleaved, round after round. Steps below
    // the top rate run twice as long: raw Bun's step at 10 msgs/s spent ~0.2 s of CPU, read in
    // 10 ms ticks, and its median moved 25 % between two runs.
    const topRate = Math.max(...job.cpuRates)
    for (let r = 1; r <= job.cpuRounds; r++) {
      for (const rate of job.cpuRates) {
        for (const s of state) {
          const m = await settledMeasure(settler, g, s.d, rate, rate < topRate ? job.cpuStepSeconds * 2 : job.cpuStepSeconds)
          const p99 = m.histogram.summary().p99
          // Below saturation: every message arrived within the wait, no generator at its limit (p99 is shown, not required).
          const counted = m.delivered >= m.expected * 0.99 && !generatorLimited(m.cpu)
          const step: CpuStep = {
            round: r,
            rate,
            delivered: m.delivered,
            expected: m.expected,
            cpu: m.cpu,
            serverMicrosPerDelivery: perDelivery(m.cpu.serverSeconds, m.delivered),
            ...(m.cpu.postgresSeconds !== undefined ? { withPostgresMicrosPerDelivery: perDelivery(m.cpu.serverSeconds + m.cpu.postgresSeconds, m.delivered) } : {}),
            p99,
            counted,
          }
          s.cpuSteps.push(step)
          log(`cpu ${s.d.target.system} ${rate}/s round ${r}: ${step.serverMicrosPerDelivery} us/delivery${step.withPostgresMicrosPerDelivery !== undefined ? ` (${step.withPostgresMicrosPerDelivery} with Postgres)` : ''}, ${m.delivered}/${m.expected}, p99 ${p99} ms, generators ${m.cpu.generatorPercents.join('/')}%${counted ? '' : ' (not counted)'}`)
          await sleep(200)
        }
      }
    }

    // The saturation ramp. A failed step is run once more (the machine is shared); a system's
    // ramp ends after two rates in a row failed twice, or when a generator was the limit. Each
    // system's p99 limit is set by its own p99 at the CPU phase's lowest rate.
    const lowest = Math.min(...job.cpuRates)
    for (const s of state) {
      s.limitMs = rampLimit(job.rampLimit, s.cpuSteps.filter((c) => c.rate === lowest && c.p99 !== null).map((c) => c.p99!))
      log(`fanout ${s.d.target.system}: ramp limit p99 <= ${s.limitMs} ms`)
    }
    const step = async (s: (typeof state)[number], rate: number) => {
      const m = await measure(g, s.d, rate, job.stepSeconds, 2000)
      const latency = m.histogram.summary()
      const limited = generatorLimited(m.cpu)
      const passed = !limited && m.delivered >= m.expected * 0.99 && (latency.p99 ?? Infinity) <= s.limitMs
      const serverCpuPercent = Math.round((m.cpu.serverSeconds / m.cpu.wallSeconds) * 100)
      s.steps.push({ rate, sent: m.sent, expected: m.expected, delivered: m.delivered, deliveriesPerSecond: Math.round(m.delivered / job.stepSeconds), latency, cpu: m.cpu, serverCpuPercent, generatorLimited: limited, passed })
      log(`fanout ${s.d.target.system} ${rate}/s: ${m.delivered}/${m.expected} delivered, p99 ${latency.p99} ms, cpu: server ${serverCpuPercent}%, generators ${m.cpu.generatorPercents.join('/')}%${limited ? ' (generator at its limit: not counted)' : passed ? '' : ' (over)'}`)
      await sleep(300)
      return { passed, limited }
    }
    for (const rate of job.rates) {
      const active = state.filter((s) => s.failedRates < 2)
      if (!active.length) break
      for (const s of active) {
        let outcome = await step(s, rate)
        if (!outcome.passed && !outcome.limited) outcome = await step(s, rate)
        s.failedRates = outcome.limited ? 2 : outcome.passed ? 0 : s.failedRates + 1
      }
    }
    for (const d of all) await g.all({ cmd: 'close', target: d.index })
    for (const d of all) await d.meter.close()
    return state.map(({ d, cpuSteps, steps, limitMs }) => ({
      scenario: 'fanout',
      system: d.target.system,
      cpuSteps,
      steps,
      bestDeliveriesPerSecond: saturationPoint(steps, limitMs),
      p99LimitMs: limitMs,
      sendErrors: d.sendErrors,
    }))
  } finally {
    g.stop()
  }
}

export async function rooms(job: RoomsJob): Promise<RoomsResult[]> {
  const g = new Generators(job.workers, 'r')
  await g.start()
  try {
    // Whole rooms per generator (socket i is in room i / membersPerRoom); the first member of each room sends.
    const count = job.rooms * job.membersPerRoom
    const senders = Array.from({ length: job.rooms }, (_, r) => r * job.membersPerRoom)
    const parts = spread(g.workers.length, job.rooms)
    const roomOfSocket = (i: number) => Math.floor(i / job.membersPerRoom)
    // Generator k holds rooms parts[k]: its sockets are those rooms' members.
    const owned = parts.map((rooms) => rooms.flatMap((r) => Array.from({ length: job.membersPerRoom }, (_, m) => r * job.membersPerRoom + m)))
    const all = await openAll(g, job, { owned, roomOf: roomOfSocket, senders, fanout: job.membersPerRoom, what: `${count} sockets in ${job.rooms} rooms open` })
    const totals = new Map(all.map((d) => [d, { histogram: new Histogram(), sent: 0, expected: 0, delivered: 0, rounds: [] as RoomsRound[] }]))
    const settler = await calibrated(job.targets, job.settleMs)
    const undisturbed = (d: Driven) => totals.get(d)!.rounds.filter((r) => !r.disturbed).length
    for (let turn = 0; turn < job.rounds + (job.extraRounds ?? 0); turn++) {
      if (turn >= job.rounds) {
        const short = all.filter((d) => undisturbed(d) < Math.ceil(job.rounds / 2))
        if (!short.length || Date.now() > (job.extraUntil ?? 0)) break
        log(`rooms: round ${turn + 1}, one more for every system (undisturbed rounds so far: ${short.map((d) => `${d.target.system} ${undisturbed(d)}`).join(', ')})`)
      }
      for (const d of all) {
        const m = await settledMeasure(settler, g, d, job.messagesPerSecond, job.seconds / job.rounds, turn === 0 ? 1 : 0.5)
        const total = totals.get(d)!
        total.histogram.merge(m.histogram)
        total.sent += m.sent
        total.expected += m.expected
        total.delivered += m.delivered
        const disturbed = disturbance(m.cpu)
        const roundResult: RoomsRound = {
          p50: round(m.histogram.percentile(0.5)),
          p99: round(m.histogram.percentile(0.99)),
          latency: { sparse: m.histogram.toSparse(), sum: m.histogram.total },
          ...(disturbed ? { disturbed } : {}),
          ...(m.cpu.machine ? { disturbancePercent: m.cpu.machine.othersPercent + Math.round(m.cpu.machine.stealPercent * cpus().length) } : {}),
          delivered: m.delivered,
          expected: m.expected,
          cpu: m.cpu,
          serverMicrosPerDelivery: perDelivery(m.cpu.serverSeconds, m.delivered),
          ...(m.cpu.postgresSeconds !== undefined ? { withPostgresMicrosPerDelivery: perDelivery(m.cpu.serverSeconds + m.cpu.postgresSeconds, m.delivered) } : {}),
        }
        total.rounds.push(roundResult)
        log(`rooms ${d.target.system} round ${turn + 1}: ${m.delivered}/${m.expected} delivered, p50 ${roundResult.p50} ms, p99 ${roundResult.p99} ms, ${roundResult.serverMicrosPerDelivery} us/delivery, generators ${m.cpu.generatorPercents.join('/')}%, settled ${m.cpu.settledMs} ms before, others ${m.cpu.machine?.othersPercent}%, interrupts ${m.cpu.machine?.interruptsPercent}%, stolen ${m.cpu.machine?.stealPercent}%${disturbed ? ` (disturbed: ${disturbed})` : ''}`)
      }
    }
    for (const d of all) await g.all({ cmd: 'close', target: d.index })
    for (const d of all) await d.meter.close()
    return all.map((d) => {
      const t = totals.get(d)!
      return { scenario: 'rooms', system: d.target.system, sent: t.sent, expected: t.expected, delivered: t.delivered, latency: t.histogram.summary(), rounds: t.rounds, sendErrors: d.sendErrors }
    })
  } finally {
    g.stop()
  }
}

/** Scenario 4 from several generator processes: each keeps its share of the connections busy; CPU is read over the measured window. */
export async function durableShared(
  job: { system: Target['system']; baseUrl: string; tokens: string[]; roomIds: string[]; connections: number; window: number; seconds: number; workers: number },
  meter: CpuMeter,
) {
  const g = new Generators(job.workers, 'd')
  await g.start()
  try {
    const parts = spread(g.workers.length, job.connections)
    const warmupSeconds = 1.5
    let ready = 0
    const allReady = new Promise<void>((resolve) => {
      for (const w of g.workers) {
        w.onReady = () => {
          if (++ready === g.workers.length) resolve()
        }
      }
    })
    const shares = Promise.all(
      g.workers.map((w, k) =>
        w.call<DurableShare>({
          cmd: 'durable',
          system: job.system,
          baseUrl: job.baseUrl,
          tokens: parts[k]!.map((i) => job.tokens[i % job.tokens.length]!),
          roomIds: job.roomIds,
          connections: parts[k]!.length,
          window: job.window,
          warmupSeconds,
          seconds: job.seconds,
        }),
      ),
    )
    await allReady
    await sleep(warmupSeconds * 1000)
    const before = await meter.snapshot()
    const genBefore = generatorSeconds(g)
    const started = performance.now()
    await sleep(job.seconds * 1000)
    const after = await meter.snapshot()
    const genAfter = generatorSeconds(g)
    const wall = (performance.now() - started) / 1000
    const results = await shares
    const histogram = new Histogram()
    for (const r of results) histogram.addSparse(r.sparse, r.sum)
    return {
      acked: results.reduce((n, r) => n + r.acked, 0),
      errors: results.reduce((n, r) => n + r.errors, 0),
      firstError: results.find((r) => r.firstError)?.firstError,
      histogram,
      cpu: CpuMeter.between(before, after),
      generatorPercents: genAfter.map((s, k) => Math.round(((s - genBefore[k]!) / wall) * 100)),
    }
  } finally {
    g.stop()
  }
}

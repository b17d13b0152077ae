// Scenarios 1 and 2 drive every system from one generator, turn by turn at each load level,
// so background load on the shared machine falls on all of them alike.
import { connectMany, readStamp, stampBody, type Connection } from './clients'
import type { FanoutJob, FanoutResult, FanoutStep, RoomsJob, RoomsResult, Target } from './loadgen-protocol'
import { log, nonce, pace, subscribeAll, waitFor } from './load'
import { cpuSeconds } from './processes'
import { Histogram, nowMs, round, sleep } from './stats'

/** A target's sockets and what they received, counted only for the current tag. */
class Receivers {
  tag = -1
  histogram = new Histogram()
  delivered = 0
  conns: Connection[] = []
  sendErrors = 0

  constructor(readonly target: Target) {}

  async open(count: number) {
    this.conns = await connectMany(this.target.system, this.target.baseUrl, this.target.tokens, count, (text) => {
      const stamp = readStamp(text)
      if (!stamp || stamp.tag !== this.tag) return
      this.histogram.record(nowMs() - stamp.sentAt)
      this.delivered++
    })
  }

  reset(tag: number) {
    this.tag = tag
    this.histogram = new Histogram()
    this.delivered = 0
  }

  send(conn: number, roomId: string, tag: number) {
    this.conns[conn]!.send(roomId, stampBody(tag), nonce()).catch(() => this.sendErrors++)
  }

  close() {
    for (const c of this.conns) c.close()
  }
}

let nextTag = 1

export async function fanout(job: FanoutJob): Promise<FanoutResult[]> {
  const all = job.targets.map((t) => new Receivers(t))
  for (const r of all) {
    await r.open(job.subscribers)
    await subscribeAll(r.conns, () => r.target.roomIds[0]!)
  }
  const step = async (r: Receivers, rate: number, steps: FanoutStep[]) => {
    const tag = nextTag++
    const roomId = r.target.roomIds[0]!
    r.reset(tag)
    const cpuBefore = cpuSeconds(r.target.serverPid)
    const ownBefore = process.cpuUsage()
    const sent = await pace(rate, job.stepSeconds, (i) => r.send(i % job.senders, roomId, tag))
    const serverCpuPercent = Math.round(((cpuSeconds(r.target.serverPid) - cpuBefore) / job.stepSeconds) * 100)
    const own = process.cpuUsage(ownBefore)
    const generatorCpuPercent = Math.round((own.user + own.system) / 1e4 / job.stepSeconds)
    const expected = sent * job.subscribers
    await waitFor(() => r.delivered >= expected, 2000)
    const latency = r.histogram.summary()
    const passed = r.delivered >= expected * 0.99 && (latency.p99 ?? Infinity) <= job.p99LimitMs
    const deliveriesPerSecond = Math.round(r.delivered / job.stepSeconds)
    steps.push({ rate, sent, expected, delivered: r.delivered, deliveriesPerSecond, latency, serverCpuPercent, generatorCpuPercent, passed })
    log(`fanout ${r.target.system} ${rate}/s: ${r.delivered}/${expected} delivered, p99 ${latency.p99} ms, cpu: server ${serverCpuPercent}%, generator ${generatorCpuPercent}%${passed ? '' : ' (over)'}`)
    r.reset(-1)
    await sleep(300)
    return passed
  }
  const state = all.map((r) => ({ r, steps: [] as FanoutStep[], failedRates: 0 }))
  for (const s of state) {
    // warm-up (JIT, buffers), not measured: tag 0 is never current
    await pace(job.rates[0] ?? 10, job.warmupSeconds, (i) => s.r.send(i % job.senders, s.r.target.roomIds[0]!, 0))
  }
  await sleep(500)
  // A step that fails is run once more (the machine is shared); a system's ramp ends after
  // two rates in a row failed twice.
  for (const rate of job.rates) {
    const active = state.filter((s) => s.failedRates < 2)
    if (!active.length) break
    for (const s of active) {
      const passed = (await step(s.r, rate, s.steps)) || (await step(s.r, rate, s.steps))
      s.failedRates = passed ? 0 : s.failedRates + 1
    }
  }
  for (const r of all) r.close()
  return state.map(({ r, steps }) => ({
    scenario: 'fanout',
    system: r.target.system,
    steps,
    bestDeliveriesPerSecond: Math.max(0, ...steps.filter((s) => s.passed).map((s) => s.deliveriesPerSecond)),
    sendErrors: r.sendErrors,
  }))
}

export async function rooms(job: RoomsJob): Promise<RoomsResult[]> {
  const all = job.targets.map((t) => new Receivers(t))
  const totals = new Map(all.map((r) => [r, { histogram: new Histogram(), sent: 0, expected: 0, delivered: 0, rounds: [] as RoomsResult['rounds'] }]))
  for (const r of all) {
    await r.open(job.rooms * job.membersPerRoom)
    await subscribeAll(r.conns, (i) => r.target.roomIds[Math.floor(i / job.membersPerRoom)]!)
  }
  const run = (r: Receivers, seconds: number, tag: number) =>
    pace(job.messagesPerSecond, seconds, (i) => {
      const room = i % job.rooms
      r.send(room * job.membersPerRoom, r.target.roomIds[room]!, tag)
    })
  for (let turn = 0; turn < job.rounds; turn++) {
    for (const r of all) {
      await run(r, turn === 0 ? 1 : 0.5, 0) // warm-up, not measured
      const tag = nextTag++
      r.reset(tag)
      const sent = await run(r, job.seconds / job.rounds, tag)
      const expected = sent * job.membersPerRoom
      await waitFor(() => r.delivered >= expected, 3000)
      const total = totals.get(r)!
      total.histogram.merge(r.histogram)
      total.sent += sent
      total.expected += expected
      total.delivered += r.delivered
      total.rounds.push({ p50: round(r.histogram.percentile(0.5)), p99: round(r.histogram.percentile(0.99)), delivered: r.delivered, expected })
      log(`rooms ${r.target.system} round ${turn + 1}: ${r.delivered}/${expected} delivered, p50 ${r.histogram.percentile(0.5)} ms, p99 ${r.histogram.percentile(0.99)} ms`)
      r.reset(-1)
    }
  }
  for (const r of all) r.close()
  return all.map((r) => {
    const t = totals.get(r)!
    return { scenario: 'rooms', system: r.target.system, sent: t.sent, expected: t.expected, delivered: t.delivered, latency: t.histogram.summary(), rounds: t.rounds, sendErrors: r.sendErrors }
  })
}

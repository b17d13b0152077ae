// The load generator: its own process, started by run.ts with a job file; prints one
// `RESULT {json}` line. Send times travel in the message bodies and are read back here,
// so every latency is measured on one clock.   bun scripts/bench/loadgen.ts job.json
import { connectMany, readStamp, serverCloses, stampBody, type Connection } from './clients'
import type { DurableJob, DurableResult, FanoutJob, FanoutResult, FanoutStep, Job, MemoryJob, MemoryResult, RoomsJob, RoomsResult } from './jobs'
import { cpuSeconds, rssKb } from './processes'
import { Histogram, nowMs, sleep } from './stats'

let runTag = Math.random().toString(36).slice(2, 8)
let nonceCounter = 0
const nonce = () => `${runTag}-${nonceCounter++}`

/** Calls `fire` `rate` times a second for `seconds`, catching up after a late timer. */
async function pace(rate: number, seconds: number, fire: (i: number) => void) {
  const start = performance.now()
  const total = Math.round(rate * seconds)
  let sent = 0
  while (sent < total) {
    const due = Math.min(total, Math.floor((rate * (performance.now() - start)) / 1000))
    while (sent < due) fire(sent++)
    await sleep(1)
  }
  return sent
}

async function waitFor(done: () => boolean, timeoutMs: number) {
  const until = performance.now() + timeoutMs
  while (!done() && performance.now() < until) await sleep(20)
}

async function subscribeAll(conns: Connection[], roomOf: (i: number) => string, batch = 500) {
  for (let start = 0; start < conns.length; start += batch) {
    await Promise.all(conns.slice(start, start + batch).map((c, k) => c.subscribe(roomOf(start + k))))
  }
}

async function fanout(job: FanoutJob): Promise<FanoutResult> {
  let step = -1
  let histogram = new Histogram()
  let delivered = 0
  const conns = await connectMany(job.system, job.baseUrl, job.tokens, job.subscribers, (text) => {
    const stamp = readStamp(text)
    if (!stamp || stamp.tag !== step) return
    histogram.record(nowMs() - stamp.sentAt)
    delivered++
  })
  await subscribeAll(conns, () => job.roomId)
  const senders = conns.slice(0, job.senders)
  const steps: FanoutStep[] = []
  let sendErrors = 0
  // warm-up at the first rate (JIT, buffers), not measured: its tag never matches `step`
  await pace(job.rates[0] ?? 10, job.warmupSeconds, (i) => {
    senders[i % senders.length]!.send(job.roomId, stampBody(-2), nonce()).catch(() => sendErrors++)
  })
  await sleep(500)
  // One step: `rate` msgs/s for stepSeconds; deliveries are told apart by a tag per step.
  const runStep = async (rate: number): Promise<FanoutStep> => {
    const tag = steps.length
    step = tag
    histogram = new Histogram()
    delivered = 0
    const cpuBefore = cpuSeconds(job.serverPid)
    const sent = await pace(rate, job.stepSeconds, (i) => {
      senders[i % senders.length]!.send(job.roomId, stampBody(tag), nonce()).catch(() => sendErrors++)
    })
    const expected = sent * job.subscribers
    const serverCpuPercent = Math.round(((cpuSeconds(job.serverPid) - cpuBefore) / job.stepSeconds) * 100)
    await waitFor(() => delivered >= expected, 2000)
    const latency = histogram.summary()
    const passed = delivered >= expected * 0.99 && (latency.p99 ?? Infinity) <= job.p99LimitMs
    const result = { rate, sent, expected, delivered, deliveriesPerSecond: Math.round(delivered / job.stepSeconds), latency, serverCpuPercent, passed }
    steps.push(result)
    log(`fanout ${job.system} rate ${rate}/s: ${delivered}/${expected} delivered, p99 ${latency.p99} ms, server cpu ${serverCpuPercent}%${passed ? '' : ' (over)'}`)
    step = -1
    await sleep(300)
    return result
  }
  // The machine is shared, so a step that fails is tried once more before the rate counts as
  // failed; the ramp stops after two failed rates in a row.
  let failedRates = 0
  for (const rate of job.rates) {
    const passed = (await runStep(rate)).passed || (await runStep(rate)).passed
    failedRates = passed ? 0 : failedRates + 1
    if (failedRates >= 2) break
  }
  for (const c of conns) c.close()
  const best = Math.max(0, ...steps.filter((s) => s.passed).map((s) => s.deliveriesPerSecond))
  return { scenario: 'fanout', steps, bestDeliveriesPerSecond: best, sendErrors }
}

async function rooms(job: RoomsJob): Promise<RoomsResult> {
  const histogram = new Histogram()
  let delivered = 0
  const count = job.roomIds.length * job.membersPerRoom
  const conns = await connectMany(job.system, job.baseUrl, job.tokens, count, (text) => {
    const stamp = readStamp(text)
    if (!stamp || stamp.tag !== 1) return
    histogram.record(nowMs() - stamp.sentAt)
    delivered++
  })
  const roomOf = (i: number) => job.roomIds[Math.floor(i / job.membersPerRoom)]!
  await subscribeAll(conns, roomOf)
  let sendErrors = 0
  const send = (measured: boolean) => (i: number) => {
    const room = i % job.roomIds.length
    conns[room * job.membersPerRoom]!.send(job.roomIds[room]!, stampBody(measured ? 1 : 0), nonce()).catch(() => sendErrors++)
  }
  await pace(job.messagesPerSecond, 1, send(false)) // warm-up, not measured
  const sent = await pace(job.messagesPerSecond, job.seconds, send(true))
  const expected = sent * job.membersPerRoom
  await waitFor(() => delivered >= expected, 3000)
  for (const c of conns) c.close()
  const latency = histogram.summary()
  log(`rooms ${job.system}: ${delivered}/${expected} delivered, p50 ${latency.p50} ms, p99 ${latency.p99} ms`)
  return { scenario: 'rooms', sent, expected, delivered, latency, sendErrors }
}

async function memory(job: MemoryJob): Promise<MemoryResult> {
  await sleep(1000)
  const rssBeforeKb = rssKb(job.serverPid)
  const conns = await connectMany(job.system, job.baseUrl, job.tokens, job.connections, () => {}, 250)
  // a round trip on every socket: the server has finished setting each session up
  for (let start = 0; start < conns.length; start += 1000) {
    await Promise.all(conns.slice(start, start + 1000).map((c) => c.ping()))
  }
  await sleep(job.settleSeconds * 1000)
  const rssAfterKb = rssKb(job.serverPid)
  const perConnectionKb = Math.round(((rssAfterKb - rssBeforeKb) / job.connections) * 100) / 100
  log(`memory ${job.system}: ${rssBeforeKb} KB -> ${rssAfterKb} KB for ${job.connections} sockets, ${perConnectionKb} KB each`)
  for (const c of conns) c.close()
  return { scenario: 'memory', connections: job.connections, rssBeforeKb, rssAfterKb, perConnectionKb }
}

async function durable(job: DurableJob): Promise<DurableResult> {
  const conns = await connectMany(job.system, job.baseUrl, job.tokens, job.connections, () => {})
  const histogram = new Histogram()
  let measuring = false
  let stop = false
  let acked = 0
  let errors = 0
  let firstError: string | undefined
  let turn = 0
  const loop = async (conn: Connection) => {
    while (!stop) {
      const roomId = job.roomIds[turn++ % job.roomIds.length]!
      const started = nowMs()
      try {
        await conn.send(roomId, stampBody(0), nonce())
        if (measuring && !stop) {
          acked++
          histogram.record(nowMs() - started)
        }
      } catch (err) {
        errors++
        firstError ??= String(err)
        if (errors > 1000) return
        await sleep(10)
      }
    }
  }
  const loops = conns.flatMap((c) => Array.from({ length: job.window }, () => loop(c)))
  await sleep(1000) // warm-up
  measuring = true
  const started = performance.now()
  const cpuBefore = cpuSeconds(job.serverPid)
  await sleep(job.seconds * 1000)
  const seconds = (performance.now() - started) / 1000
  stop = true
  const serverCpuMicrosPerAck = Math.round(((cpuSeconds(job.serverPid) - cpuBefore) * 1e6) / Math.max(1, acked))
  await Promise.race([Promise.all(loops), sleep(5000)])
  for (const c of conns) c.close()
  const ackedPerSecond = Math.round(acked / seconds)
  const ackLatency = histogram.summary()
  log(`durable ${job.system}, ${job.roomIds.length} rooms: ${ackedPerSecond} acked/s, ack p50 ${ackLatency.p50} ms, server ${serverCpuMicrosPerAck} cpu-us/ack, ${errors} errors${firstError ? ` (${firstError})` : ''}`)
  return { scenario: 'durable', rooms: job.roomIds.length, acked, seconds, ackedPerSecond, ackLatency, serverCpuMicrosPerAck, errors, firstError }
}

const log = (line: string) => process.stderr.write(`  [loadgen] ${line}\n`)

async function main() {
  const job = (await Bun.file(process.argv[2]!).json()) as Job
  runTag = `${job.scenario[0]}${runTag}`
  const result =
    job.scenario === 'fanout' ? await fanout(job) : job.scenario === 'rooms' ? await rooms(job) : job.scenario === 'memory' ? await memory(job) : await durable(job)
  process.stdout.write(`RESULT ${JSON.stringify({ ...result, serverCloses })}\n`)
  process.exit(0)
}

if (import.meta.main) await main()

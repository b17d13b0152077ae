// The load generator: its own process, started by run.ts with a job file; prints one
// `RESULT [json, ...]` line, one result per system driven. Send times travel in the message
// bodies and are read back here, so every latency is measured on one clock.   bun scripts/bench/loadgen.ts job.json
import { connectMany, serverCloses, stampBody, type Connection } from './clients'
import type { DurableJob, DurableResult, Job, JobResult, MemoryJob, MemoryResult } from './loadgen-protocol'
import { log, nonce, setRunTag } from './load'
import { cpuSeconds, rssKb } from './processes'
import { fanout, rooms } from './side-by-side'
import { Histogram, nowMs, sleep } from './stats'

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
  return { scenario: 'memory', system: job.system, connections: job.connections, rssBeforeKb, rssAfterKb, perConnectionKb }
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
  return { scenario: 'durable', system: job.system, rooms: job.roomIds.length, acked, seconds, ackedPerSecond, ackLatency, serverCpuMicrosPerAck, errors, firstError }
}

async function main() {
  const job = (await Bun.file(process.argv[2]!).json()) as Job
  setRunTag(job.scenario[0]!)
  const results: JobResult[] =
    job.scenario === 'fanout' ? await fanout(job) : job.scenario === 'rooms' ? await rooms(job) : job.scenario === 'memory' ? [await memory(job)] : [await durable(job)]
  process.stdout.write(`RESULT ${JSON.stringify(results.map((r) => ({ ...r, serverCloses: serverCloses[r.system] ?? {} })))}\n`)
  process.exit(0)
}

if (import.meta.main) await main()

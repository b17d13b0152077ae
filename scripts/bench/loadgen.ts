// The load generator: its own process, started by run.ts with a job file; writes
// `<job file>.result.json` ([json, ...], one result per system driven). Scenarios 1, 2 and 4 spread the
// sockets over several generator processes (loadgen-worker.ts) that this one coordinates.
// Send times travel in the message bodies and are read back by the process that receives
// them, so every latency is measured on one clock.   bun scripts/bench/loadgen.ts job.json
import { connectMany, serverCloses } from './clients'
import type { DurableJob, DurableResult, Job, JobResult, MemoryJob, MemoryResult } from './loadgen-protocol'
import { log, setRunTag } from './load'
import { CpuMeter, resultFile, rssKb } from './processes'
import { durableShared, fanout, rooms } from './side-by-side'
import { sleep } from './stats'

/** Generator processes for scenario 4. */
const DURABLE_WORKERS = 3

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
  const meter = new CpuMeter(job.serverPid, job.postgresDatabase)
  try {
    const run = await durableShared({ ...job, workers: DURABLE_WORKERS }, meter)
    const ackedPerSecond = Math.round(run.acked / job.seconds)
    const ackLatency = run.histogram.summary()
    const serverCpuMicrosPerAck = Math.round((run.cpu.serverSeconds * 1e6) / Math.max(1, run.acked))
    const withPostgres = meter.countsPostgres ? Math.round(((run.cpu.serverSeconds + run.cpu.postgresSeconds) * 1e6) / Math.max(1, run.acked)) : undefined
    log(
      `durable ${job.system}, ${job.roomIds.length} rooms: ${ackedPerSecond} acked/s, ack p50 ${ackLatency.p50} ms, server ${serverCpuMicrosPerAck} cpu-us/ack${withPostgres !== undefined ? ` (${withPostgres} with Postgres)` : ''}, generators ${run.generatorPercents.join('/')}%, ${run.errors} errors${run.firstError ? ` (${run.firstError})` : ''}`,
    )
    return {
      scenario: 'durable',
      system: job.system,
      rooms: job.roomIds.length,
      acked: run.acked,
      seconds: job.seconds,
      ackedPerSecond,
      ackLatency,
      serverCpuMicrosPerAck,
      ...(withPostgres !== undefined ? { withPostgresCpuMicrosPerAck: withPostgres } : {}),
      errors: run.errors,
      firstError: run.firstError,
    }
  } finally {
    await meter.close()
  }
}

async function main() {
  const job = (await Bun.file(process.argv[2]!).json()) as Job
  setRunTag(job.scenario[0]!)
  const results: JobResult[] =
    job.scenario === 'fanout' ? await fanout(job) : job.scenario === 'rooms' ? await rooms(job) : job.scenario === 'memory' ? [await memory(job)] : [await durable(job)]
  // Into a file next to the job's, not stdout: a result of a megabyte or more (scenario 2's
  // round histograms) was cut short when the process exited before the pipe drained.
  await Bun.write(resultFile(process.argv[2]!), JSON.stringify(results.map((r) => ({ ...r, serverCloses: serverCloses[r.system] ?? {} }))))
  process.exit(0)
}

if (import.meta.main) await main()

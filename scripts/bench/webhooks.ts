// Webhooks on this machine, the whole app against real Redis and Postgres in a scratch database:
//   1. incoming: a hook's answer (verify a Standard Webhooks signature, refuse replays,
//      queue on the api queue) at a fixed rate, p50/p99 and CPU per request, from a load
//      generator process, with the api queue paused and then consumed (each job posts a
//      message into the room through its actor, as the hook's bot);
//   2. outgoing: deliveries per second to a local receiver (another thread), from
//      deliver(event) (what the '*' reaction calls per event) to every attempt recorded as
//      succeeded by the worker threads.
//   bun scripts/bench/webhooks.ts   (BENCH_RATE=500 BENCH_SECONDS=10 BENCH_EVENTS=1000 BENCH_ENDPOINTS=5)
import { count, eq } from 'drizzle-orm'
import { createApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import { messages, webhookDeliveries } from '../../src/db/schema'
import { FEATURE_JOBS } from '../../src/features'
import { createHearth } from '../../src/hearth'
import { loadSigningKeys } from '../../src/modules/auth/keys'
import { closeResources, openResources } from '../../src/resources'
import { HttpClient, registerUser } from '../../test/helpers/http'
import { scratchDatabase } from '../lib/scratch'
import { Histogram } from './stats'

const rate = Number(process.env.BENCH_RATE ?? 500)
const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const events = Number(process.env.BENCH_EVENTS ?? 1000)
const endpointCount = Number(process.env.BENCH_ENDPOINTS ?? 5)

const database = scratchDatabase(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'hearth_bench_')
await database.create()
const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`
const config = loadConfig({
  LOG_LEVEL: 'warn',
  DATABASE_URL: database.url,
  REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_PREFIX: prefix,
  PASSWORD_MEMORY_KIB: '4096',
  RATE_WRITES_PER_USER: '100000/60',
  RATE_READS_PER_USER: '100000/60',
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOW_LOOPBACK: 'true',
  WEBHOOK_INCOMING_RATE: '1000000/60',
})
const res = await openResources(config, { keys: await loadSigningKeys({ privateKey: undefined, file: undefined }) })
const hearth = createHearth(res)
await hearth.start()
// Consumers in worker threads, as in production (JOB_WORKERS, default 2); the api queue on this main thread.
await res.jobs.startWorkers({ modules: [FEATURE_JOBS] })
const server = createApp(hearth).listen({ port: 0, hostname: '127.0.0.1' })
const http = new HttpClient(`http://127.0.0.1:${server.server!.port}`)
const hooksHttp = http
const webhooks = hearth.api('webhooks')
const receiver = new Worker(new URL('./webhooks/receiver.ts', import.meta.url).href)
const receiverPort = new Promise<number>((resolve) => (receiver.onmessage = (e) => resolve(e.data.port)))

try {
  console.log(`hearth webhooks benchmark: ${navigator.hardwareConcurrency} CPUs, Bun ${Bun.version}`)
  const owner = await registerUser(http)
  const auth = { token: owner.accessToken }
  const community = (await http.post('/v1/communities', { name: 'bench' }, auth)).body
  const room = (await http.post(`/v1/communities/${community.id}/rooms`, { name: 'hooks' }, auth)).body
  const hook = (await hooksHttp.post(`/v1/rooms/${room.id}/incoming-webhooks`, { name: 'bench', verify: 'standard' }, auth)).body

  // 1. Incoming, from a load generator process: first with the api queue paused (the
  // answer alone: verify, refuse replays, queue), then with its jobs posting the messages as it runs.
  const load = async (r: number, s: number) => {
    const proc = Bun.spawn(['bun', new URL('./webhooks/load.ts', import.meta.url).pathname], {
      env: { ...process.env, BENCH_URL: hook.url, BENCH_SECRET: hook.secret, BENCH_RATE: String(r), BENCH_SECONDS: String(s) },
      stdout: 'pipe',
    })
    return JSON.parse(await new Response(proc.stdout).text()) as { latencies: number[]; statuses: Record<number, number>; seconds: number }
  }
  const incomingQueue = res.jobs.queues.api
  const backlog = async () => Object.values(await incomingQueue.getJobCounts('waiting', 'prioritized', 'active')).reduce((a, b) => a + b, 0)
  const incomingRun = async (label: string) => {
    const cpu = process.cpuUsage()
    const run = await load(rate, seconds)
    const used = process.cpuUsage(cpu)
    const hist = new Histogram()
    for (const ms of run.latencies) hist.record(ms)
    const result = {
      rate,
      requests: run.latencies.length,
      statuses: run.statuses,
      p50: Math.round(hist.percentile(0.5) * 100) / 100,
      p99: Math.round(hist.percentile(0.99) * 100) / 100,
      max: Math.round(hist.percentile(1) * 100) / 100,
      cpuMsPerRequest: Math.round(((used.user + used.system) / 1000 / run.latencies.length) * 1000) / 1000,
    }
    console.log(
      `incoming   ${label.padEnd(18)} ${rate} req/s for ${seconds} s: p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms, ` +
        `${result.cpuMsPerRequest} ms CPU per request (this process), statuses ${JSON.stringify(run.statuses)}`,
    )
    return result
  }
  await load(100, 2)
  while ((await backlog()) > 0) await Bun.sleep(100)
  await incomingQueue.pause()
  const incomingAlone = await incomingRun('api queue paused')
  await incomingQueue.resume()
  while ((await backlog()) > 0) await Bun.sleep(100)
  const incomingDraining = await incomingRun('api queue consumed')
  while ((await backlog()) > 0) await Bun.sleep(100)
  const posted = (await res.db.select({ n: count() }).from(messages).where(eq(messages.roomId, room.id)))[0]!.n
  console.log(`incoming   ${posted} messages posted into the room by the hook's bot`)

  // 2. Outgoing.
  const port = await receiverPort
  for (let i = 0; i < endpointCount; i++) {
    await hooksHttp.post(`/v1/communities/${community.id}/webhooks`, { url: `http://127.0.0.1:${port}/e${i}`, events: ['*'] }, auth)
  }
  const total = events * endpointCount
  const started = performance.now()
  // As the domain-event consumer would: several events at once (its job concurrency).
  let next = 0
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      for (let i = next++; i < events; i = next++) {
        await webhooks.deliveries.deliver({ id: crypto.randomUUID(), type: 'message.created', at: new Date().toISOString(), data: { n: i } as never, communityId: community.id })
      }
    }),
  )
  const queued = performance.now()
  let done = 0
  while (done < total && performance.now() - started < 120_000) {
    await Bun.sleep(100)
    done = (await res.db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.status, 'succeeded')))[0]!.n
  }
  const elapsed = (performance.now() - started) / 1000
  const outgoing = {
    events,
    endpoints: endpointCount,
    deliveries: done,
    seconds: Math.round(elapsed * 100) / 100,
    queueSeconds: Math.round((queued - started) / 10) / 100,
    deliveriesPerSecond: Math.round(done / elapsed),
  }
  console.log(`outgoing   ${done}/${total} deliveries (${events} events x ${endpointCount} endpoints) in ${outgoing.seconds} s: ${outgoing.deliveriesPerSecond} deliveries/s (deliver() calls took ${outgoing.queueSeconds} s)`)
  console.log(JSON.stringify({ cpus: navigator.hardwareConcurrency, load: (await Bun.file('/proc/loadavg').text()).trim(), incomingAlone, incomingDraining, posted, outgoing }))
} finally {
  receiver.postMessage('stop')
  await hearth.stop()
  await server.stop(true)
  await res.jobs.close({ timeoutMs: 5000 })
  for await (const keys of res.redis.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await res.redis.client.del(keys)
  await closeResources(res)
  await database.drop()
}

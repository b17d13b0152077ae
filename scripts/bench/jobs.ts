// Jobs enqueued and processed per second on this machine, against real Redis and
// Postgres, in a scratch database and Redis prefix that are removed afterwards.
//   bun scripts/bench/jobs.ts            (BENCH_TRIVIAL=20000 BENCH_NOTIFY=5000 JOB_WORKERS=2)
// Each phase stops after BENCH_MAX_SECONDS (default 60) whatever happened.
import { scratchDatabase } from '../lib/scratch'
import { loadConfig } from '../../src/config'
import { users } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { loadSigningKeys } from '../../src/modules/auth/keys'
import { NotificationService } from '../../src/modules/notifications/service'
import { closeResources, openResources, type Resources } from '../../src/resources'

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const trivialJobs = Number(process.env.BENCH_TRIVIAL ?? 20_000)
const notifyJobs = Number(process.env.BENCH_NOTIFY ?? 5_000)
const maxSeconds = Number(process.env.BENCH_MAX_SECONDS ?? 60)
const chunk = 1000

interface PhaseResult {
  jobs: number
  enqueuedPerSecond: number
  processedPerSecond: number
  seconds: number
  completed: number
}

/**
 * Enqueues `total` jobs while the queue is paused (enqueued/s: producers alone), then
 * resumes it and times the drain (processed/s: the worker threads alone).
 */
async function phase(res: Resources, label: string, total: number, addChunk: (from: number, to: number) => Promise<void>): Promise<PhaseResult> {
  const queue = res.jobs.queues.notifications
  const done = () => res.jobs.counters.notifications?.completed ?? 0
  const before = done()
  await queue.pause()
  const start = performance.now()
  const deadline = start + maxSeconds * 1000
  let added = 0
  for (let i = 0; i < total && performance.now() < deadline; i += chunk) {
    const to = Math.min(total, i + chunk)
    await addChunk(i, to)
    added = to
  }
  const enqueued = performance.now()
  await queue.resume()
  const resumed = performance.now()
  const drainDeadline = resumed + maxSeconds * 1000
  while (done() - before < added && performance.now() < drainDeadline) await Bun.sleep(2)
  const end = performance.now()
  const completed = done() - before
  const result = {
    jobs: added,
    enqueuedPerSecond: Math.round(added / ((enqueued - start) / 1000)),
    processedPerSecond: Math.round(completed / ((end - resumed) / 1000)),
    seconds: Math.round((end - start) / 10) / 100,
    completed,
  }
  console.log(
    `${label.padEnd(13)} ${String(result.enqueuedPerSecond).padStart(7)} enqueued/s ${String(result.processedPerSecond).padStart(7)} processed/s  (${completed}/${added} in ${result.seconds} s)`,
  )
  return result
}

const database = scratchDatabase(adminUrl, 'hearth_bench_')
await database.create()
const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`
const config = loadConfig({
  LOG_LEVEL: 'warn',
  DATABASE_URL: database.url,
  REDIS_URL: redisUrl,
  REDIS_PREFIX: prefix,
  JOB_WORKERS: process.env.JOB_WORKERS ?? '2',
})
const res = await openResources(config, { keys: await loadSigningKeys({ privateKey: undefined, file: undefined }) })
try {
  await res.jobs.startWorkers({ modules: [new URL('./processors.ts', import.meta.url).href] })
  console.log(`hearth jobs benchmark: ${navigator.hardwareConcurrency} CPUs, ${config.jobs.workers} worker threads, Bun ${Bun.version}`)

  const trivial = await phase(res, 'trivial job', trivialJobs, (from, to) =>
    res.jobs.enqueueBulk({
      queue: 'notifications',
      jobs: Array.from({ length: to - from }, (_, i) => ({ name: 'bench.noop', data: { n: from + i } })),
    }),
  )

  const people = Array.from({ length: 200 }, (_, i) => ({
    id: newId(),
    username: `bench_${i}`,
    email: `bench_${i}@example.test`,
    passwordHash: 'x',
  }))
  await res.db.insert(users).values(people)
  // Only queues and processes here; listing (which checks rooms against permissions) is not measured.
  const notifications = new NotificationService({ ...res, permissions: { canViewRooms: async () => new Set<string>() } })
  const notify = await phase(res, 'notification', notifyJobs, async (from, to) => {
    const batch = []
    for (let i = from; i < to; i++) {
      // Every fourth event groups into an existing row; the rest create rows.
      const user = people[i % people.length]!
      const target = i % 4 === 0 ? 'hot' : `post-${i}`
      batch.push(notifications.notify({ userId: user.id, type: 'reply', targetType: 'post', targetId: target, actorId: people[(i + 1) % people.length]!.id }))
    }
    await Promise.all(batch)
  })
  console.log(JSON.stringify({ cpus: navigator.hardwareConcurrency, threads: config.jobs.workers, trivial, notify }))
} finally {
  await res.jobs.close()
  for await (const keys of res.redis.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await res.redis.client.del(keys)
  await closeResources(res)
  await database.drop()
}

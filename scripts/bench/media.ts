// Media processing on this machine, against the wired app (createHearth: the media
// feature, the outbox relay, the room actors), real Postgres and Redis and the disk store:
//   1. complete -> ready latency of a 12-megapixel JPEG, one at a time (p50/p99);
//   2. images processed per second by ONE job worker thread, a burst of --burst images
//      (and complete -> ready p50/p99 inside the burst);
//   3. does processing stall chat: acked sends/s through the room actors (100 rooms,
//      --concurrency in flight) for --seconds, without images, then while --images images
//      process (JOB_WORKERS, MEDIA_JOB_CONCURRENCY and MEDIA_NICE from the environment).
//
//   bun scripts/bench/media.ts [--sequential 20] [--burst 40] [--images 100] [--seconds 8]
//   MEDIA_JOB_CONCURRENCY=2 bun scripts/bench/media.ts --sequential 0 --burst 0   # phase 3 only
//
// Scratch database, Redis prefix and DATA_DIR, all removed afterwards.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { loadConfig, type Config } from '../../src/config'
import { users } from '../../src/db/schema'
import { FEATURE_JOBS } from '../../src/features'
import { createHearth } from '../../src/hearth'
import { JobRunner } from '../../src/jobs/runner'
import { newId } from '../../src/lib/ids'
import { Metrics } from '../../src/lib/metrics'
import { loadSigningKeys } from '../../src/modules/auth/keys'
import { createStorage } from '../../src/modules/media/storage'
import { mediaKeys } from '../../src/modules/media/view'
import { closeResources, openResources } from '../../src/resources'
import { scratchDatabase } from '../lib/scratch'

const { values: args } = parseArgs({
  options: {
    sequential: { type: 'string', default: '20' },
    burst: { type: 'string', default: '40' },
    images: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '256' },
  },
})
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN
}

/** A 4000x3000 photo-like JPEG: gradients and texture, so it compresses like a photo, not like a flat colour. */
async function twelveMegapixelJpeg(): Promise<Uint8Array> {
  const [w, h] = [4000, 3000]
  const raw = Buffer.alloc(w * h * 3)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3
      const n = (Math.sin(x / 7) + Math.cos(y / 11)) * 20
      raw[i] = (x * 255) / w + n
      raw[i + 1] = (y * 255) / h - n
      raw[i + 2] = ((x ^ y) & 255) / 2 + n
    }
  }
  return new Uint8Array(await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer())
}

const database = scratchDatabase(adminUrl, 'hearth_bench_')
await database.create()
const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`
const dataDir = await mkdtemp(`${tmpdir()}/hearth-bench-media-`)
const env = {
  LOG_LEVEL: 'warn',
  NODE_ID: 'bench',
  DATABASE_URL: database.url,
  REDIS_URL: redisUrl,
  REDIS_PREFIX: prefix,
  DATA_DIR: dataDir,
  JOB_WORKERS: process.env.JOB_WORKERS,
  MEDIA_JOB_CONCURRENCY: process.env.MEDIA_JOB_CONCURRENCY,
  MEDIA_NICE: process.env.MEDIA_NICE,
}
const config: Config = loadConfig(env)
const res = await openResources(config, { keys: await loadSigningKeys({ privateKey: undefined, file: undefined }) })
const hearth = createHearth(res)
await hearth.start()
let oneThread: JobRunner | undefined
const listener = res.redis.client.duplicate()
try {
  const storage = createStorage(config)
  const media = hearth.api('media')
  const uploader = newId()
  const authors = Array.from({ length: 256 }, () => newId())
  await res.db
    .insert(users)
    .values([uploader, ...authors].map((id) => ({ id, username: `b_${id.slice(-12)}`, email: `${id}@bench.test`, passwordHash: 'x' })))

  // media.updated reaches the uploader's channel when a worker thread is done with an image.
  const settled = new Map<string, (at: number) => void>()
  await listener.connect()
  await listener.pSubscribe(`${prefix}user:*`, (message) => {
    const event = JSON.parse(message) as { type: string; data: { id: string; status: string } }
    if (event.type !== 'media.updated') return
    if (event.data.status !== 'ready') console.error(`media ${event.data.id} ended ${event.data.status}`)
    settled.get(event.data.id)?.(performance.now())
  })

  const jpeg = await twelveMegapixelJpeg()
  /** An upload whose bytes are in place (as if the client had sent them), waiting for complete. */
  const uploaded = async () => {
    const { media: m } = await media.createUpload({ userId: uploader, filename: 'photo.jpg', contentType: 'image/jpeg', size: jpeg.length })
    await storage.write(mediaKeys.original(m.id), jpeg, 'image/jpeg')
    return m.id
  }
  /** Completes one; resolves with ms from complete to ready. */
  const completeAndWait = (id: string) => {
    const start = performance.now()
    const done = new Promise<number>((resolve) => settled.set(id, (at) => resolve(at - start)))
    return media.complete({ userId: uploader, mediaId: id }).then(() => done)
  }
  const ms = (n: number) => `${Math.round(n)} ms`

  console.log(`hearth media benchmark: ${navigator.hardwareConcurrency} CPUs, Bun ${Bun.version}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips})`)
  console.log(`image: 4000x3000 JPEG, ${(jpeg.length / 1024 / 1024).toFixed(1)} MB; images at once per process (MEDIA_JOB_CONCURRENCY) ${config.media.jobConcurrency}, MEDIA_NICE ${config.media.nice}\n`)

  // 1 and 2: one worker thread (its own runner; the app's queues produce).
  if (Number(args.sequential) > 0 || Number(args.burst) > 0) {
    const single = loadConfig({ ...env, JOB_WORKERS: '1' })
    oneThread = new JobRunner({ config: single, log: res.log, db: res.db, redis: res.redis, metrics: new Metrics({ nodeId: 'bench' }) })
    await oneThread.startWorkers({ modules: [FEATURE_JOBS] })
    await completeAndWait(await uploaded()) // warm-up: sharp loaded, connections open
    const sequential: number[] = []
    for (let i = 0; i < Number(args.sequential); i++) sequential.push(await completeAndWait(await uploaded()))
    if (sequential.length) console.log(`1. one at a time (${sequential.length}): complete -> ready p50 ${ms(percentile(sequential, 50))}, p99 ${ms(percentile(sequential, 99))}`)

    const burstIds = await Promise.all(Array.from({ length: Number(args.burst) }, uploaded))
    const burstStart = performance.now()
    const burst = await Promise.all(burstIds.map(completeAndWait))
    const burstSeconds = (performance.now() - burstStart) / 1000
    if (burst.length) {
      console.log(
        `2. burst of ${burst.length} on 1 worker thread: ${(burst.length / burstSeconds).toFixed(2)} images/s; complete -> ready p50 ${ms(percentile(burst, 50))}, p99 ${ms(percentile(burst, 99))}`,
      )
    }
    await oneThread.close()
  }

  // 3: the app's worker threads (JOB_WORKERS), room actors on the main thread.
  await res.jobs.startWorkers({ modules: [FEATURE_JOBS] })
  const router = hearth.core.router
  const rooms = Array.from({ length: 100 }, () => newId())
  let nonce = 0
  const sendFor = async (seconds: number) => {
    const deadline = performance.now() + seconds * 1000
    const latencies: number[] = []
    const start = performance.now()
    await Promise.all(
      Array.from({ length: Number(args.concurrency) }, async (_, worker) => {
        while (performance.now() < deadline) {
          const n = nonce++
          const sent = performance.now()
          await router.send({ type: 'send', roomId: rooms[n % rooms.length]!, authorId: authors[worker % authors.length]!, nonce: `m${n}`, body: `hello ${n}` })
          latencies.push(performance.now() - sent)
        }
      }),
    )
    return { perSecond: latencies.length / ((performance.now() - start) / 1000), latencies }
  }
  await sendFor(1) // warm-up
  const seconds = Number(args.seconds)
  const quiet = await sendFor(seconds)
  const imageIds = await Promise.all(Array.from({ length: Number(args.images) }, uploaded))
  let readyDuring = 0
  const processing = Promise.all(imageIds.map((id) => completeAndWait(id).then((t) => (readyDuring++, t))))
  await Bun.sleep(200) // every complete answered; the worker threads are busy
  const busy = await sendFor(seconds)
  const doneInWindow = readyDuring
  const latencies = await processing
  console.log(
    `3. durable sends (100 rooms, ${args.concurrency} in flight, ${config.jobs.workers} worker threads, ${config.media.jobConcurrency} image(s) at once at nice ${config.media.nice}, ${seconds} s each):\n` +
      `   without images: ${Math.round(quiet.perSecond)} acked/s, ack p50 ${ms(percentile(quiet.latencies, 50))}, p99 ${ms(percentile(quiet.latencies, 99))}\n` +
      `   while ${imageIds.length} images process: ${Math.round(busy.perSecond)} acked/s (${((busy.perSecond / quiet.perSecond) * 100).toFixed(0)}%), ` +
      `ack p50 ${ms(percentile(busy.latencies, 50))}, p99 ${ms(percentile(busy.latencies, 99))}; ${doneInWindow} images ready within the window, ` +
      `all ${latencies.length} complete -> ready p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}`,
  )
} finally {
  await listener.close().catch(() => {})
  await oneThread?.close()
  await hearth.stop()
  await res.jobs.close()
  for await (const keys of res.redis.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await res.redis.client.del(keys)
  await closeResources(res)
  await database.drop()
  await rm(dataDir, { recursive: true, force: true })
}

import { afterAll } from 'bun:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import type { Config } from '../../src/config'
import { MediaPipeline } from '../../src/modules/media/pipeline'
import { MediaRefs } from '../../src/modules/media/refs'
import { createStorage } from '../../src/modules/media/storage'
import { RedisUserEventSink } from '../../src/realtime/user-channel'
import { startTestApp, type TestApp } from './app'
import { startS3 } from './s3'

export type MediaHome = 'disk' | 's3'

/**
 * The real app (media mounted like every feature) with its job worker threads, media on
 * disk (DATA_DIR/media, a fresh directory) or in a local S3 server; plus the media parts
 * the tests reach past the API for: the storage, the references, a pipeline to run by hand.
 */
export async function startMediaApp(home: MediaHome, env: Record<string, string> = {}) {
  const dataDir = await mkdtemp(`${tmpdir()}/hearth-media-`)
  const s3 = home === 's3' ? await startS3() : undefined
  const app: TestApp = await startTestApp(
    {
      DATA_DIR: dataDir,
      JOB_WORKERS: '1',
      JOB_BACKOFF_MS: '10',
      EVENTS_RELAY_INTERVAL_MS: '100',
      ...s3?.env,
      ...env,
    },
    { jobs: {} },
  )
  const { res } = app
  const storage = createStorage(res.config)
  const refs = new MediaRefs({ db: res.db, storage, log: res.log })
  const live = new RedisUserEventSink(res.redis)
  /** A pipeline as a worker thread has it (settings may be changed), for running its steps by hand. */
  const pipeline = (config: Partial<Config['media']> = {}) =>
    new MediaPipeline({
      db: res.db,
      storage,
      config: { ...res.config.media, ...config },
      log: res.log,
      live: { toUser: (userId, event) => live.publishToUser(userId, event) },
      events: app.hearth.core.events,
      refs,
      jobs: res.jobs,
    })
  const stop = async () => {
    await app.stop()
    await s3?.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
  afterAll(stop)
  return {
    ...app,
    home,
    /** A URL from the API (a path when PUBLIC_URL is unset) made absolute. */
    absolute: (u: string) => (u.startsWith('/') ? app.url + u : u),
    storage,
    refs,
    media: app.hearth.api('media'),
    pipeline,
    s3,
    stop,
  }
}

export type MediaApp = Awaited<ReturnType<typeof startMediaApp>>

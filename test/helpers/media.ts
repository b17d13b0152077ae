import { afterAll } from 'bun:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { Elysia } from 'elysia'
import { createApp } from '../../src/app'
import { toAppError } from '../../src/lib/error-mapping'
import type { Config } from '../../src/config'
import { mediaRoutes } from '../../src/modules/media'
import { MediaPipeline } from '../../src/modules/media/pipeline'
import type { DomainEvent } from '../../src/modules/media/ports'
import { MediaRefs } from '../../src/modules/media/refs'
import { MediaService } from '../../src/modules/media/service'
import { BLOB_PATH, createStorage, DiskStorage } from '../../src/modules/media/storage'
import { diskStorageRoutes } from '../../src/modules/media/storage/routes'
import { RedisUserEventSink } from '../../src/modules/notifications/sink'
import { startTestApp, type TestApp } from './app'
import { HttpClient } from './http'
import { startS3 } from './s3'

export type MediaHome = 'disk' | 's3'
export const mediaProcessorsModule = new URL('../../src/modules/media/processors.ts', import.meta.url).href

/**
 * A test app with the media module mounted (until the wiring issue mounts it in the app):
 * the whole app plus media routes on a second server sharing the same resources, job
 * workers running the media processors, media stored on disk or in a local S3 server.
 */
export async function startMediaApp(home: MediaHome, env: Record<string, string> = {}) {
  const dataDir = await mkdtemp(`${tmpdir()}/hearth-media-`)
  const s3 = home === 's3' ? await startS3() : undefined
  const app: TestApp = await startTestApp(
    {
      DATA_DIR: dataDir,
      JOB_WORKERS: '1',
      JOB_BACKOFF_MS: '10',
      ...s3?.env,
      ...env,
    },
    { jobs: { modules: [mediaProcessorsModule] } },
  )
  const { res } = app
  const storage = createStorage(res.config)
  const events: DomainEvent[] = []
  const recordEvent = async (_tx: unknown, event: DomainEvent) => {
    events.push(event)
  }
  const refs = new MediaRefs({ db: res.db, storage, log: res.log })
  const live = new RedisUserEventSink(res.redis)
  const media = new MediaService({
    db: res.db,
    storage,
    config: res.config.media,
    log: res.log,
    jobs: res.jobs,
    permissions: app.services.permissions,
    live: { toUser: (userId, event) => live.publishToUser(userId, event) },
    recordEvent,
    refs,
  })
  const pipeline = (config: Partial<Config['media']> = {}) =>
    new MediaPipeline({
      db: res.db,
      storage,
      config: { ...res.config.media, ...config },
      log: res.log,
      live: { toUser: (userId, event) => live.publishToUser(userId, event) },
      recordEvent,
      refs,
    })
  const api = createApp(res, app.services).use(mediaRoutes({ media, storage, signedIn: app.services.signedIn }))
  // createApp learns which routes read their own bytes (RAW_BODY) from the routes it holds
  // when built; the disk store's routes, added after, would meet the JSON body parser. Until
  // the wiring mounts them inside createApp, their paths go to an app of their own.
  const blobs =
    storage instanceof DiskStorage
      ? new Elysia()
          .onError(({ code, error }) => {
            const e = toAppError(code, error, res.log)
            return Response.json({ error: { code: e.code, message: e.message, requestId: '' } }, { status: e.status })
          })
          .use(diskStorageRoutes(storage))
      : undefined
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    maxRequestBodySize: 64 * 1024 * 1024,
    fetch: (request) => (blobs && new URL(request.url).pathname.startsWith(`${BLOB_PATH}/`) ? blobs.handle(request) : api.handle(request)),
  })
  const url = `http://127.0.0.1:${server.port}`
  const stop = async () => {
    await server.stop(true)
    await app.stop()
    await s3?.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
  afterAll(stop)
  return {
    ...app,
    home,
    url,
    http: new HttpClient(url),
    /** A URL from the API (a path when PUBLIC_URL is unset) made absolute. */
    absolute: (u: string) => (u.startsWith('/') ? url + u : u),
    storage,
    refs,
    media,
    pipeline,
    events,
    s3,
    stop,
  }
}

export type MediaApp = Awaited<ReturnType<typeof startMediaApp>>

import { afterAll } from 'bun:test'
import { scratchDatabase } from '../../scripts/lib/scratch'
import { createApp } from '../../src/app'
import { FEATURE_JOBS } from '../../src/features'
import { createHearth, type Hearth } from '../../src/hearth'
import { loadConfig, type Config } from '../../src/config'
import { closeResources, openResources, type Resources } from '../../src/resources'
import { loadSigningKeys } from '../../src/modules/auth/keys'
import type { Logger } from '../../src/lib/log'
import { HttpClient } from './http'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface TestApp {
  url: string
  wsUrl: string
  res: Resources
  hearth: Hearth
  http: HttpClient
  /** Stops the server and drops everything this app created (also run by afterAll). */
  stop(): Promise<void>
}

/** A fresh database on the test server, dropped by `drop()` (migrated when the app opens it). */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const database = scratchDatabase(TEST_DATABASE_URL, 'hearth_t_')
  await database.create()
  return database
}

/**
 * Starts Hearth on port 0 with its own database and Redis key prefix. The env map
 * overrides settings the way a deployer would (e.g. RATE_AUTH_PER_IP: '3/60').
 */
export async function startTestApp(
  env: Record<string, string> = {},
  opts: { log?: Logger; /** start job consumers, with extra processor modules */ jobs?: { modules?: string[] } } = {},
): Promise<TestApp> {
  const database = await createTestDatabase()
  const prefix = `test:${crypto.randomUUID().slice(0, 8)}:`
  const config: Config = loadConfig({
    LOG_LEVEL: process.env.LOG_LEVEL,
    PASSWORD_MEMORY_KIB: '4096',
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    TRUST_PROXY: 'true',
    RATE_AUTH_PER_IP: '1000/60',
    ...env,
  })
  const keys = await loadSigningKeys({ privateKey: undefined, file: undefined })
  const res = await openResources(config, { keys, log: opts.log })
  const hearth = createHearth(res)
  await hearth.start()
  const app = createApp(hearth).listen({ port: 0, hostname: '127.0.0.1' })
  if (opts.jobs) await res.jobs.startWorkers({ modules: [FEATURE_JOBS, ...(opts.jobs.modules ?? [])] })
  const url = `http://127.0.0.1:${app.server!.port}`
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await hearth.stop()
    await app.stop(true)
    await res.jobs.close({ timeoutMs: 2000 })
    await deleteKeys(res, prefix).catch(() => {})
    await closeResources(res)
    await database.drop()
  }
  afterAll(stop)
  return { url, wsUrl: url.replace('http', 'ws'), res, hearth, http: new HttpClient(url), stop }
}

async function deleteKeys(res: Resources, prefix: string) {
  if (!res.redis.isReady) return
  for await (const keys of res.redis.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length) await res.redis.client.del(keys)
  }
}

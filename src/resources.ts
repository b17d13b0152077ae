import type { Config } from './config'
import { openDatabase, type Database, type DatabaseHandle } from './db/client'
import { createLogger, type Logger } from './lib/log'
import { JobRunner } from './jobs/runner'
import { Metrics } from './lib/metrics'
import { RateLimiter } from './lib/rate-limit'
import { startPrivateRedis, type PrivateRedis } from './lib/private-redis'
import { Redis } from './lib/redis'
import { loadSigningKeys, type SigningKeys } from './modules/auth/keys'

/** What every long-lived part of Hearth is built from (STYLE: systems with resources). */
export interface Resources {
  config: Config
  log: Logger
  database: DatabaseHandle
  db: Database
  redis: Redis
  rateLimiter: RateLimiter
  keys: SigningKeys
  metrics: Metrics
  /** Queues (producers) always; worker threads only once `jobs.startWorkers()` runs (main.ts, by ROLE). */
  jobs: JobRunner
  /** The redis-server this process started for itself, if it had to (see startPrivateRedis). */
  privateRedis?: PrivateRedis
}

/** Opens every dependency in boot order; a failure closes what was opened and rethrows. */
export async function openResources(configured: Config, opts: { keys?: SigningKeys; log?: Logger } = {}): Promise<Resources> {
  let config = configured
  const log = opts.log ?? createLogger(config.logLevel, { node: config.nodeId })
  const opened: { close(): Promise<void> }[] = []
  try {
    // Redis first: it answers (or not) in milliseconds, while a first embedded-database
    // boot takes seconds, so a missing Redis is reported at once.
    let redis: Redis
    let privateRedis: PrivateRedis | undefined
    try {
      redis = await new Redis({ url: config.redisUrl, prefix: config.redisPrefix, log }).connect()
    } catch (err) {
      // Unset REDIS_URL and nothing on the default address: a fresh machine; start one of our own.
      if (!config.redisDefaulted || config.production) throw err
      privateRedis = await startPrivateRedis({ dir: `${config.dataDir}/redis`, log })
      opened.push({ close: privateRedis.stop })
      config = { ...config, redisUrl: privateRedis.url }
      redis = await new Redis({ url: config.redisUrl, prefix: config.redisPrefix, log }).connect()
    }
    opened.push(redis)
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir })
    opened.push(database)
    await database.migrate()
    const keys =
      opts.keys ??
      (await loadSigningKeys({ privateKey: config.jwt.privateKey, file: `${config.dataDir}/jwt-ed25519.json` }))
    const metrics = new Metrics({ nodeId: config.nodeId })
    const jobs = new JobRunner({ config, log, db: database.db, redis, metrics })
    return {
      config,
      log,
      database,
      db: database.db,
      redis,
      rateLimiter: new RateLimiter(redis),
      keys,
      metrics,
      jobs,
      ...(privateRedis ? { privateRedis } : {}),
    }
  } catch (err) {
    for (const r of opened.reverse()) await r.close().catch(() => {})
    throw err
  }
}

export async function closeResources(res: Resources): Promise<void> {
  await res.jobs.close()
  await res.redis.close()
  await res.database.close()
  await res.privateRedis?.stop()
}

// Entry of a job worker thread (Bun Worker). It opens its own Postgres pool and Redis
// connection, consumes every queue, reports outcome counts to the parent, and closes
// gracefully when told to. Protocol (postMessage):
//   parent -> thread  {type:'start', config, modules} | {type:'close'}
//   thread -> parent  {type:'ready'} | {type:'stats', stats} | {type:'closed'} | {type:'fatal', error}
import type { Config } from '../config'
import { openDatabase } from '../db/client'
import { installLastResort } from '../lib/last-resort'
import { createLogger } from '../lib/log'
import { Redis } from '../lib/redis'
import { startConsumers, type Consumers, type JobStats } from './consumers'

declare const self: Worker

export type ToThread = { type: 'start'; config: Config; modules: string[]; threadId: number } | { type: 'close' }
export type FromThread =
  | { type: 'ready' }
  | { type: 'stats'; stats: JobStats }
  | { type: 'closed' }
  | { type: 'fatal'; error: string }

const send = (msg: FromThread) => self.postMessage(msg)
let stop: (() => Promise<void>) | undefined

self.onmessage = async (event: MessageEvent<ToThread>) => {
  const msg = event.data
  if (msg.type === 'start') {
    try {
      stop = await start(msg.config, msg.modules, msg.threadId)
      send({ type: 'ready' })
    } catch (err) {
      send({ type: 'fatal', error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
    }
  } else if (msg.type === 'close') {
    await stop?.()
    send({ type: 'closed' })
  }
}

async function start(config: Config, modules: string[], threadId: number): Promise<() => Promise<void>> {
  const log = createLogger(config.logLevel, { node: config.nodeId, thread: threadId })
  installLastResort({ log })
  // Migrations ran on the main thread before any worker started.
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 20 })
  const redis = await new Redis({ url: config.redisUrl, prefix: config.redisPrefix, log }).connect()
  let consumers: Consumers
  try {
    consumers = await startConsumers({ config, log, db: database.db, redis }, { modules, report: (stats) => send({ type: 'stats', stats }) })
  } catch (err) {
    await redis.close()
    await database.close()
    throw err
  }
  return async () => {
    await consumers.close()
    await redis.close()
    await database.close()
  }
}

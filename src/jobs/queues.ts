import { createNodeRedisClient, type JobsOptions } from 'bullmq'
import { createClient } from 'redis'
import type { Config } from '../config'

/**
 * The queues and how each treats its jobs. `priority` is the default BullMQ priority of
 * a job added to that queue (1 runs first); `concurrency` is per worker thread, so a
 * queue with more slots gets more of the pool.
 */
export const queueSpecs = {
  reminders: { concurrency: 20, attempts: 5, priority: 1 },
  /** Committed domain events, per consumer in jobs of up to 100 (src/domain-events). */
  events: { concurrency: 50, attempts: 8, priority: 2 },
  /**
   * Jobs that need what only an API process has — the room actors, the sockets — consumed
   * on the main thread of ROLE all and api processes, never in the worker threads.
   */
  api: { concurrency: 20, attempts: 8, priority: 2 },
  notifications: { concurrency: 50, attempts: 5, priority: 2 },
  webhooks: { concurrency: 20, attempts: 8, priority: 3 },
  fanout: { concurrency: 20, attempts: 5, priority: 4 },
  /** Its concurrency is MEDIA_JOB_CONCURRENCY's, shared among a process's threads (concurrencyOf), not this one. */
  media: { concurrency: 4, attempts: 3, priority: 5 },
  maintenance: { concurrency: 2, attempts: 3, priority: 10 },
} as const satisfies Record<string, { concurrency: number; attempts: number; priority: number }>

export type QueueName = keyof typeof queueSpecs
export const queueNames = Object.keys(queueSpecs) as QueueName[]

/** The queues consumed on an API process's main thread (see `api`); the worker threads take the rest. */
export const apiQueues: QueueName[] = ['api']

export const isQueueName = (name: string): name is QueueName => name in queueSpecs

/**
 * Jobs of a queue one worker thread runs at once: the spec's; for media, the thread's
 * share of MEDIA_JOB_CONCURRENCY, which is per process (each image takes up to a core,
 * so the setting says how many cores images may take). A thread whose share is 0 does
 * not consume the queue.
 */
export function concurrencyOf(config: Config, queue: QueueName, thread: { index: number; of: number } = { index: 0, of: 1 }): number {
  if (queue !== 'media') return queueSpecs[queue].concurrency
  const total = config.media.jobConcurrency
  return Math.floor(total / thread.of) + (thread.index < total % thread.of ? 1 : 0)
}

/** BullMQ keys live under the process's Redis prefix, so tests and tenants never share queues. */
export const bullPrefix = (config: Config): string => `${config.redisPrefix}bull`

/** Retries: exponential from JOB_BACKOFF_MS, each delay drawn at random from its upper half (jitter); finished jobs are trimmed. */
export function defaultJobOptions(config: Config, queue: QueueName): JobsOptions {
  const spec = queueSpecs[queue]
  return {
    attempts: spec.attempts,
    priority: spec.priority,
    backoff: { type: 'exponential', delay: config.jobs.backoffMs, jitter: 0.5 },
    removeOnComplete: { count: 1000, age: 3600 },
    removeOnFail: { count: 5000, age: 7 * 86400 },
  }
}

/** A BullMQ connection over node-redis (the app's one Redis library). BullMQ duplicates it for blocking reads. */
export function bullConnection(config: Config) {
  const raw = createClient({
    url: config.redisUrl,
    socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** Math.min(retries, 6), 2000) },
  })
  raw.on('error', () => {})
  const client = createNodeRedisClient(raw)
  // The adapter re-emits connection errors; BullMQ listens only while a queue or worker
  // is open, and an unheard 'error' would be thrown. node-redis reconnects by itself.
  client.on('error', () => {})
  return client
}

/** A connection passed to BullMQ as an instance is shared: BullMQ leaves closing it to us. */
export async function closeBullConnection(client: ReturnType<typeof bullConnection>): Promise<void> {
  // quit() would wait for a lost server to come back; the jobs are already closed.
  client.disconnect()
}

/** Job ids may not contain ":" in BullMQ; deterministic ids join their parts with ".". */
export const jobId = (...parts: (string | number)[]): string => parts.map(String).join('.')

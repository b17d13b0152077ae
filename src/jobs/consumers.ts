import { MetricsTime, UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Config } from '../config'
import type { Database } from '../db/client'
import { throttledWarn, type Logger } from '../lib/log'
import type { Redis } from '../lib/redis'
import { RedisUserEventSink } from '../realtime/user-channel'
import { DeadLetterStore } from './dead-letters'
import { JobQueues } from './producer'
import { mergeProcessors, processors as builtins, type JobContext, type ProcessorTable } from './processors'
import { apiQueues, bullConnection, bullPrefix, closeBullConnection, concurrencyOf, queueNames, type QueueName } from './queues'

/** Per-queue outcome counts since the last report. */
export type JobStats = Partial<Record<QueueName, { completed: number; failed: number; dead: number }>>

export interface ConsumerHost {
  config: Config
  log: Logger
  db: Database
  redis: Redis
}

export interface Consumers {
  /** Stops taking jobs and waits for the running ones (BullMQ's graceful close). */
  close(): Promise<void>
  /** More processors for the queues already consumed (a name taken twice is an error). */
  add(table: ProcessorTable): void
}

/**
 * Consumes every queue with the registered processors: one BullMQ Worker per queue.
 * Runs inside a Bun Worker thread (thread.ts), or on the main thread with the embedded
 * database. A run that fails its last attempt, or throws UnrecoverableError, becomes a
 * dead letter before BullMQ marks it failed.
 */
export async function startConsumers(
  host: ConsumerHost,
  opts: {
    modules?: string[]
    /** Processor tables given directly (an API process's own jobs). */
    tables?: ProcessorTable[]
    /** The queues to consume; default every queue but the API processes' own. */
    queues?: QueueName[]
    /** Which of the process's worker threads this is (a queue's concurrency may be shared among them). */
    thread?: { index: number; of: number }
    report: (stats: JobStats) => void
    reportEveryMs?: number
  },
): Promise<Consumers> {
  const tables: ProcessorTable[] = [builtins, ...(opts.tables ?? [])]
  for (const url of opts.modules ?? []) tables.push((await import(url)).processors as ProcessorTable)
  let table = mergeProcessors(...tables)
  const deadLetters = new DeadLetterStore(host)
  const live = new RedisUserEventSink(host.redis)
  const jobs = new JobQueues(host)
  let stats: JobStats = {}
  // Reported at most every reportEveryMs, and only when a job ran: an idle process is not woken for it.
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    clearTimeout(timer)
    timer = undefined
    if (Object.keys(stats).length === 0) return
    const out = stats
    stats = {}
    opts.report(out)
  }
  const bump = (queue: QueueName, field: 'completed' | 'failed' | 'dead') => {
    const s = (stats[queue] ??= { completed: 0, failed: 0, dead: 0 })
    s[field]++
    timer ??= setTimeout(flush, opts.reportEveryMs ?? 100)
  }

  const run = (queue: QueueName) => async (job: Job) => {
    const processor = table[queue]?.[job.name]
    const ctx: JobContext = {
      config: host.config,
      log: host.log.child({ queue, job: job.name, jobId: job.id }),
      db: host.db,
      redis: host.redis,
      live,
      jobs,
      job: { id: job.id!, queue, name: job.name, attempt: job.attemptsMade + 1 },
    }
    try {
      if (!processor) throw new UnrecoverableError(`no processor for job "${job.name}" on queue ${queue}`)
      const result = await processor(job.data, ctx)
      await deadLetters.recordSuccess({ jobId: job.id! })
      bump(queue, 'completed')
      return result
    } catch (err) {
      const attempts = job.opts.attempts ?? 1
      const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts
      bump(queue, 'failed')
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      // The job's own error is what BullMQ records, even if the bookkeeping below fails.
      try {
        if (final) {
          await deadLetters.recordDead({ queue, name: job.name, jobId: job.id!, payload: job.data, error, attemptsMade: job.attemptsMade + 1 })
          bump(queue, 'dead')
          ctx.log.warn('job dead-lettered', { error, attempts: job.attemptsMade + 1 })
        } else {
          await deadLetters.noteFailure({ queue, jobId: job.id! })
          ctx.log.info('job failed, will retry', { error, attempt: job.attemptsMade + 1 })
        }
      } catch (bookkeeping) {
        ctx.log.error('could not record a failed job (it stays in the BullMQ failed set)', { error, cause: bookkeeping })
      }
      throw err
    }
  }

  const connections: ReturnType<typeof bullConnection>[] = []
  const consumed = (opts.queues ?? queueNames.filter((q) => !apiQueues.includes(q))).filter((q) => concurrencyOf(host.config, q, opts.thread) > 0)
  // Every consumer reports a lost Redis on every reconnect attempt: one line per 5 s is enough.
  const consumerError = throttledWarn(host.log, 'job consumer error (Redis unreachable?)')
  const workers = consumed.map((queue) => {
    const connection = bullConnection(host.config)
    connections.push(connection)
    const worker = new Worker(queue, run(queue), {
      connection,
      prefix: bullPrefix(host.config),
      concurrency: concurrencyOf(host.config, queue, opts.thread),
      lockDuration: host.config.jobs.lockMs,
      stalledInterval: host.config.jobs.stalledIntervalMs,
      maxStalledCount: 2,
      // BullMQ's own per-minute completed/failed counts, for its Prometheus export.
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    })
    worker.on('error', (err) => consumerError({ queue, error: String(err) }))
    return worker
  })
  await Promise.all(workers.map((w) => w.waitUntilReady()))

  return {
    add(more) {
      table = mergeProcessors(table, more)
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()))
      await Promise.all(connections.map(closeBullConnection))
      await jobs.close()
      flush()
    },
  }
}

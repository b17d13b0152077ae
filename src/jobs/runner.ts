import type { Queue } from 'bullmq'
import type { Config } from '../config'
import type { Database } from '../db/client'
import type { Logger } from '../lib/log'
import type { Metrics } from '../lib/metrics'
import type { Redis } from '../lib/redis'
import { startConsumers, type Consumers, type JobStats } from './consumers'
import type { ProcessorTable } from './processors'
import { DeadLetterStore } from './dead-letters'
import { JobMetrics } from './metrics'
import { JobQueues, type EnqueueOptions } from './producer'
import { apiQueues, queueNames, type QueueName } from './queues'
import type { FromThread, ToThread } from './thread'

export type { EnqueueOptions } from './producer'

interface Thread {
  worker: Worker
  closed: Promise<void>
}

/**
 * Owns the queues (producers) and the pool of Bun Worker threads that consume them.
 * A thread that dies is replaced; its running jobs come back through BullMQ's stalled
 * check once their locks expire. With the embedded database (PGlite, one process only)
 * the consumers run on the main thread instead.
 */
export class JobRunner {
  readonly queues: Record<QueueName, Queue>
  readonly deadLetters: DeadLetterStore
  private readonly producer: JobQueues
  private readonly metrics: JobMetrics
  private readonly threads = new Set<Thread>()
  private inline: Consumers | undefined
  private apiConsumers: Consumers | undefined
  private modules: string[] = []
  private closing = false
  private readonly restartFailures = new Map<number, number>()
  private closed: Promise<void> | undefined

  constructor(private readonly res: { config: Config; log: Logger; db: Database; redis: Redis; metrics: Metrics }) {
    this.producer = new JobQueues(res)
    this.queues = this.producer.queues
    this.deadLetters = new DeadLetterStore(res)
    this.metrics = new JobMetrics({ metrics: res.metrics, runner: this, nodeId: res.config.nodeId })
  }

  enqueue(job: EnqueueOptions): Promise<string> {
    return this.producer.enqueue(job)
  }

  enqueueBulk(opts: Parameters<JobQueues['enqueueBulk']>[0]): Promise<void> {
    return this.producer.enqueueBulk(opts)
  }

  /** Waiting, active, delayed, failed... counts per queue. */
  async depth(): Promise<Record<QueueName, Record<string, number>>> {
    const entries = await Promise.all(queueNames.map(async (q) => [q, await this.queues[q].getJobCounts()] as const))
    return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>
  }

  get liveThreads(): number {
    return this.threads.size
  }

  /**
   * Starts the consumers: JOB_WORKERS threads (or inline with PGlite). `modules` are the
   * processor modules (URLs exporting `processors`): the features' (src/features.ts, given
   * by main.ts), and more for tests and benchmarks.
   */
  /**
   * Consumes the API processes' own queues (`api`) on this main thread, with processors
   * that close over what only an API process has (the room actors, the sockets).
   */
  async startApiConsumers(processors: ProcessorTable): Promise<void> {
    if (this.apiConsumers) return this.apiConsumers.add(processors)
    this.apiConsumers = await startConsumers(this.res, { tables: [processors], queues: apiQueues, report: (s) => this.metrics.record(s) })
  }

  async startWorkers(opts: { modules?: string[] } = {}): Promise<void> {
    this.modules = opts.modules ?? []
    if (!this.res.config.databaseUrl) {
      this.res.log.info('job consumers run on the main thread (the embedded database serves one thread)')
      this.inline = await startConsumers(this.res, { modules: this.modules, report: (s) => this.metrics.record(s) })
      return
    }
    await Promise.all(Array.from({ length: this.res.config.jobs.workers }, (_, i) => this.spawn(i)))
    this.res.log.info('job worker threads started', { threads: this.threads.size })
  }

  private spawn(threadId: number): Promise<void> {
    const worker = new Worker(new URL('./thread.ts', import.meta.url).href)
    let onExit!: () => void
    const thread: Thread = { worker, closed: new Promise<void>((r) => (onExit = r)) }
    this.threads.add(thread)
    const ready = new Promise<void>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<FromThread>) => {
        const msg = event.data
        if (msg.type === 'stats') this.metrics.record(msg.stats)
        else if (msg.type === 'ready') resolve()
        else if (msg.type === 'fatal') {
          reject(new Error(`job worker thread failed to start: ${msg.error}`))
          worker.terminate()
        }
      }
      worker.addEventListener('close', () => reject(new Error('job worker thread exited while starting')))
    })
    worker.addEventListener('close', (event) => {
      this.threads.delete(thread)
      onExit()
      if (this.closing) return
      this.metrics.threadRestarts.inc()
      // A thread that keeps dying at start (e.g. Postgres down) is restarted less and less often.
      const failures = (this.restartFailures.get(threadId) ?? 0) + 1
      this.restartFailures.set(threadId, failures)
      const delay = Math.min(200 * 2 ** (failures - 1), 10_000)
      this.res.log.warn('job worker thread died; starting another', { threadId, code: (event as CloseEvent).code, inMs: delay })
      setTimeout(() => {
        if (this.closing) return
        this.spawn(threadId)
          .then(() => this.restartFailures.set(threadId, 0))
          .catch((err) => this.res.log.error('job worker thread restart failed', { error: err }))
      }, delay)
    })
    worker.postMessage({ type: 'start', config: this.res.config, modules: this.modules, threadId } satisfies ToThread)
    return ready
  }

  /**
   * Graceful stop: each thread finishes its running jobs; one that takes longer than
   * `timeoutMs` is terminated and its jobs go back to the queue when their locks expire.
   */
  close(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.closed ??= this.closeOnce(opts.timeoutMs ?? 10_000)
    return this.closed
  }

  private async closeOnce(timeoutMs: number): Promise<void> {
    this.closing = true
    await Promise.all(
      [...this.threads].map(async (thread) => {
        thread.worker.postMessage({ type: 'close' } satisfies ToThread)
        const closed = new Promise<boolean>((resolve) => {
          thread.worker.addEventListener('message', (e: MessageEvent<FromThread>) => e.data.type === 'closed' && resolve(true))
          thread.closed.then(() => resolve(true))
        })
        const inTime = await Promise.race([closed, Bun.sleep(timeoutMs).then(() => false)])
        if (!inTime) this.res.log.warn('job worker thread did not finish in time; its jobs will be retried')
        thread.worker.terminate()
        await thread.closed
      }),
    )
    await this.inline?.close()
    await this.apiConsumers?.close()
    await this.producer.close()
  }

  /** For tests: the consumer outcome counters as reported so far. */
  get counters(): JobStats {
    return this.metrics.totals
  }
}

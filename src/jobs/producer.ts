import { Queue, type JobsOptions } from 'bullmq'
import type { Config } from '../config'
import { throttledWarn, type Logger } from '../lib/log'
import { bullConnection, bullPrefix, closeBullConnection, defaultJobOptions, queueNames, type QueueName } from './queues'

export interface EnqueueOptions {
  queue: QueueName
  name: string
  data: unknown
  /** Deterministic id: adding a job whose id exists is a no-op. */
  jobId?: string
  priority?: number
  delayMs?: number
}

/**
 * The queues as producers: what adds jobs, in an API process and in a worker thread alike
 * (a job that queues another uses its context's `jobs`).
 */
export class JobQueues {
  readonly queues: Record<QueueName, Queue>
  private readonly connection: ReturnType<typeof bullConnection>

  constructor(res: { config: Config; log: Logger }) {
    const connection = (this.connection = bullConnection(res.config))
    this.queues = Object.fromEntries(
      queueNames.map((name) => [
        name,
        new Queue(name, { connection, prefix: bullPrefix(res.config), defaultJobOptions: defaultJobOptions(res.config, name) }),
      ]),
    ) as Record<QueueName, Queue>
    const problem = throttledWarn(res.log, 'job queue connection problem')
    // Without a listener an 'error' (Redis gone) would be thrown; node-redis reconnects by itself.
    for (const queue of Object.values(this.queues)) queue.on('error', (err) => problem({ error: String(err) }))
  }

  async enqueue(job: EnqueueOptions): Promise<string> {
    const added = await this.queues[job.queue].add(job.name, job.data, jobOptions(job))
    return added.id!
  }

  async enqueueBulk({ queue, jobs }: { queue: QueueName; jobs: Omit<EnqueueOptions, 'queue'>[] }): Promise<void> {
    await this.queues[queue].addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: jobOptions({ ...j, queue }) })))
  }

  async close(): Promise<void> {
    await Promise.all(queueNames.map((q) => this.queues[q].close().catch(() => {})))
    await closeBullConnection(this.connection)
  }
}

function jobOptions(job: EnqueueOptions): JobsOptions {
  return {
    ...(job.jobId ? { jobId: job.jobId } : {}),
    ...(job.priority ? { priority: job.priority } : {}),
    ...(job.delayMs ? { delay: job.delayMs } : {}),
  }
}

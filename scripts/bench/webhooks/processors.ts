// The webhooks processors as the job worker threads load them in this benchmark
// (JobRunner.startWorkers({modules})): built from the thread's own resources on the
// first job, with a producer of their own for the attempts they schedule, and no-op
// ports (the room and the notifications are not what is measured).
import { Queue } from 'bullmq'
import type { JobContext, ProcessorTable } from '../../../src/jobs/processors'
import { bullConnection, bullPrefix, defaultJobOptions } from '../../../src/jobs/queues'
import type { EnqueueOptions } from '../../../src/jobs/runner'
import { webhookProcessors } from '../../../src/modules/webhooks/processors'

let table: ProcessorTable | undefined

function build(ctx: JobContext): ProcessorTable {
  const queue = new Queue('webhooks', { connection: bullConnection(ctx.config), prefix: bullPrefix(ctx.config), defaultJobOptions: defaultJobOptions(ctx.config, 'webhooks') })
  const opts = (j: Omit<EnqueueOptions, 'queue'>) => ({ ...(j.jobId ? { jobId: j.jobId } : {}), ...(j.delayMs ? { delay: j.delayMs } : {}) })
  return webhookProcessors({
    db: ctx.db,
    redis: ctx.redis,
    log: ctx.log,
    config: ctx.config.webhooks,
    jobs: {
      enqueue: async (j) => (await queue.add(j.name, j.data, opts(j))).id!,
      enqueueBulk: async ({ jobs }) => void (await queue.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: opts(j) })))),
    },
    alerts: { endpointDisabled: async () => {} },
    postMessage: async () => {},
  })
}

const run = (name: string) => (data: unknown, ctx: JobContext) => (table ??= build(ctx)).webhooks![name]!(data, ctx)

export const processors: ProcessorTable = { webhooks: { deliver: run('deliver'), incoming: run('incoming') } }

// The media jobs, run in the job worker threads: `media.process` on the media queue (one
// per completed upload, id `media.<mediaId>`); on the maintenance queue `media.sweep`
// (scheduled every MEDIA_SWEEP_EVERY_SECONDS when the feature starts) and
// `media.drop-original` (delayed until an ended media's upload URL has expired).
import type { Queue } from 'bullmq'
import type { Config } from '../../config'
import type { Database } from '../../db/client'
import { DomainEvents } from '../../domain-events/bus'
import type { JobContext, ProcessorTable } from '../../jobs/processors'
import { queueSpecs } from '../../jobs/queues'
import { MediaPipeline } from './pipeline'
import { MediaRefs } from './refs'
import { createStorage, type MediaStorage } from './storage'

// One storage client per thread and configuration (the S3 client keeps its connections).
const storages = new WeakMap<Config, MediaStorage>()
export const storageFor = (config: Config) => {
  let storage = storages.get(config)
  if (!storage) storages.set(config, (storage = createStorage(config)))
  return storage
}

const threadEvents = new WeakMap<Database, DomainEvents>()
/** What a media job commits with: its domain events (the relay finds them in the outbox) and the references. */
export function threadServices(ctx: Pick<JobContext, 'config' | 'db' | 'log'>) {
  let events = threadEvents.get(ctx.db)
  if (!events) threadEvents.set(ctx.db, (events = new DomainEvents(ctx)))
  const storage = storageFor(ctx.config)
  return { events, storage, refs: new MediaRefs({ db: ctx.db, storage, log: ctx.log }) }
}

/** The pipeline as a job sees it. */
export function pipelineFor(ctx: JobContext): MediaPipeline {
  const { events, storage, refs } = threadServices(ctx)
  return new MediaPipeline({
    db: ctx.db,
    storage,
    config: ctx.config.media,
    log: ctx.log,
    live: { toUser: (userId, event) => ctx.live.publishToUser(userId, event) },
    events,
    refs,
    jobs: ctx.jobs,
  })
}

export const mediaProcessors: ProcessorTable = {
  media: {
    'media.process': (data: { mediaId: string }, ctx) =>
      pipelineFor(ctx).process({ mediaId: data.mediaId, final: ctx.job.attempt >= queueSpecs.media.attempts }),
  },
  maintenance: {
    'media.sweep': (_data: unknown, ctx) => pipelineFor(ctx).sweep(),
    'media.drop-original': (data: { mediaId: string }, ctx) => pipelineFor(ctx).dropOriginal(data.mediaId),
  },
}

/** Schedules the sweep (idempotent: one scheduler per id, whichever process starts first). */
export async function scheduleMediaSweep(maintenance: Queue, config: Config): Promise<void> {
  await maintenance.upsertJobScheduler('media.sweep', { every: config.media.sweepEverySeconds * 1000 }, { name: 'media.sweep', data: {} })
}

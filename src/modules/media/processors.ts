// The media jobs, as a processor table for the job worker threads: `media.process` on the
// media queue (one per completed upload, id `media.<mediaId>`) and `media.sweep` on the
// maintenance queue (scheduled every MEDIA_SWEEP_EVERY_SECONDS by `scheduleMediaSweep`).
import type { Queue } from 'bullmq'
import type { Config } from '../../config'
import type { JobContext, ProcessorTable } from '../../jobs/processors'
import { queueSpecs } from '../../jobs/queues'
import { MediaPipeline } from './pipeline'
import { recordNothingYet, type RecordEvent } from './ports'
import { MediaRefs } from './refs'
import { createStorage, type MediaStorage } from './storage'

// One storage client per thread and configuration (the S3 client keeps its connections).
const storages = new WeakMap<Config, MediaStorage>()
const storageFor = (config: Config) => {
  let storage = storages.get(config)
  if (!storage) storages.set(config, (storage = createStorage(config)))
  return storage
}

/** The pipeline as a job sees it; `recordEvent` is the outbox port once it exists. */
export function pipelineFor(ctx: JobContext, recordEvent: RecordEvent = recordNothingYet): MediaPipeline {
  const storage = storageFor(ctx.config)
  return new MediaPipeline({
    db: ctx.db,
    storage,
    config: ctx.config.media,
    log: ctx.log,
    live: { toUser: (userId, event) => ctx.live.publishToUser(userId, event) },
    recordEvent,
    refs: new MediaRefs({ db: ctx.db, storage, log: ctx.log }),
  })
}

export const mediaProcessors = (recordEvent: RecordEvent = recordNothingYet): ProcessorTable => ({
  media: {
    'media.process': (data: { mediaId: string }, ctx) =>
      pipelineFor(ctx, recordEvent).process({ mediaId: data.mediaId, final: ctx.job.attempt >= queueSpecs.media.attempts }),
  },
  maintenance: {
    'media.sweep': (_data: unknown, ctx) => pipelineFor(ctx, recordEvent).sweep(),
  },
})

export const processors: ProcessorTable = mediaProcessors()

/** Schedules the sweep (idempotent: one scheduler per id). Call once at start where jobs are produced. */
export async function scheduleMediaSweep(maintenance: Queue, config: Config): Promise<void> {
  await maintenance.upsertJobScheduler('media.sweep', { every: config.media.sweepEverySeconds * 1000 }, { name: 'media.sweep', data: {} })
}

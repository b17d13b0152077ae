// What a job processor is, and the jobs of the pipeline itself. The features' processors
// come from the features (src/features.ts), which the worker threads load by module URL;
// a job with no processor can never succeed.
import type { Config } from '../config'
import type { Database } from '../db/client'
import type { Logger } from '../lib/log'
import type { Redis } from '../lib/redis'
import type { UserEventSink } from '../realtime/user-channel'
import type { JobQueues } from './producer'
import type { QueueName } from './queues'

export interface JobContext {
  config: Config
  log: Logger
  db: Database
  redis: Redis
  /** Live pushes to a user's sockets on any node. */
  live: UserEventSink
  /** Queues more jobs. */
  jobs: Pick<JobQueues, 'enqueue' | 'enqueueBulk'>
  job: { id: string; queue: QueueName; name: string; /** 1 on the first run */ attempt: number }
}

export type Processor = (data: any, ctx: JobContext) => Promise<unknown>
export type ProcessorTable = Partial<Record<QueueName, Record<string, Processor>>>

export const processors: ProcessorTable = {
  maintenance: {
    /** Does nothing: a liveness probe for the pipeline (and the benchmark's trivial job). */
    noop: async () => null,
  },
}

/** Merges tables; a later table adds names (it never silently replaces one). */
export function mergeProcessors(...tables: ProcessorTable[]): ProcessorTable {
  const merged: ProcessorTable = {}
  for (const table of tables) {
    for (const [queue, byName] of Object.entries(table) as [QueueName, Record<string, Processor>][]) {
      const target = (merged[queue] ??= {})
      for (const [name, fn] of Object.entries(byName)) {
        if (target[name]) throw new Error(`two processors for ${queue}/${name}`)
        target[name] = fn
      }
    }
  }
  return merged
}

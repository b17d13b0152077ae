import type { AnyElysia } from 'elysia'
import type { Expander, Reactions } from './domain-events/types'
import type { JobContext, Processor, ProcessorTable } from './jobs/processors'
import type { OpHandlers } from './realtime/ops'

/**
 * What a feature module exports: one value of this shape, the same for every feature.
 * `build` makes its part of an API process from a deps type naming only what it uses;
 * `processors` and `reactions` run in the job worker threads (src/features.ts loads them
 * there), where each job gets a JobContext.
 */
export interface Feature<Deps = never, Api = undefined> {
  name: string
  build?: (deps: Deps) => Built<Api>
  /** Job processors by queue and job name. */
  processors?: ProcessorTable
  /** What it does when a domain event commits: at least once per event, idempotent by its id. */
  reactions?: Reactions<JobContext>
  /** Outbox rows of its own that stand for many events (a batch of sends), read back into those events. */
  expanders?: Record<string, Expander>
}

/** A feature's part of an API process. */
export type Built<Api = undefined> = {
  routes?: AnyElysia
  /** WebSocket ops it answers (the schemas are the protocol's: src/realtime/protocol.ts). */
  ops?: OpHandlers
  /**
   * Processors of the `api` queue, run on the main thread of API processes: for jobs that
   * need the room actors or the sockets (posting an incoming webhook into a room).
   */
  apiJobs?: Record<string, Processor>
  /** Runs when the process starts serving (schedule repeatable jobs, subscribe to relayed events). */
  start?(): Promise<void>
  /** Runs when it stops (flush what is buffered). */
  stop?(): Promise<void>
} & (Api extends undefined ? { api?: undefined } : {
  /** What other features may use; the composition root (src/hearth.ts) hands it to them. */
  api: Api
})

export const defineFeature = <Deps = never, Api = undefined>(feature: Feature<Deps, Api>): Feature<Deps, Api> => feature

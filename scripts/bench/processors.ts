import type { ProcessorTable } from '../../src/jobs/processors'

/** The benchmark's trivial job, on the notifications queue (the widest per-thread concurrency). */
export const processors: ProcessorTable = {
  notifications: { 'bench.noop': async () => null },
}

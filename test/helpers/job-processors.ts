// Processors that misbehave on purpose, loaded into the job worker threads by tests
// (JobRunner.startWorkers({modules})). Each records what happened in Redis under the
// test's prefix so the test can see it from the main thread.
import { UnrecoverableError } from 'bullmq'
import type { JobContext, ProcessorTable } from '../../src/jobs/processors'

const runs = (ctx: JobContext, key: string) => ctx.redis.client.incr(ctx.redis.key('test', key, 'runs'))

export const processors: ProcessorTable = {
  fanout: {
    /** Fails until its attempt number reaches `succeedOn`. */
    'test.flaky': async (data: { key: string; succeedOn: number }, ctx) => {
      await runs(ctx, data.key)
      if (ctx.job.attempt < data.succeedOn) throw new Error(`flaky: attempt ${ctx.job.attempt}`)
      return 'ok'
    },
    /** Fails every time until `fixed` is set for its key (what an operator does before a replay). */
    'test.broken': async (data: { key: string }, ctx) => {
      await runs(ctx, data.key)
      if (!(await ctx.redis.client.get(ctx.redis.key('test', data.key, 'fixed')))) throw new Error('downstream says no')
      return 'ok'
    },
    'test.unrecoverable': async (data: { key: string }, ctx) => {
      await runs(ctx, data.key)
      throw new UnrecoverableError('payload can never be processed')
    },
    /** Takes `ms`, then marks itself done. */
    'test.slow': async (data: { key: string; ms: number }, ctx) => {
      await runs(ctx, data.key)
      await Bun.sleep(data.ms)
      await ctx.redis.client.set(ctx.redis.key('test', data.key, 'done'), '1')
      return 'ok'
    },
    /** Kills its worker thread on the first run, mid-job; succeeds when run again. */
    'test.crash': async (data: { key: string }, ctx) => {
      const n = await runs(ctx, data.key)
      if (n === 1) process.exit(1)
      await ctx.redis.client.set(ctx.redis.key('test', data.key, 'done'), String(ctx.job.attempt))
      return 'ok'
    },
    /** Appends its label to a list shared by the jobs of one key (the order they started in), then takes `ms`. */
    'test.record': async (data: { key: string; label: string; ms: number }, ctx) => {
      await ctx.redis.client.rPush(ctx.redis.key('test', data.key, 'order'), data.label)
      await Bun.sleep(data.ms)
      return 'ok'
    },
    /** Notes when each attempt started, and fails until its attempt number reaches `succeedOn`. */
    'test.timed': async (data: { key: string; succeedOn: number }, ctx) => {
      await ctx.redis.client.rPush(ctx.redis.key('test', data.key, 'starts'), String(Date.now()))
      if (ctx.job.attempt < data.succeedOn) throw new Error(`timed: attempt ${ctx.job.attempt}`)
      return 'ok'
    },
  },
}

export const testProcessorsModule = new URL('./job-processors.ts', import.meta.url).href

import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import type { QueueName } from '../../src/jobs/queues'
import { startTestApp } from '../helpers/app'
import { testProcessorsModule } from '../helpers/job-processors'
import { deadLetterOf as deadLetterOfJob } from '../helpers/dead-letters'
import { eventually } from '../helpers/wait'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp(
  { JOB_WORKERS: '2', JOB_BACKOFF_MS: '10', JOB_LOCK_MS: '1000', JOB_STALLED_INTERVAL_MS: '300' },
  { jobs: { modules: [testProcessorsModule] } },
)
const { jobs, redis, db } = app.res
const runs = async (key: string) => Number((await redis.client.get(redis.key('test', key, 'runs'))) ?? 0)
const key = () => crypto.randomUUID()

async function jobState(id: string) {
  return (await jobs.queues.fanout.getJob(id))?.getState()
}

const deadLetterOf = (queue: QueueName, jobId: string) => deadLetterOfJob(db, queue, jobId)

describe('job runner', () => {
  test('runs in a pool of Bun worker threads', () => {
    expect(jobs.liveThreads).toBe(2)
  })

  test('a job that fails is retried with backoff, then succeeds', async () => {
    const k = key()
    const id = await jobs.enqueue({ queue: 'fanout', name: 'test.flaky', data: { key: k, succeedOn: 3 } })
    await eventually('flaky job completed', async () => (await jobState(id)) === 'completed')
    expect(await runs(k)).toBe(3)
    expect(await deadLetterOf('fanout', id)).toBeUndefined()
  })

  test('a job whose attempts run out becomes a dead letter with its payload, error and attempts', async () => {
    const k = key()
    const id = await jobs.enqueue({ queue: 'fanout', name: 'test.broken', data: { key: k } })
    const letter = await eventually('dead letter', () => deadLetterOf('fanout', id))
    expect(await runs(k)).toBe(5)
    expect(letter).toMatchObject({ queue: 'fanout', name: 'test.broken', payload: { key: k }, attempts: 5, status: 'dead' })
    expect(letter.error).toContain('downstream says no')
    expect(letter.firstFailedAt.getTime()).toBeLessThan(letter.lastFailedAt.getTime())
    // The dead letter is written just before BullMQ records the failure.
    await eventually('job failed', async () => (await jobState(id)) === 'failed')
  })

  test('UnrecoverableError goes straight to the dead letters, without retries', async () => {
    const k = key()
    const id = await jobs.enqueue({ queue: 'fanout', name: 'test.unrecoverable', data: { key: k } })
    const letter = await eventually('dead letter', () => deadLetterOf('fanout', id))
    expect(letter).toMatchObject({ attempts: 1, status: 'dead' })
    expect(letter.error).toContain('payload can never be processed')
    await Bun.sleep(100)
    expect(await runs(k)).toBe(1)
  })

  test('a job with no processor is dead at once', async () => {
    const id = await jobs.enqueue({ queue: 'media', name: 'no.such.job', data: {} })
    const letter = await eventually('dead letter', () => deadLetterOf('media', id))
    expect(letter).toMatchObject({ queue: 'media', attempts: 1 })
    expect(letter.error).toContain('no processor')
  })

  test('a deterministic job id schedules a job once', async () => {
    const k = key()
    const first = await jobs.enqueue({ queue: 'fanout', name: 'test.flaky', data: { key: k, succeedOn: 1 }, jobId: `once.${k}` })
    const second = await jobs.enqueue({ queue: 'fanout', name: 'test.flaky', data: { key: k, succeedOn: 1 }, jobId: `once.${k}` })
    expect(second).toBe(first)
    await eventually('job completed', async () => (await jobState(first)) === 'completed')
    await Bun.sleep(100)
    expect(await runs(k)).toBe(1)
  })

  test('a worker thread that dies mid-job loses nothing: the job runs again and a new thread takes its place', async () => {
    const k = key()
    const id = await jobs.enqueue({ queue: 'fanout', name: 'test.crash', data: { key: k } })
    const done = await eventually('crashed job re-run', () => redis.client.get(redis.key('test', k, 'done')), 15_000)
    expect(done).toBeTruthy()
    expect(await runs(k)).toBe(2)
    await eventually('job completed', async () => (await jobState(id)) === 'completed')
    await eventually('thread replaced', async () => jobs.liveThreads === 2)
  })
})

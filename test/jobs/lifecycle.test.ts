import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { ConfigError, loadConfig } from '../../src/config'
import { JobRunner } from '../../src/jobs/runner'
import { Metrics } from '../../src/lib/metrics'
import { startTestApp, TEST_REDIS_URL } from '../helpers/app'
import { registerUser } from '../helpers/http'
import { testProcessorsModule } from '../helpers/job-processors'
import { spawnHearth, waitForLog } from '../helpers/process'
import { eventually } from '../helpers/wait'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

// No consumers in this app: the worker process and the runners below are the only ones.
const app = await startTestApp({ JOB_BACKOFF_MS: '10', JOB_LOCK_MS: '1000', JOB_STALLED_INTERVAL_MS: '300' })
const { http, res } = app

describe('ROLE=worker', () => {
  test('runs the job workers without an HTTP server, and stops cleanly on SIGTERM', async () => {
    const proc = spawnHearth({
      ROLE: 'worker',
      DATABASE_URL: res.config.databaseUrl!,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: res.config.redisPrefix,
      JOB_WORKERS: '1',
      PORT: '0',
      LOG_LEVEL: 'info',
    })
    try {
      const started = await waitForLog(proc, (l) => l.msg === 'hearth worker running', 30_000)
      expect(started.port).toBeUndefined()
      expect(started.jobThreads).toBe(1)

      const alice = await registerUser(http)
      await app.hearth.api('notifications').notify({ userId: alice.id, type: 'follow', targetType: 'user', targetId: 'x' })
      const page = await eventually('processed by the worker process', async () => {
        const body = (await http.get('/v1/notifications', { token: alice.accessToken })).body
        return body.notifications.length === 1 && body
      })
      expect(page.unreadCount).toBe(1)

      proc.kill('SIGTERM')
      expect(await proc.exited).toBe(0)
    } finally {
      proc.kill('SIGKILL')
    }
  })
})

describe('graceful close', () => {
  test('a job running when the runner closes finishes first', async () => {
    const config = { ...res.config, jobs: { ...res.config.jobs, workers: 1 } }
    const runner = new JobRunner({ ...res, config, metrics: new Metrics({ nodeId: 'second-runner' }) })
    await runner.startWorkers({ modules: [testProcessorsModule] })
    const key = crypto.randomUUID()
    const id = await runner.enqueue({ queue: 'fanout', name: 'test.slow', data: { key, ms: 700 } })
    await eventually('job running', async () => (await runner.queues.fanout.getJob(id))?.isActive())
    await runner.close()
    expect(await res.redis.client.get(res.redis.key('test', key, 'done'))).toBe('1')
    expect(await (await res.jobs.queues.fanout.getJob(id))?.getState()).toBe('completed')
  })
})

describe('job settings', () => {
  test('defaults: 2 threads, 1 s backoff, 30 s locks and stall checks, a 10 minute grouping window', () => {
    expect(loadConfig({}).jobs).toEqual({
      workers: 2,
      backoffMs: 1000,
      lockMs: 30_000,
      stalledIntervalMs: 30_000,
      notificationGroupWindowSeconds: 600,
    })
  })

  test.each([
    ['JOB_WORKERS', 'lots'],
    ['JOB_WORKERS', '65'],
    ['JOB_BACKOFF_MS', '0'],
    ['JOB_LOCK_MS', '10'],
    ['JOB_STALLED_INTERVAL_MS', '1.5'],
    ['NOTIFICATION_GROUP_WINDOW', '-1'],
  ])('%s=%s is refused with a line naming the setting', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name}: "${value.replace('.', '\\.')}"`))
  })
})

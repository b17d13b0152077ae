import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { startTestApp } from '../helpers/app'
import { registerUser } from '../helpers/http'
import { freePort, startRedisServer } from '../helpers/process'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

// A Redis of our own, so the test can stop and start it without touching anyone else's.
const port = freePort()
let redis = await startRedisServer(port)
afterAll(() => redis.kill('SIGKILL'))
const app = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` })
const { http } = app

async function eventually(probe: () => Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await probe()) return true
    await Bun.sleep(100)
  }
  return false
}

describe('Redis lost while running', () => {
  test('ready says so, requests that need Redis get a retryable 503, and the app recovers by itself', async () => {
    const user = await registerUser(http)

    redis.kill('SIGKILL')
    await redis.exited
    expect(await eventually(async () => (await http.get('/ready')).status === 503, 5000)).toBe(true)

    const ready = await http.get('/ready')
    expect(ready.body.error.code).toBe('dependency_unavailable')
    expect(ready.body.error.message).toContain('redis')
    expect(ready.body.error.details.checks).toEqual({ postgres: 'up', redis: 'down' })

    const login = await http.post('/v1/auth/login', { login: user.username, password: user.password })
    expect(login.status).toBe(503)
    expect(login.body.error.code).toBe('dependency_unavailable')
    expect(Number(login.headers.get('retry-after'))).toBeGreaterThan(0)

    // Nothing was written by the refused registration.
    const refused = await http.post('/v1/auth/register', { username: 'during_outage', email: 'o@example.test', password: 'long enough pw' })
    expect(refused.status).toBe(503)

    expect((await http.get('/health')).status).toBe(200)

    redis = await startRedisServer(port)
    expect(await eventually(async () => (await http.get('/ready')).status === 200, 10_000)).toBe(true)
    const again = await http.post('/v1/auth/login', { login: user.username, password: user.password })
    expect(again.status).toBe(200)
    const later = await http.post('/v1/auth/register', { username: 'during_outage', email: 'o@example.test', password: 'long enough pw' })
    expect(later.status).toBe(201)
  }, 30_000)
})

describe('a Redis outage in the log', () => {
  test('a whole node (API and job threads) writes a few lines every few seconds, not one per consumer and attempt', async () => {
    const { spawnHearth } = await import('../helpers/process')
    const { createTestDatabase } = await import('../helpers/app')
    const database = await createTestDatabase()
    const redisPort = freePort()
    const own = await startRedisServer(redisPort)
    const port = freePort()
    const proc = spawnHearth({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      LOG_LEVEL: 'warn',
      JOB_WORKERS: '2',
    })
    const lines: string[] = []
    let counting = false
    void (async () => {
      const decoder = new TextDecoder()
      for await (const chunk of proc.stderr) if (counting) lines.push(...decoder.decode(chunk).split('\n').filter(Boolean))
    })()
    try {
      const up = await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok === true, 30_000)
      expect(up).toBe(true)
      await Bun.sleep(1000) // the job threads are up too
      counting = true
      own.kill('SIGKILL')
      await own.exited
      await Bun.sleep(6000)
      counting = false
      // Sources that each write once per 5 s at most: Redis, the queues, the consumers, per process and thread.
      console.log('outage log lines in 6 s:', lines.length)
      expect(lines.length).toBeLessThanOrEqual(20)
      expect(lines.length).toBeGreaterThan(0)
    } finally {
      proc.kill('SIGKILL')
      own.kill('SIGKILL')
      await proc.exited
      await database.drop()
    }
  }, 60_000)
})

// The Redis semaphore that bounds an endpoint's deliveries in flight and keeps one attempt of
// a delivery at a time, against a real Redis.
import { afterAll, expect, test } from 'bun:test'
import { createLogger } from '../../../src/lib/log'
import { Redis } from '../../../src/lib/redis'
import { RedisSemaphore } from '../../../src/modules/webhooks/semaphore'
import { TEST_REDIS_URL } from '../../helpers/app'

const redis = await new Redis({ url: TEST_REDIS_URL, prefix: `test:${crypto.randomUUID().slice(0, 8)}:`, log: createLogger('silent') }).connect()
afterAll(() => redis.close())
const semaphore = new RedisSemaphore({ redis, namespace: 'sem-test' })

test('at most `limit` holders per key; a released slot is free again', async () => {
  const key = crypto.randomUUID()
  const a = await semaphore.acquire({ key, limit: 2, leaseMs: 5000 })
  const b = await semaphore.acquire({ key, limit: 2, leaseMs: 5000 })
  expect(a && b).toBeTruthy()
  expect(await semaphore.acquire({ key, limit: 2, leaseMs: 5000 })).toBeUndefined()
  await a!.release()
  expect(await semaphore.acquire({ key, limit: 2, leaseMs: 5000 })).toBeDefined()
})

test('a renewed lease outlives its first term; one that ran out cannot be renewed, and its slot went to another', async () => {
  const key = crypto.randomUUID()
  const held = await semaphore.acquire({ key, limit: 1, leaseMs: 1000 })
  await Bun.sleep(600)
  expect(await held!.renew()).toBe(true)
  await Bun.sleep(600)
  // 1.2 s after it was taken, renewed at 0.6 s (so until 1.6 s): still held.
  expect(await semaphore.acquire({ key, limit: 1, leaseMs: 1000 })).toBeUndefined()
  await Bun.sleep(700)
  const next = await semaphore.acquire({ key, limit: 1, leaseMs: 5000 })
  expect(next).toBeDefined()
  expect(await held!.renew()).toBe(false)
  expect(await semaphore.acquire({ key, limit: 1, leaseMs: 5000 })).toBeUndefined()
})

import { afterAll, expect, test } from 'bun:test'
import { createLogger } from '../../src/lib/log'
import { Redis } from '../../src/lib/redis'
import { onlineAmong } from '../../src/realtime/presence'
import { TEST_REDIS_URL } from '../helpers/app'

const redis = await new Redis({ url: TEST_REDIS_URL, prefix: `test:${crypto.randomUUID().slice(0, 8)}:`, log: createLogger('silent') }).connect()
afterAll(async () => {
  const keys = await redis.client.keys(`${redis.prefix}*`)
  if (keys.length) await redis.client.del(keys)
  await redis.close()
})

// Written as Presence writes a socket: a field `<node>/<socket>` of the user's hash, its value when it was last seen.
const seen = (userId: string, fields: Record<string, number>) =>
  redis.client.hSet(redis.key('presence', 'sockets', userId), Object.fromEntries(Object.entries(fields).map(([f, at]) => [f, String(at)])))

test('online: a socket seen within the TTL on any node; a dead node\'s stale socket alone does not count; read in chunks', async () => {
  const now = Date.now()
  const ids = Array.from({ length: 1203 }, () => crypto.randomUUID())
  const online = new Set<string>()
  for (const [i, id] of ids.entries()) {
    if (i % 3 === 0) {
      await seen(id, { 'n1/a': now - 1000 })
      online.add(id)
    } else if (i % 3 === 1) {
      // One socket of a dead node (seen 2 minutes ago) beside a live one elsewhere: online.
      await seen(id, { 'dead/a': now - 120_000, ...(i % 2 ? { 'n2/b': now } : {}) })
      if (i % 2) online.add(id)
    }
  }
  expect(await onlineAmong(redis, ids)).toEqual(online)
  expect(await onlineAmong(redis, [])).toEqual(new Set())
})

test('Redis unreachable: it fails (the job retries) rather than answering that nobody is online', async () => {
  const down = await new Redis({ url: TEST_REDIS_URL, prefix: redis.prefix, log: createLogger('silent') }).connect()
  await down.close()
  await expect(onlineAmong(down, [crypto.randomUUID()])).rejects.toThrow()
})

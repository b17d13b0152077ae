import type { Redis } from '../../lib/redis'

// A rebuild claims the missing key with a sentinel before it counts in Postgres; a
// notification stored meanwhile turns the sentinel into "dirty" and the rebuild then
// declines to cache its (possibly stale) count. So the cached number is always exact.
const AFTER_CREATE = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if string.sub(v, 1, 11) == 'rebuilding:' then redis.call('SET', KEYS[1], 'dirty', 'KEEPTTL') return 0 end
if v == 'dirty' then return 0 end
return redis.call('INCR', KEYS[1])`

const FINISH_REBUILD = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end
if v == 'dirty' then redis.call('DEL', KEYS[1]) end
return 0`

const TTL_SECONDS = 86400

/** Each user's unread notification count, cached in Redis, rebuilt from Postgres when missing. */
export class UnreadCounter {
  constructor(private readonly redis: Redis) {}

  key(userId: string): string {
    return this.redis.key('notifications', 'unread', userId)
  }

  /** After a new unread row was committed. */
  async afterCreate(userId: string): Promise<void> {
    await this.redis.client.eval(AFTER_CREATE, { keys: [this.key(userId)], arguments: [] })
  }

  /** After rows were marked read: the next read rebuilds. */
  async reset(userId: string): Promise<void> {
    await this.redis.client.del(this.key(userId))
  }

  async get(userId: string, countInDatabase: () => Promise<number>): Promise<number> {
    const key = this.key(userId)
    const cached = await this.redis.client.get(key)
    if (cached !== null && /^\d+$/.test(cached)) return Number(cached)
    const sentinel = `rebuilding:${crypto.randomUUID()}`
    const claimed = await this.redis.client.set(key, sentinel, { NX: true, EX: 30 })
    const n = await countInDatabase()
    if (claimed) {
      await this.redis.client.eval(FINISH_REBUILD, { keys: [key], arguments: [sentinel, String(n), String(TTL_SECONDS)] })
    }
    return n
  }
}

import type { Redis } from '../../lib/redis'

// Slots are members of a sorted set scored by their expiry, so a holder that died
// frees its slot when its lease runs out. Redis's clock is the one clock every node shares.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`

// Moves the lease's expiry only while its token still holds a slot (it may have run out).
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1`

/** A slot held until released, or until its lease runs out unless renewed (false once it has run out). */
export interface Lease {
  renew(): Promise<boolean>
  release(): Promise<void>
}

/** A counting semaphore in Redis, shared by every node: at most `limit` holders per key. */
export class RedisSemaphore {
  constructor(private readonly deps: { redis: Redis; namespace: string }) {}

  /** A lease on one slot for `leaseMs`, or undefined when every slot is taken. */
  async acquire(opts: { key: string; limit: number; leaseMs: number }): Promise<Lease | undefined> {
    const redisKey = this.deps.redis.key(this.deps.namespace, opts.key)
    const token = crypto.randomUUID()
    const got = await this.deps.redis.client.eval(ACQUIRE, {
      keys: [redisKey],
      arguments: [String(opts.limit), String(opts.leaseMs), token],
    })
    if (got !== 1) return undefined
    return {
      renew: async () => (await this.deps.redis.client.eval(RENEW, { keys: [redisKey], arguments: [String(opts.leaseMs), token] })) === 1,
      release: async () => {
        await this.deps.redis.client.zRem(redisKey, token)
      },
    }
  }
}

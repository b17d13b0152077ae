import type { RateRule } from '../config'
import { AppError } from './errors'
import type { Redis } from './redis'

// INCR and the window's expiry in one round trip, atomically.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`

export interface RateState {
  count: number
  retryAfterSeconds: number
  limited: boolean
}

/** Fixed-window counters in Redis, shared by every node. */
export class RateLimiter {
  constructor(private readonly redis: Redis) {}

  /** Counts one hit; throws 429 with Retry-After once the rule's limit is passed. */
  async hit(bucket: string, rule: RateRule): Promise<RateState> {
    const state = await this.add(bucket, rule)
    if (state.limited) throw rateLimited(state.retryAfterSeconds)
    return state
  }

  /** Throws 429 if the bucket is already over its limit, without counting a hit. */
  async check(bucket: string, rule: RateRule): Promise<void> {
    const key = this.redis.key('rl', bucket)
    const [raw, ttl] = await Promise.all([this.redis.client.get(key), this.redis.client.pTTL(key)])
    if (Number(raw ?? 0) >= rule.limit) throw rateLimited(Math.max(1, Math.ceil(ttl / 1000)))
  }

  async add(bucket: string, rule: RateRule): Promise<RateState> {
    const [count, ttl] = (await this.redis.client.eval(HIT, {
      keys: [this.redis.key('rl', bucket)],
      arguments: [String(rule.windowSeconds * 1000)],
    })) as [number, number]
    return { count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)), limited: count > rule.limit }
  }

  async reset(bucket: string): Promise<void> {
    await this.redis.client.del(this.redis.key('rl', bucket))
  }
}

const rateLimited = (retryAfter: number) =>
  new AppError('rate_limited', `too many requests, retry in ${retryAfter}s`, { retryAfter })

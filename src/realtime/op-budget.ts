import type { RateRule } from '../config'

/** WebSocket ops per user on this node, as a token bucket (all their sockets share it; burst = limit). */
export class OpBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(private readonly rule: RateRule) {}

  take(userId: string, now = Date.now()): boolean {
    const { limit, windowSeconds } = this.rule
    const bucket = this.buckets.get(userId) ?? { tokens: limit, at: now }
    bucket.tokens = Math.min(limit, bucket.tokens + ((now - bucket.at) / 1000) * (limit / windowSeconds))
    bucket.at = now
    this.buckets.set(userId, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  /** Once there are many, forgets the buckets that have refilled (forgetting one changes nothing). */
  prune(max = 10_000, now = Date.now()) {
    if (this.buckets.size <= max) return
    const refillMs = this.rule.windowSeconds * 1000
    for (const [userId, bucket] of this.buckets) if (now - bucket.at >= refillMs) this.buckets.delete(userId)
  }
}

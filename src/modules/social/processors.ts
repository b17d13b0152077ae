import type { JobContext, Processor } from '../../jobs/processors'
import { FeedFanout, FeedPulse } from './fanout'

// Jobs of the `fanout` queue (feed fan-out). Enqueued by the domain-event consumers of
// events.ts; each is idempotent, so a retried job or a twice-delivered event is harmless.

export const FEED_QUEUE = 'fanout' as const

export const feedJobs = {
  /** data: {postId} */
  fanOut: 'feed.fanout',
  /** data: {postId} */
  retract: 'feed.retract',
  /** data: {followerId, followeeId} */
  backfill: 'feed.backfill',
  /** data: {followerId, followeeId} */
  prune: 'feed.prune',
} as const

// One pulse per thread: it coalesces `feed.updated` across the jobs that thread runs.
const pulses = new WeakMap<object, FeedPulse>()

function fanoutFor(ctx: JobContext): FeedFanout {
  let pulse = pulses.get(ctx.events)
  if (!pulse) {
    pulse = new FeedPulse({
      live: { toUser: (userId, event) => ctx.events.publishToUser(userId, event) },
      windowMs: ctx.config.feed.updateCoalesceMs,
      log: ctx.log,
    })
    pulses.set(ctx.events, pulse)
  }
  return new FeedFanout({ db: ctx.db, redis: ctx.redis, log: ctx.log, feed: ctx.config.feed, pulse })
}

export const feedProcessors: Record<string, Processor> = {
  [feedJobs.fanOut]: (data: { postId: string }, ctx) => fanoutFor(ctx).fanOut(data.postId),
  [feedJobs.retract]: (data: { postId: string }, ctx) => fanoutFor(ctx).retract(data.postId),
  [feedJobs.backfill]: (data: { followerId: string; followeeId: string }, ctx) => fanoutFor(ctx).backfill(data),
  [feedJobs.prune]: (data: { followerId: string; followeeId: string }, ctx) => fanoutFor(ctx).prune(data),
}

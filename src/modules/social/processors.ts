import type { JobContext, Processor } from '../../jobs/processors'
import type { UserEventSink } from '../../realtime/user-channel'
import { FeedFanout, FeedPulse } from './fanout'

// Jobs of the `fanout` queue (feed fan-out), run in the worker threads. Queued by the
// social layer's reactions to its own domain events (events.ts) with deterministic ids;
// each is idempotent, so a retried job or a twice-delivered event is harmless.

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

// One pulse per thread (its sink): it coalesces `feed.updated` across the jobs the thread runs.
const pulses = new WeakMap<UserEventSink, FeedPulse>()

function fanoutFor(ctx: JobContext): FeedFanout {
  let pulse = pulses.get(ctx.live)
  if (!pulse) {
    pulse = new FeedPulse({ live: ctx.live, windowMs: ctx.config.feed.updateCoalesceMs, log: ctx.log })
    pulses.set(ctx.live, pulse)
  }
  return new FeedFanout({ db: ctx.db, redis: ctx.redis, log: ctx.log, feed: ctx.config.feed, pulse })
}

export const feedProcessors: Record<string, Processor> = {
  [feedJobs.fanOut]: (data: { postId: string }, ctx) => fanoutFor(ctx).fanOut(data.postId),
  [feedJobs.retract]: (data: { postId: string }, ctx) => fanoutFor(ctx).retract(data.postId),
  [feedJobs.backfill]: (data: { followerId: string; followeeId: string }, ctx) => fanoutFor(ctx).backfill(data),
  [feedJobs.prune]: (data: { followerId: string; followeeId: string }, ctx) => fanoutFor(ctx).prune(data),
}

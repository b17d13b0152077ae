import { and, asc, desc, eq, gt, sql } from 'drizzle-orm'
import type { FeedConfig } from '../../config'
import type { Database } from '../../db/client'
import { follows, posts } from '../../db/schema'
import type { Logger } from '../../lib/log'
import type { Redis } from '../../lib/redis'
import { FeedStore } from './feed-store'
import type { Key } from './keys'
import { atTime } from './post-query'
import type { UserEventSink } from '../../realtime/user-channel'

const FOLLOWER_BATCH = 1000

export interface FeedFanoutDeps {
  db: Database
  redis: Redis
  log: Logger
  feed: Pick<FeedConfig, 'maxEntries' | 'activeDays'>
  /** Told how many unseen posts each reader's feed now has. */
  pulse: Pick<FeedPulse, 'add'>
}

/**
 * Writes posts into the Redis home feeds of active readers (fan-out on write) and takes
 * them out again. Every step is idempotent (sorted-set adds and removes), so a job run
 * twice, or an event delivered twice, leaves the same feeds. What a reader may see does
 * not rest on the removals — the read filter hides what a block, an unfollow or a delete
 * hides; they keep the feeds small. What a feed holds does rest on the additions (a
 * fan-out or a backfill that never ran leaves a post out until the feed is rebuilt), which
 * is why they come from durable domain events.
 */
export class FeedFanout {
  private readonly store: FeedStore

  constructor(private readonly deps: FeedFanoutDeps) {
    this.store = new FeedStore(deps)
  }

  /** A new post into its author's feed and the feeds of the author's active followers. */
  async fanOut(postId: string): Promise<{ readers: number }> {
    const post = await this.post(postId)
    if (!post || post.deletedAt || post.pulled) return { readers: 0 }
    const entry = keyOf(post)
    await this.store.add([post.authorId], entry, { countUnseen: false })
    let readers = 0
    await this.eachFollowerBatch(post.authorId, async (batch) => {
      const counts = await this.store.add(batch, entry, { countUnseen: true })
      counts.forEach((n, i) => {
        if (n < 0) return
        readers++
        if (n > 0) this.deps.pulse.add(batch[i]!, n)
      })
    })
    return { readers }
  }

  /** A deleted post out of every feed that may hold it. */
  async retract(postId: string): Promise<void> {
    const post = await this.post(postId)
    if (!post || post.pulled) return
    await this.store.remove(post.authorId, [postId])
    await this.eachFollowerBatch(post.authorId, (batch) => Promise.all(batch.map((id) => this.store.remove(id, [postId]))).then(() => {}))
  }

  /**
   * After a follow: the followee's posts into the follower's feed, all those at or above
   * the feed's floor up to a feed's worth (the floor rises to the oldest of them if there
   * were more), so the feed stays complete down to its floor.
   */
  async backfill({ followerId, followeeId }: { followerId: string; followeeId: string }): Promise<number> {
    if (!(await this.follows(followerId, followeeId))) return 0
    const state = await this.store.state(followerId)
    if (!state) return 0
    const entries = await this.recentPosts(followeeId, state.floor)
    // A full page of them may not be all: then the feed promises nothing below the last.
    const added = await this.store.addMany(followerId, entries, { complete: entries.length < this.deps.feed.maxEntries })
    // An unfollow that committed meanwhile may have pruned before these landed.
    if (!(await this.follows(followerId, followeeId))) await this.store.remove(followerId, entries.map((e) => e.id))
    return Math.max(added, 0)
  }

  /** After an unfollow or a block: the followee's posts out of the follower's feed. */
  async prune({ followerId, followeeId }: { followerId: string; followeeId: string }): Promise<void> {
    if (await this.follows(followerId, followeeId)) return
    const state = await this.store.state(followerId)
    if (!state) return
    const entries = await this.recentPosts(followeeId, state.floor, { includeDeleted: true })
    await this.store.remove(followerId, entries.map((e) => e.id))
  }

  private async post(postId: string) {
    const [row] = await this.deps.db
      .select({
        id: posts.id,
        authorId: posts.authorId,
        pulled: posts.pulled,
        deletedAt: posts.deletedAt,
        ms: sql<number>`(extract(epoch from ${posts.createdAt}) * 1000)::float8`,
      })
      .from(posts)
      .where(eq(posts.id, postId))
    return row
  }

  /** The author's fanned-out posts at or above `floor`, newest first, at most a feed's worth. */
  private async recentPosts(authorId: string, floor: Key | null, opts: { includeDeleted?: boolean } = {}): Promise<Key[]> {
    const rows = await this.deps.db
      .select({ id: posts.id, ms: sql<number>`(extract(epoch from ${posts.createdAt}) * 1000)::float8` })
      .from(posts)
      .where(
        and(
          eq(posts.authorId, authorId),
          sql`not ${posts.pulled}`,
          opts.includeDeleted ? undefined : sql`${posts.deletedAt} is null`,
          floor ? sql`(${posts.createdAt}, ${posts.id}) >= (${atTime(floor.at)}, ${floor.id}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(posts.createdAt), desc(posts.id))
      .limit(this.deps.feed.maxEntries)
    return rows.map((r) => ({ at: Number(r.ms), id: r.id }))
  }

  private async follows(followerId: string, followeeId: string): Promise<boolean> {
    const rows = await this.deps.db
      .select({ one: sql`1` })
      .from(follows)
      .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)))
    return rows.length > 0
  }

  /** The author's followers in batches, by id (a stable order while follows come and go). */
  private async eachFollowerBatch(authorId: string, fn: (ids: string[]) => Promise<void>) {
    let after: string | undefined
    while (true) {
      const rows = await this.deps.db
        .select({ id: follows.followerId })
        .from(follows)
        .where(and(eq(follows.followeeId, authorId), after ? gt(follows.followerId, after) : undefined))
        .orderBy(asc(follows.followerId))
        .limit(FOLLOWER_BATCH)
      if (rows.length === 0) return
      await fn(rows.map((r) => r.id))
      if (rows.length < FOLLOWER_BATCH) return
      after = rows[rows.length - 1]!.id
    }
  }
}

const keyOf = (post: { id: string; ms: number }): Key => ({ at: Number(post.ms), id: post.id })

/**
 * Coalesces `feed.updated` pushes: within one window a reader gets one push carrying the
 * latest count of posts fanned into their feed since they last read its first page.
 */
export class FeedPulse {
  private pending = new Map<string, number>()
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly deps: { live: UserEventSink; windowMs: number; log: Logger }) {}

  add(userId: string, unseen: number): void {
    this.pending.set(userId, Math.max(unseen, this.pending.get(userId) ?? 0))
    if (this.timer) return
    this.timer = setTimeout(() => void this.flush(), this.deps.windowMs)
    this.timer.unref?.()
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    const batch = this.pending
    this.pending = new Map()
    await Promise.all(
      [...batch].map(async ([userId, count]) => {
        try {
          await this.deps.live.publishToUser(userId, { type: 'feed.updated', data: { count } })
        } catch (err) {
          this.deps.log.warn('feed.updated push failed', { userId, error: String(err) })
        }
      }),
    )
  }
}

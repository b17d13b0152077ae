import { and, eq, inArray, or, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { blocks, follows, users } from '../../db/schema'
import type { Queryable, Tx } from '../../db/tx'
import { lockKey } from '../../db/tx'
import type { DomainEvents } from '../../domain-events/bus'
import type { Emit } from '../../domain-events/types'
import { AppError, notFound } from '../../lib/errors'
import { decodeCursor, pageOf } from './keys'
import type { ProfileView, UserSummaryView } from './model'
import { queryRows } from '../../db/tx'
import { atTime } from './post-query'
import { notBlockedBetween } from './visibility'

export interface SocialGraphDeps {
  db: Database
  /** Where changes commit with their domain events. */
  events: Pick<DomainEvents, 'transaction'>
}

/**
 * Follows and blocks. A block ends the follows both ways and refuses new ones; both
 * operations on one pair of users hold the pair's lock, so a follow racing a block
 * cannot survive it.
 */
export class SocialGraph {
  constructor(private readonly deps: SocialGraphDeps) {}

  async follow({ followerId, followeeId }: { followerId: string; followeeId: string }): Promise<{ following: boolean }> {
    if (followerId === followeeId) throw new AppError('invalid_target', 'you cannot follow yourself')
    await this.deps.events.transaction({ actorId: followerId }, async (tx, emit) => {
      await lockPair(tx, followerId, followeeId)
      const { blocked } = await requireUser(tx, followeeId, { blockedWith: followerId })
      if (blocked) throw new AppError('blocked', 'you cannot follow this user')
      const added = await tx
        .insert(follows)
        .values({ followerId, followeeId, createdAt: new Date() })
        .onConflictDoNothing()
        .returning({ followerId: follows.followerId })
      if (added.length) emit({ type: 'follow.created', data: { followerId, followeeId } })
    })
    return { following: true }
  }

  async unfollow({ followerId, followeeId }: { followerId: string; followeeId: string }): Promise<{ following: boolean }> {
    if (followerId === followeeId) throw new AppError('invalid_target', 'you cannot follow yourself')
    await this.deps.events.transaction({ actorId: followerId }, async (tx, emit) => {
      await lockPair(tx, followerId, followeeId)
      await requireUser(tx, followeeId)
      await endFollow(tx, emit, { followerId, followeeId })
    })
    return { following: false }
  }

  async block({ blockerId, blockedId }: { blockerId: string; blockedId: string }): Promise<void> {
    if (blockerId === blockedId) throw new AppError('invalid_target', 'you cannot block yourself')
    await this.deps.events.transaction({ actorId: blockerId }, async (tx, emit) => {
      await lockPair(tx, blockerId, blockedId)
      await requireUser(tx, blockedId)
      const added = await tx
        .insert(blocks)
        .values({ blockerId, blockedId, createdAt: new Date() })
        .onConflictDoNothing()
        .returning({ blockerId: blocks.blockerId })
      if (!added.length) return
      await endFollow(tx, emit, { followerId: blockerId, followeeId: blockedId })
      await endFollow(tx, emit, { followerId: blockedId, followeeId: blockerId })
      emit({ type: 'block.created', data: { blockerId, blockedId } })
    })
  }

  async unblock({ blockerId, blockedId }: { blockerId: string; blockedId: string }): Promise<void> {
    if (blockerId === blockedId) throw new AppError('invalid_target', 'you cannot block yourself')
    await this.deps.events.transaction({ actorId: blockerId }, async (tx, emit) => {
      await lockPair(tx, blockerId, blockedId)
      await requireUser(tx, blockedId)
      const removed = await tx
        .delete(blocks)
        .where(and(eq(blocks.blockerId, blockerId), eq(blocks.blockedId, blockedId)))
        .returning({ blockerId: blocks.blockerId })
      if (removed.length) emit({ type: 'block.deleted', data: { blockerId, blockedId } })
    })
  }

  /** True when either user blocks the other (for DMs, and anything else that must keep them apart). */
  async isBlocked(a: string, b: string): Promise<boolean> {
    return blockedBetween(this.deps.db, a, b)
  }

  /** Those of `others` that `userId` blocks or is blocked by (a group DM refuses them all at once). */
  async blockedAmong(userId: string, others: string[]): Promise<Set<string>> {
    return blockedAmongIn(this.deps.db, userId, others)
  }

  /** Who follows `userId`, newest follow first. Empty between users who block each other; blocked users are left out. */
  followers(opts: { viewerId: string; userId: string; cursor?: string; limit: number }) {
    return this.listUsers(opts, { side: 'followers' })
  }

  /** Whom `userId` follows, newest follow first. */
  following(opts: { viewerId: string; userId: string; cursor?: string; limit: number }) {
    return this.listUsers(opts, { side: 'following' })
  }

  /** The users the viewer blocks, newest block first. */
  async blocked(opts: { viewerId: string; cursor?: string; limit: number }) {
    const before = opts.cursor ? decodeCursor(opts.cursor) : null
    const rows = await queryRows<UserRow>(
      this.deps.db,
      sql`select u.id, u.username, u.display_name, u.avatar_url, (extract(epoch from b.created_at) * 1000)::float8 as at_ms
          from blocks b join users u on u.id = b.blocked_id
          where b.blocker_id = ${opts.viewerId}::uuid
            ${before ? sql`and (b.created_at, b.blocked_id) < (${atTime(before.at)}, ${before.id}::uuid)` : sql``}
          order by b.created_at desc, b.blocked_id desc limit ${opts.limit + 1}`,
    )
    return toUserPage(rows, opts.limit)
  }

  async profile({ viewerId, userId }: { viewerId: string; userId: string }): Promise<ProfileView> {
    const [row] = await queryRows<{
      id: string
      username: string
      display_name: string | null
      avatar_url: string | null
      followers: number | null
      following: number | null
      posts: number | null
      i_follow: boolean
      follows_me: boolean
      i_block: boolean
    }>(
      this.deps.db,
      sql`select u.id, u.username, u.display_name, u.avatar_url, s.followers_count as followers, s.following_count as following, s.posts_count as posts,
            exists (select 1 from follows where follower_id = ${viewerId}::uuid and followee_id = u.id) as i_follow,
            exists (select 1 from follows where follower_id = u.id and followee_id = ${viewerId}::uuid) as follows_me,
            exists (select 1 from blocks where blocker_id = ${viewerId}::uuid and blocked_id = u.id) as i_block
          from users u left join user_stats s on s.user_id = u.id
          where u.id = ${userId}::uuid`,
    )
    if (!row) throw notFound('user')
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      avatarUrl: row.avatar_url,
      followers: Number(row.followers ?? 0),
      following: Number(row.following ?? 0),
      posts: Number(row.posts ?? 0),
      relationship: { following: row.i_follow, followedBy: row.follows_me, blocking: row.i_block },
    }
  }

  private async listUsers(
    opts: { viewerId: string; userId: string; cursor?: string; limit: number },
    { side }: { side: 'followers' | 'following' },
  ) {
    const before = opts.cursor ? decodeCursor(opts.cursor) : null
    const { blocked } = await requireUser(this.deps.db, opts.userId, { blockedWith: opts.viewerId })
    if (blocked) {
      return { users: [], nextCursor: null }
    }
    // `other` is the listed user: the follower, or the one followed.
    const [self, other] = side === 'followers' ? [sql`f.followee_id`, sql`f.follower_id`] : [sql`f.follower_id`, sql`f.followee_id`]
    const rows = await queryRows<UserRow>(
      this.deps.db,
      sql`select u.id, u.username, u.display_name, u.avatar_url, (extract(epoch from f.created_at) * 1000)::float8 as at_ms
          from follows f join users u on u.id = ${other}
          where ${self} = ${opts.userId}::uuid and ${notBlockedBetween(opts.viewerId, other)}
            ${before ? sql`and (f.created_at, ${other}) < (${atTime(before.at)}, ${before.id}::uuid)` : sql``}
          order by f.created_at desc, ${other} desc limit ${opts.limit + 1}`,
    )
    return toUserPage(rows, opts.limit)
  }
}

interface UserRow {
  id: string
  username: string
  display_name: string | null
  avatar_url: string | null
  at_ms: number
}

function toUserPage(rows: UserRow[], limit: number): { users: UserSummaryView[]; nextCursor: string | null } {
  const { items, nextCursor } = pageOf(rows, limit, (r) => ({ at: Number(r.at_ms), id: r.id }))
  return { users: items.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name, avatarUrl: r.avatar_url })), nextCursor }
}

async function endFollow(tx: Tx, emit: Emit, f: { followerId: string; followeeId: string }) {
  const removed = await tx
    .delete(follows)
    .where(and(eq(follows.followerId, f.followerId), eq(follows.followeeId, f.followeeId)))
    .returning({ followerId: follows.followerId })
  if (removed.length) emit({ type: 'follow.deleted', data: { followerId: f.followerId, followeeId: f.followeeId } })
}

/** Either user blocks the other. */
/** Those of `others` that `userId` blocks or is blocked by. */
export async function blockedAmongIn(db: Queryable, userId: string, others: string[]): Promise<Set<string>> {
  if (others.length === 0) return new Set()
  const rows = await db
    .select({ blockerId: blocks.blockerId, blockedId: blocks.blockedId })
    .from(blocks)
    .where(
      or(
        and(eq(blocks.blockerId, userId), inArray(blocks.blockedId, others)),
        and(eq(blocks.blockedId, userId), inArray(blocks.blockerId, others)),
      ),
    )
  return new Set(rows.map((r) => (r.blockerId === userId ? r.blockedId : r.blockerId)))
}

export async function blockedBetween(db: Queryable, a: string, b: string): Promise<boolean> {
  const rows = await db
    .select({ one: sql`1` })
    .from(blocks)
    .where(or(and(eq(blocks.blockerId, a), eq(blocks.blockedId, b)), and(eq(blocks.blockerId, b), eq(blocks.blockedId, a))))
    .limit(1)
  return rows.length > 0
}

/** 404 unless the user exists; with `blockedWith`, also whether either of the two blocks the other. */
async function requireUser(db: Queryable, userId: string, opts: { blockedWith?: string } = {}): Promise<{ blocked: boolean }> {
  const [row] = await db
    .select({
      blocked: opts.blockedWith && opts.blockedWith !== userId ? sql<boolean>`not (${notBlockedBetween(opts.blockedWith, sql`${users.id}`)})` : sql<boolean>`false`,
    })
    .from(users)
    .where(eq(users.id, userId))
  if (!row) throw notFound('user')
  return { blocked: Boolean(row.blocked) }
}

/** Serializes follows and blocks between two users (either order). */
function lockPair(tx: Tx, a: string, b: string) {
  const [lo, hi] = a < b ? [a, b] : [b, a]
  return lockKey(tx, `social:${lo}:${hi}`)
}

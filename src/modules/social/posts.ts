import { and, eq, isNull, sql } from 'drizzle-orm'
import type { FeedConfig } from '../../config'
import type { Database } from '../../db/client'
import { comments, postLikes, posts, userStats, users } from '../../db/schema'
import type { Queryable } from '../../db/tx'
import type { DomainEvents } from '../../domain-events/bus'
import { AppError, forbidden, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { isId } from './model'
import { decodeCursor, pageOf } from './keys'
import type { PostView, VisibilityValue } from './model'
import { queryRows } from '../../db/tx'
import { olderThan, selectPosts, type ReadPost } from './post-query'
import type { PostModerationPort, MediaPort } from './ports'
import { postVisibleTo } from './visibility'

export interface PostServiceDeps {
  db: Database
  feed: Pick<FeedConfig, 'pullThreshold'>
  events: Pick<DomainEvents, 'transaction'>
  /** Absent until media is connected: then a post with attachments is refused. */
  media?: MediaPort
  /** Absent until moderation is connected: then posts are not screened. */
  postModeration?: PostModerationPort
}

/** Posts and likes. What a reader may see of them is decided by visibility.ts alone. */
export class PostService {
  constructor(private readonly deps: PostServiceDeps) {}

  async create(input: { userId: string; body: string; attachments?: string[]; visibility?: VisibilityValue }): Promise<PostView> {
    const body = input.body.trim()
    const attachments = [...new Set(input.attachments ?? [])]
    if (!body && attachments.length === 0) {
      throw new AppError('validation_failed', 'a post needs a body or an attachment', { details: [{ path: '/body', message: 'empty' }] })
    }
    const { media, postModeration } = this.deps
    if (attachments.length && !media) {
      throw new AppError('validation_failed', 'attachments are not available', { details: [{ path: '/attachments', message: 'not available' }] })
    }
    const screening = body ? await postModeration?.screen({ authorId: input.userId, kind: 'post', text: body }) : undefined
    if (attachments.length) await media!.validateAttachments({ userId: input.userId, mediaIds: attachments })
    const id = newId()
    // Whole milliseconds: the feed orders by (created_at, id) in Postgres and in Redis scores alike.
    const createdAt = new Date()
    const visibility = input.visibility ?? 'public'
    const author = await this.deps.events.transaction({ actorId: input.userId }, async (tx, emit) => {
      const [author] = await tx
        .select({ username: users.username, displayName: users.displayName, avatarUrl: users.avatarUrl, followers: userStats.followersCount })
        .from(users)
        .leftJoin(userStats, eq(userStats.userId, users.id))
        .where(eq(users.id, input.userId))
      if (!author) throw new AppError('unauthorized', 'the account of this token no longer exists')
      // Decided once, here: fan-out and the read-time merge both go by the post's own flag.
      const pulled = (author.followers ?? 0) >= this.deps.feed.pullThreshold
      await tx.insert(posts).values({ id, authorId: input.userId, body, visibility, attachments, pulled, createdAt })
      if (attachments.length) await media!.attach({ tx, kind: 'post', targetId: id, mediaIds: attachments, ownerId: input.userId })
      emit({ type: 'post.created', data: { postId: id, authorId: input.userId, pulled } })
      return author
    })
    await screening?.committed({ kind: 'post', id })
    return {
      id,
      authorId: input.userId,
      author: { id: input.userId, username: author.username, displayName: author.displayName, avatarUrl: author.avatarUrl },
      body,
      visibility,
      attachments,
      createdAt: createdAt.toISOString(),
      likes: 0,
      comments: 0,
      likedByMe: false,
    }
  }

  async get({ viewerId, postId }: { viewerId: string; postId: string }): Promise<PostView> {
    const [post] = await selectPosts(this.deps.db, { viewerId, where: sql`p.id = ${postId}::uuid and ${postVisibleTo(viewerId)}`, limit: 1 })
    if (!post) throw notFound('post')
    return post.view
  }

  /** The author's posts the viewer may see, newest first. */
  async byAuthor(opts: { viewerId: string; authorId: string; cursor?: string; limit: number }) {
    const before = opts.cursor ? decodeCursor(opts.cursor) : null
    const [author] = await this.deps.db.select({ id: users.id }).from(users).where(eq(users.id, opts.authorId))
    if (!author) throw notFound('user')
    const rows = await selectPosts(this.deps.db, {
      viewerId: opts.viewerId,
      where: sql`p.author_id = ${opts.authorId}::uuid and ${olderThan(before)} and ${postVisibleTo(opts.viewerId)}`,
      limit: opts.limit + 1,
    })
    return toPostPage(rows, opts.limit)
  }

  /**
   * A tombstone: the post leaves every list at once (the filter), and Redis feeds by a job.
   * Its author only. Its media are released, and those of its comments (no one reaches them any more).
   */
  async remove({ userId, postId }: { userId: string; postId: string }): Promise<void> {
    await this.deps.events.transaction({ actorId: userId }, async (tx, emit) => {
      const post = await this.visiblePost(tx, userId, postId, { lock: true })
      if (post.authorId !== userId) throw forbidden('only its author can delete a post')
      await tx.update(posts).set({ deletedAt: new Date() }).where(eq(posts.id, postId))
      if (post.hasAttachments) await this.deps.media?.release({ tx, kind: 'post', targetId: postId })
      // Comment writers lock the post row first: none adds a comment (or its media) after this.
      const carrying = await tx
        .select({ id: comments.id })
        .from(comments)
        .where(and(eq(comments.postId, postId), isNull(comments.deletedAt), sql`jsonb_array_length(${comments.attachments}) > 0`))
      if (carrying.length) await this.deps.media?.release({ tx, kind: 'comment', targetId: carrying.map((c) => c.id) })
      emit({ type: 'post.deleted', data: { postId, authorId: userId, pulled: post.pulled } })
    })
  }

  /** One like per user and post; liking again changes nothing. */
  async like({ userId, postId }: { userId: string; postId: string }): Promise<void> {
    await this.deps.events.transaction({ actorId: userId }, async (tx, emit) => {
      const post = await this.visiblePost(tx, userId, postId)
      const added = await tx.insert(postLikes).values({ postId, userId }).onConflictDoNothing().returning({ postId: postLikes.postId })
      if (added.length) emit({ type: 'post.liked', data: { postId, authorId: post.authorId, userId } })
    })
  }

  async unlike({ userId, postId }: { userId: string; postId: string }): Promise<void> {
    await this.deps.events.transaction({ actorId: userId }, async (tx, emit) => {
      const post = await this.visiblePost(tx, userId, postId)
      const removed = await tx
        .delete(postLikes)
        .where(and(eq(postLikes.postId, postId), eq(postLikes.userId, userId)))
        .returning({ postId: postLikes.postId })
      if (removed.length) emit({ type: 'post.unliked', data: { postId, authorId: post.authorId, userId } })
    })
  }

  /**
   * Those of `postIds` the viewer may see now: for notifications about posts, checked when
   * they are read (a deleted post, or one a block hides, drops out).
   */
  async visibleIds({ viewerId, postIds }: { viewerId: string; postIds: string[] }): Promise<Set<string>> {
    const ids = postIds.filter(isId)
    if (ids.length === 0) return new Set()
    const rows = await queryRows<{ id: string }>(this.deps.db, sql`select p.id from posts p where p.id in ${ids} and ${postVisibleTo(viewerId)}`)
    return new Set(rows.map((r) => r.id))
  }

  /** The post if the user may see it (else 404, whether it exists or not); `lock` takes its row. */
  async visiblePost(tx: Queryable, userId: string, postId: string, opts: { lock?: boolean } = {}) {
    const [row] = await queryRows<{ author_id: string; pulled: boolean; has_attachments: boolean }>(
      tx,
      sql`select p.author_id, p.pulled, jsonb_array_length(p.attachments) > 0 as has_attachments from posts p where p.id = ${postId}::uuid and ${postVisibleTo(userId)} ${opts.lock ? sql`for update of p` : sql``}`,
    )
    if (!row) throw notFound('post')
    return { authorId: row.author_id, pulled: row.pulled, hasAttachments: row.has_attachments }
  }
}

export function toPostPage(rows: ReadPost[], limit: number): { posts: PostView[]; nextCursor: string | null } {
  const { items, nextCursor } = pageOf(rows, limit, (r) => r.key)
  return { posts: items.map((r) => r.view), nextCursor }
}

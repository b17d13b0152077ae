import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { comments } from '../../db/schema'
import type { Queryable } from '../../db/tx'
import type { DomainEvents } from '../../domain-events/bus'
import { AppError, forbidden, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { isId } from './model'
import { queryRows } from '../../db/tx'
import { atTime } from './post-query'
import { decodeCursor, pageOf, type Key } from './keys'
import type { CommentView } from './model'
import type { PostService } from './posts'
import type { MediaPort, PostModerationPort } from './ports'
import { commentVisibleTo, postVisibleTo } from './visibility'

export interface CommentServiceDeps {
  db: Database
  events: Pick<DomainEvents, 'transaction'>
  /** Absent until media is connected: then a comment with attachments is refused. */
  media?: MediaPort
  /** Absent until moderation is connected: then comments are not screened. */
  postModeration?: PostModerationPort
  posts: Pick<PostService, 'visiblePost'>
}

/**
 * Comments with one level of replies, oldest first. A reply to a reply joins the thread
 * of the comment it answers. Writers lock the post row first (the counter triggers
 * update it before the parent comment), so they cannot deadlock. Attachments are the
 * author's own media, referenced (kind `comment`) while the comment lives.
 */
export class CommentService {
  constructor(private readonly deps: CommentServiceDeps) {}

  async create(input: { userId: string; postId: string; body: string; replyTo?: string; attachments?: string[] }): Promise<CommentView> {
    const body = input.body.trim()
    const attachments = [...new Set(input.attachments ?? [])]
    if (!body && attachments.length === 0) {
      throw new AppError('validation_failed', 'a comment needs a body or an attachment', { details: [{ path: '/body', message: 'empty' }] })
    }
    const { media, postModeration } = this.deps
    if (attachments.length && !media) {
      throw new AppError('validation_failed', 'attachments are not available', { details: [{ path: '/attachments', message: 'not available' }] })
    }
    const screening = body ? await postModeration?.screen({ authorId: input.userId, kind: 'comment', text: body }) : undefined
    if (attachments.length) await media!.validateAttachments({ userId: input.userId, mediaIds: attachments })
    const id = newId()
    const createdAt = new Date()
    await this.deps.events.transaction({ actorId: input.userId }, async (tx, emit) => {
      const post = await this.deps.posts.visiblePost(tx, input.userId, input.postId, { lock: true })
      let parentId: string | null = null
      let replyToAuthorId: string | null = null
      if (input.replyTo) {
        const target = await this.visibleComment(tx, input.userId, input.replyTo)
        if (target.postId !== input.postId) throw notFound('comment')
        parentId = target.parentId ?? target.id
        replyToAuthorId = target.authorId
      }
      await tx.insert(comments).values({ id, postId: input.postId, authorId: input.userId, parentId, body, attachments, createdAt })
      if (attachments.length) await media!.attach({ tx, kind: 'comment', targetId: id, mediaIds: attachments, ownerId: input.userId })
      emit({
        type: 'comment.created',
        data: { commentId: id, postId: input.postId, postAuthorId: post.authorId, authorId: input.userId, parentId, replyToAuthorId },
      })
    })
    await screening?.committed({ kind: 'comment', id })
    const [view] = await this.select(input.userId, sql`c.id = ${id}::uuid`, { limit: 1 })
    return view!.view
  }

  /** Top-level comments of a post the viewer may see, oldest first, each with its reply count. */
  async list(opts: { viewerId: string; postId: string; cursor?: string; limit: number }) {
    const after = opts.cursor ? decodeCursor(opts.cursor) : null
    await this.deps.posts.visiblePost(this.deps.db, opts.viewerId, opts.postId)
    const rows = await this.select(opts.viewerId, sql`c.post_id = ${opts.postId}::uuid and c.parent_id is null ${newerThan(after)}`, {
      limit: opts.limit + 1,
    })
    return toCommentPage(rows, opts.limit)
  }

  /** The replies under a top-level comment, oldest first. */
  async replies(opts: { viewerId: string; commentId: string; cursor?: string; limit: number }) {
    const after = opts.cursor ? decodeCursor(opts.cursor) : null
    const parent = await this.visibleComment(this.deps.db, opts.viewerId, opts.commentId)
    const rows = await this.select(opts.viewerId, sql`c.parent_id = ${parent.id}::uuid ${newerThan(after)}`, { limit: opts.limit + 1 })
    return toCommentPage(rows, opts.limit)
  }

  /**
   * By its author or the post's author. A top-level comment takes its replies with it.
   * Those two may delete it even where a block (or a followers-only post) hides it from
   * them: a block must not leave a harasser's comment on your post, nor keep your own
   * words up. Anyone else who cannot see it gets 404. The media of every comment it
   * takes are released.
   */
  async remove({ userId, commentId }: { userId: string; commentId: string }): Promise<void> {
    await this.deps.events.transaction({ actorId: userId }, async (tx, emit) => {
      // The post row first, as every writer of comments (the counter triggers update it before the parent).
      const [found] = await queryRows<{ post_id: string; author_id: string; post_author_id: string; visible: boolean }>(
        tx,
        sql`select c.post_id, c.author_id, p.author_id as post_author_id, (${commentVisibleTo(userId)} and ${postVisibleTo(userId)}) as visible
            from comments c join posts p on p.id = c.post_id
            where c.id = ${commentId}::uuid and c.deleted_at is null and p.deleted_at is null
            for update of p`,
      )
      if (!found) throw notFound('comment')
      if (found.author_id !== userId && found.post_author_id !== userId) {
        if (!found.visible) throw notFound('comment')
        throw forbidden('only its author or the post’s author can delete a comment')
      }
      const now = new Date()
      const gone = await tx
        .update(comments)
        .set({ deletedAt: now })
        .where(and(isNull(comments.deletedAt), or(eq(comments.id, commentId), eq(comments.parentId, commentId))))
        .returning({ id: comments.id, attachments: comments.attachments })
      const carrying = gone.filter((c) => c.attachments.length > 0).map((c) => c.id)
      if (carrying.length) await this.deps.media?.release({ tx, kind: 'comment', targetId: carrying })
      if (gone.some((c) => c.id === commentId)) {
        emit({ type: 'comment.deleted', data: { commentId, postId: found.post_id, authorId: found.author_id } })
      }
    })
  }

  /**
   * Those of `commentIds` the viewer may see now (the comment and its post): for
   * notifications about comments, checked when they are read.
   */
  async visibleIds({ viewerId, commentIds }: { viewerId: string; commentIds: string[] }): Promise<Set<string>> {
    const ids = commentIds.filter(isId)
    if (ids.length === 0) return new Set()
    const rows = await queryRows<{ id: string }>(
      this.deps.db,
      sql`select c.id from comments c join posts p on p.id = c.post_id
          where c.id in ${ids} and ${commentVisibleTo(viewerId)} and ${postVisibleTo(viewerId)}`,
    )
    return new Set(rows.map((r) => r.id))
  }

  /** A comment the user may see, on a post they may see (else 404). */
  private async visibleComment(db: Queryable, userId: string, commentId: string) {
    const [row] = await queryRows<{ id: string; post_id: string; author_id: string; parent_id: string | null }>(
      db,
      sql`select c.id, c.post_id, c.author_id, c.parent_id from comments c join posts p on p.id = c.post_id
          where c.id = ${commentId}::uuid and ${commentVisibleTo(userId)} and ${postVisibleTo(userId)}`,
    )
    if (!row) throw notFound('comment')
    return { id: row.id, postId: row.post_id, authorId: row.author_id, parentId: row.parent_id }
  }

  private async select(viewerId: string, where: SQL, opts: { limit: number }) {
    const rows = await queryRows<CommentRow>(
      this.deps.db,
      sql`select c.id, c.post_id, c.author_id, u.username, u.display_name, u.avatar_url, c.body, c.attachments, c.parent_id, c.replies_count,
            (extract(epoch from c.created_at) * 1000)::float8 as created_ms
          from comments c join users u on u.id = c.author_id
          where ${where} and ${commentVisibleTo(viewerId)}
          order by c.created_at, c.id limit ${opts.limit}`,
    )
    return rows.map(toReadComment)
  }
}

interface CommentRow {
  id: string
  post_id: string
  author_id: string
  username: string
  display_name: string | null
  avatar_url: string | null
  body: string
  attachments: string[]
  parent_id: string | null
  replies_count: number
  created_ms: number
}

/** Oldest-first lists continue after the cursor's key. */
const newerThan = (key: Key | null): SQL =>
  key ? sql`and (c.created_at, c.id) > (${atTime(key.at)}, ${key.id}::uuid)` : sql``

function toReadComment(r: CommentRow): { key: Key; view: CommentView } {
  const at = Number(r.created_ms)
  return {
    key: { at, id: r.id },
    view: {
      id: r.id,
      postId: r.post_id,
      authorId: r.author_id,
      author: { id: r.author_id, username: r.username, displayName: r.display_name, avatarUrl: r.avatar_url },
      body: r.body,
      attachments: r.attachments ?? [],
      replyTo: r.parent_id,
      replies: Number(r.replies_count),
      createdAt: new Date(at).toISOString(),
    },
  }
}

function toCommentPage(rows: { key: Key; view: CommentView }[], limit: number) {
  const { items, nextCursor } = pageOf(rows, limit, (r) => r.key)
  return { comments: items.map((r) => r.view), nextCursor }
}

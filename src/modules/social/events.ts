import { and, eq, isNull, sql } from 'drizzle-orm'
import { comments, follows, postLikes } from '../../db/schema'
import type { DomainEvent, Reactions } from '../../domain-events/types'
import type { JobContext } from '../../jobs/processors'
import { jobId } from '../../jobs/queues'
import type { NotifyInput } from '../notifications/model'
import { blockedBetween } from './graph'
import { FEED_QUEUE, feedJobs } from './processors'

// What the social layer does with its own committed domain events, in the worker threads:
// it queues the feed fan-out jobs and the notifications. Each reaction is idempotent by
// the event: its jobs have deterministic ids, so an event delivered twice queues nothing
// twice. No notification comes from someone the recipient blocks (or is blocked by), nor
// for what was undone before the event was delivered.

/** A fan-out job, one per event (`feed.<event id>`). */
const feedJob = (ctx: JobContext, event: DomainEvent, name: string, data: unknown) =>
  ctx.jobs.enqueue({ queue: FEED_QUEUE, name, data, jobId: jobId('feed', event.id) })

/**
 * A notification, stored and grouped by the notifications processor ("alice and 12 others
 * liked your post"). `key` names what it is about, so the same event (or the same like
 * undone and redone while the job is remembered) notifies once.
 */
const notify = (ctx: JobContext, input: NotifyInput, key: string[]) =>
  ctx.jobs.enqueue({ queue: 'notifications', name: 'notification.create', data: input, jobId: jobId('notify', input.type, ...key) })

const exists = async (query: PromiseLike<unknown[]>) => (await query).length > 0

export const socialReactions: Reactions<JobContext> = {
  'post.created': {
    // A pulled post is merged into feeds at read time: nothing to fan out.
    wants: (event) => !event.data.pulled,
    handle: async (event, ctx) => {
      await feedJob(ctx, event, feedJobs.fanOut, { postId: event.data.postId })
    },
  },
  'post.deleted': {
    wants: (event) => !event.data.pulled,
    handle: async (event, ctx) => {
      await feedJob(ctx, event, feedJobs.retract, { postId: event.data.postId })
    },
  },
  'follow.created': {
    handle: async (event, ctx) => {
      const { followerId, followeeId } = event.data
      await feedJob(ctx, event, feedJobs.backfill, { followerId, followeeId })
      const still = await exists(
        ctx.db.select({ one: sql`1` }).from(follows).where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId))),
      )
      if (!still || (await blockedBetween(ctx.db, followerId, followeeId))) return
      await notify(ctx, { userId: followeeId, type: 'follow', targetType: 'user', targetId: followeeId, actorId: followerId, data: {} }, [followeeId, followerId])
    },
  },
  'follow.deleted': {
    handle: async (event, ctx) => {
      await feedJob(ctx, event, feedJobs.prune, { followerId: event.data.followerId, followeeId: event.data.followeeId })
    },
  },
  'post.liked': {
    // Your own like tells you nothing.
    wants: (event) => event.data.authorId !== event.data.userId,
    handle: async (event, ctx) => {
      const { postId, authorId, userId } = event.data
      const still = await exists(
        ctx.db.select({ one: sql`1` }).from(postLikes).where(and(eq(postLikes.postId, postId), eq(postLikes.userId, userId))),
      )
      if (!still || (await blockedBetween(ctx.db, authorId, userId))) return
      await notify(ctx, { userId: authorId, type: 'like', targetType: 'post', targetId: postId, actorId: userId, data: { postId } }, [postId, userId])
    },
  },
  'comment.created': {
    // Only comments on someone else's post, or replies to someone else, concern anybody.
    wants: ({ data }) => data.postAuthorId !== data.authorId || (data.replyToAuthorId !== null && data.replyToAuthorId !== data.authorId),
    handle: async (event, ctx) => {
      const { commentId, postId, postAuthorId, authorId, parentId, replyToAuthorId } = event.data
      const [comment] = await ctx.db
        .select({ body: comments.body })
        .from(comments)
        .where(and(eq(comments.id, commentId), isNull(comments.deletedAt)))
      if (!comment) return
      const data = { postId, commentId, preview: comment.body.slice(0, 140) }
      // A reply tells the one replied to; the post's author hears of every comment (once).
      if (replyToAuthorId && replyToAuthorId !== authorId && !(await blockedBetween(ctx.db, replyToAuthorId, authorId))) {
        await notify(ctx, { userId: replyToAuthorId, type: 'reply', targetType: 'comment', targetId: parentId!, actorId: authorId, data }, [commentId])
      }
      if (postAuthorId !== authorId && postAuthorId !== replyToAuthorId && !(await blockedBetween(ctx.db, postAuthorId, authorId))) {
        await notify(ctx, { userId: postAuthorId, type: 'comment', targetType: 'post', targetId: postId, actorId: authorId, data }, [commentId])
      }
    },
  },
}

import { and, eq, isNull, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { comments, follows, postLikes } from '../../db/schema'
import type { EnqueueOptions } from '../../jobs/runner'
import type { NotifyInput } from '../notifications/model'
import { blockedBetween } from './graph'
import type { SocialEvent, SocialEventType } from './ports'
import { FEED_QUEUE, feedJobs } from './processors'

export interface SocialEventsDeps {
  db: Database
  /** Queues a job (JobRunner.enqueue). */
  enqueue: (job: EnqueueOptions) => Promise<unknown>
  /** NotificationService.notifyMany: stored and grouped by the notifications processor. */
  notify: (inputs: (NotifyInput & { dedupeKey?: string })[]) => Promise<void>
}

/** A delivered domain event: what was recorded, with the id the outbox gave it. */
export type DeliveredEvent<T extends SocialEventType = SocialEventType> = Extract<SocialEvent, { type: T }> & { id: string }

type Handlers = { [T in SocialEventType]?: (event: DeliveredEvent<T>) => Promise<void> }

/**
 * What the social layer does with its own committed events: feed fan-out jobs and
 * notifications. Each handler is idempotent by the event's id (deterministic job ids,
 * notification dedupe keys), as events arrive at least once. No notification comes from
 * someone the recipient blocks (or is blocked by), nor for what was undone meanwhile.
 */
export function socialEvents(deps: SocialEventsDeps): Handlers {
  const feedJob = (event: { id: string }, name: string, data: unknown) =>
    deps.enqueue({ queue: FEED_QUEUE, name, data, jobId: `feed.${event.id}` })
  const stillApart = (a: string, b: string) => blockedBetween(deps.db, a, b)

  return {
    'post.created': async (event) => {
      if (!event.data.pulled) await feedJob(event, feedJobs.fanOut, { postId: event.data.postId })
    },
    'post.deleted': async (event) => {
      if (!event.data.pulled) await feedJob(event, feedJobs.retract, { postId: event.data.postId })
    },
    'follow.created': async (event) => {
      const { followerId, followeeId } = event.data
      await feedJob(event, feedJobs.backfill, { followerId, followeeId })
      const [still] = await deps.db
        .select({ one: sql`1` })
        .from(follows)
        .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)))
      if (!still || (await stillApart(followerId, followeeId))) return
      await deps.notify([
        { userId: followeeId, type: 'follow', targetType: 'user', targetId: followeeId, actorId: followerId, data: {}, dedupeKey: `social.${event.id}` },
      ])
    },
    'follow.deleted': async (event) => {
      await feedJob(event, feedJobs.prune, { followerId: event.data.followerId, followeeId: event.data.followeeId })
    },
    'post.liked': async (event) => {
      const { postId, authorId, userId } = event.data
      if (authorId === userId) return
      const [still] = await deps.db
        .select({ one: sql`1` })
        .from(postLikes)
        .where(and(eq(postLikes.postId, postId), eq(postLikes.userId, userId)))
      if (!still || (await stillApart(authorId, userId))) return
      await deps.notify([
        { userId: authorId, type: 'like', targetType: 'post', targetId: postId, actorId: userId, data: { postId }, dedupeKey: `social.${event.id}` },
      ])
    },
    'comment.created': async (event) => {
      const { commentId, postId, postAuthorId, authorId, parentId, replyToAuthorId } = event.data
      const [comment] = await deps.db
        .select({ body: comments.body })
        .from(comments)
        .where(and(eq(comments.id, commentId), isNull(comments.deletedAt)))
      if (!comment) return
      const preview = comment.body.slice(0, 140)
      const inputs: (NotifyInput & { dedupeKey: string })[] = []
      // A reply tells the one replied to; the post's author hears of every comment (once).
      if (replyToAuthorId && replyToAuthorId !== authorId && !(await stillApart(replyToAuthorId, authorId))) {
        inputs.push({
          userId: replyToAuthorId,
          type: 'reply',
          targetType: 'comment',
          targetId: parentId!,
          actorId: authorId,
          data: { postId, commentId, preview },
          dedupeKey: `social.${event.id}.reply`,
        })
      }
      if (postAuthorId !== authorId && postAuthorId !== replyToAuthorId && !(await stillApart(postAuthorId, authorId))) {
        inputs.push({
          userId: postAuthorId,
          type: 'comment',
          targetType: 'post',
          targetId: postId,
          actorId: authorId,
          data: { postId, commentId, preview },
          dedupeKey: `social.${event.id}.comment`,
        })
      }
      await deps.notify(inputs)
    },
  }
}

/** Runs the handler of an event, if there is one (for the relay, and tests). */
export async function dispatchSocialEvent(handlers: Handlers, event: DeliveredEvent): Promise<void> {
  const handler = handlers[event.type] as ((e: DeliveredEvent) => Promise<void>) | undefined
  await handler?.(event)
}

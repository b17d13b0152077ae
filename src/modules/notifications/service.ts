import { and, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { messages, notifications, type NotificationRow } from '../../db/schema'
import { timeIdCursor } from '../../lib/cursor'
import { notFound } from '../../lib/errors'
import type { Redis } from '../../lib/redis'
import type { JobRunner } from '../../jobs/runner'
import type { PermissionService } from '../permissions/service'
import { withoutHiddenActors } from './actors'
import { toNotificationView, type NotificationView, type NotifyInput } from './model'
import { UnreadCounter } from './unread-count'

export interface NotificationDeps {
  db: Database
  redis: Redis
  jobs: Pick<JobRunner, 'enqueue' | 'enqueueBulk'>
  permissions: Pick<PermissionService, 'canViewRooms'>
}

/**
 * Which of `targetIds` (things of one kind) the user may still see. A feature built after
 * notifications registers one for the kinds of thing it owns (`checkTargets`): no import
 * cycle, and notifications need not know what a post is.
 */
export type TargetCheck = (userId: string, targetIds: string[]) => Promise<Set<string>>

export class NotificationService {
  private readonly unread: UnreadCounter

  private readonly permissions: NotificationDeps['permissions']

  private readonly targetChecks = new Map<string, TargetCheck>()

  constructor(private readonly res: NotificationDeps) {
    this.unread = new UnreadCounter(res)
    this.permissions = res.permissions
  }

  /**
   * Queues a notification; the notifications processor stores (and groups) it. A
   * `dedupeKey` makes the job id deterministic, so notifying twice for one event is harmless.
   */
  async notify(input: NotifyInput & { dedupeKey?: string }): Promise<string> {
    return this.res.jobs.enqueue({ queue: 'notifications', ...toJob(input) })
  }

  /** Queues several notifications in one round trip (one event notifying its recipients). */
  async notifyMany(inputs: (NotifyInput & { dedupeKey?: string })[]): Promise<void> {
    if (inputs.length === 0) return
    await this.res.jobs.enqueueBulk({ queue: 'notifications', jobs: inputs.map(toJob) })
  }

  async list(opts: { userId: string; cursor?: string; limit: number }): Promise<{
    notifications: NotificationView[]
    unreadCount: number
    nextCursor: string | null
  }> {
    const after = opts.cursor ? timeIdCursor.decode(opts.cursor) : undefined
    const rows = await this.res.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, opts.userId),
          after ? sql`(${notifications.latestAt}, ${notifications.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(notifications.latestAt), desc(notifications.id))
      .limit(opts.limit + 1)
    const page = rows.slice(0, opts.limit)
    const last = page[page.length - 1]
    return {
      notifications: (await this.stillYours(opts.userId, page)).map(toNotificationView),
      unreadCount: await this.unreadCount(opts.userId),
      nextCursor: rows.length > opts.limit && last ? timeIdCursor.encode(last.latestAt, last.id) : null,
    }
  }

  /** Notifications about things of `targetType` are shown only while `check` says the reader may see them. */
  checkTargets(targetType: string, check: TargetCheck): void {
    this.targetChecks.set(targetType, check)
  }

  /**
   * What a notification shows is checked when it is read, not only when it was made: one
   * about a room the user can no longer view is left out, and a deleted message's preview
   * is gone; one about a thing another feature checks (a post) is left out when that
   * feature says the reader may no longer see it, and the preview of a comment the reader
   * may no longer see (deleted, or hidden by a block) is gone; actors a rule hides (a
   * block, either way: actors.ts) are left out, and with them a row that has no one left.
   */
  private async stillYours(userId: string, page: NotificationRow[]): Promise<NotificationRow[]> {
    const checked = await this.stillVisibleTargets(userId, page)
    const fromVisible = await withoutHiddenActors(this.res.db, userId, checked)
    return this.withoutGoneComments(userId, await this.stillInRooms(userId, fromVisible))
  }

  /** A comment (`data.commentId`) the reader may no longer see loses its preview, as a deleted message does. */
  private async withoutGoneComments(userId: string, page: NotificationRow[]): Promise<NotificationRow[]> {
    const check = this.targetChecks.get('comment')
    const commentIds = page.flatMap((n) => {
      const id = (n.data as { commentId?: unknown } | null)?.commentId
      return typeof id === 'string' ? [id] : []
    })
    if (!check || commentIds.length === 0) return page
    const visible = await check(userId, [...new Set(commentIds)])
    return page.map((n) => {
      const data = n.data as { commentId?: unknown; preview?: unknown } | null
      return typeof data?.commentId === 'string' && !visible.has(data.commentId) && 'preview' in data ? { ...n, data: { ...data, preview: null } } : n
    })
  }

  private async stillVisibleTargets(userId: string, page: NotificationRow[]): Promise<NotificationRow[]> {
    const byType = new Map<string, Set<string>>()
    for (const n of page) {
      if (!this.targetChecks.has(n.targetType)) continue
      let ids = byType.get(n.targetType)
      if (!ids) byType.set(n.targetType, (ids = new Set()))
      ids.add(n.targetId)
    }
    if (byType.size === 0) return page
    const visible = new Map(
      await Promise.all([...byType].map(async ([type, ids]) => [type, await this.targetChecks.get(type)!(userId, [...ids])] as const)),
    )
    return page.filter((n) => visible.get(n.targetType)?.has(n.targetId) ?? true)
  }

  private async stillInRooms(userId: string, page: NotificationRow[]): Promise<NotificationRow[]> {
    const roomIds = page.filter((n) => n.targetType === 'room').map((n) => n.targetId)
    if (roomIds.length === 0) return page
    const messageIds = page.flatMap((n) => {
      const id = (n.data as { messageId?: unknown } | null)?.messageId
      return typeof id === 'string' ? [id] : []
    })
    const [visible, deleted] = await Promise.all([
      this.permissions.canViewRooms(userId, roomIds),
      messageIds.length
        ? this.res.db.select({ id: messages.id }).from(messages).where(and(inArray(messages.id, messageIds), isNotNull(messages.deletedAt)))
        : [],
    ])
    const gone = new Set(deleted.map((m) => m.id))
    return page
      .filter((n) => n.targetType !== 'room' || visible.has(n.targetId))
      .map((n) => {
        const data = n.data as { messageId?: string; preview?: string } | null
        return data?.messageId && gone.has(data.messageId) ? { ...n, data: { ...data, preview: null } } : n
      })
  }

  unreadCount(userId: string): Promise<number> {
    return this.unread.get(userId)
  }

  /** Marks read everything, or `upTo` (one of the user's notifications) and everything older. */
  async markRead({ userId, upTo }: { userId: string; upTo?: string }): Promise<void> {
    let bound: { latestAt: Date; id: string } | undefined
    if (upTo) {
      const [row] = await this.res.db
        .select({ latestAt: notifications.latestAt, id: notifications.id })
        .from(notifications)
        .where(and(eq(notifications.id, upTo), eq(notifications.userId, userId)))
      if (!row) throw notFound('notification')
      bound = row
    }
    await this.res.db.transaction(async (tx) => {
      // The user's lock first, as storing a notification takes it: the same order both ways, no deadlock.
      await this.unread.lock(tx as unknown as Database, userId)
      await tx
        .update(notifications)
        .set({ readAt: new Date() })
        .where(
          and(
            eq(notifications.userId, userId),
            isNull(notifications.readAt),
            bound ? sql`(${notifications.latestAt}, ${notifications.id}) <= (${bound.latestAt.toISOString()}::timestamptz, ${bound.id}::uuid)` : undefined,
          ),
        )
      await this.unread.reset(tx as unknown as Database, userId)
    })
  }
}


function toJob(input: NotifyInput & { dedupeKey?: string }) {
  const { dedupeKey, ...data } = input
  return {
    name: 'notification.create',
    data,
    ...(dedupeKey ? { jobId: `notify.${dedupeKey.replaceAll(':', '.')}` } : {}),
  }
}

import { UnrecoverableError } from 'bullmq'
import { and, desc, eq, gte, isNull, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { notifications, type NotificationRow } from '../../db/schema'
import { newId } from '../../lib/ids'
import type { NotifyInput } from './model'
import type { UnreadCounter } from './unread-count'

export const MAX_SAMPLE_ACTORS = 5

/**
 * Stores one notification event. Within the window, an unread row for the same
 * (user, type, target) absorbs it (count + 1, actor moved to the front); otherwise a new
 * row is created and the cached unread count grows. The user's advisory lock (held to
 * commit) keeps two concurrent events from both creating a row, and orders the count's
 * increment against its rebuilds. Returns the row and whether it is new.
 */
export async function storeNotification(
  db: Database,
  input: NotifyInput,
  opts: { windowSeconds: number; unread: UnreadCounter },
): Promise<{ row: NotificationRow; created: boolean }> {
  // Times come from here (millisecond precision) so list cursors compare exactly.
  const now = new Date()
  try {
    return await db.transaction(async (tx) => {
      await opts.unread.lock(tx as unknown as Database, input.userId)
      const [existing] =
        opts.windowSeconds > 0
          ? await tx
              .select()
              .from(notifications)
              .where(
                and(
                  eq(notifications.userId, input.userId),
                  eq(notifications.type, input.type),
                  eq(notifications.targetType, input.targetType),
                  eq(notifications.targetId, input.targetId),
                  isNull(notifications.readAt),
                  gte(notifications.latestAt, new Date(now.getTime() - opts.windowSeconds * 1000)),
                ),
              )
              .orderBy(desc(notifications.latestAt))
              .limit(1)
          : []
      if (existing) {
        const actors = input.actorId
          ? [input.actorId, ...existing.actors.filter((a) => a !== input.actorId)].slice(0, MAX_SAMPLE_ACTORS)
          : existing.actors
        const [row] = await tx
          .update(notifications)
          .set({ count: sql`${notifications.count} + 1`, actors, data: input.data ?? {}, latestAt: now })
          .where(eq(notifications.id, existing.id))
          .returning()
        return { row: row!, created: false }
      }
      const [row] = await tx
        .insert(notifications)
        .values({
          id: newId(),
          userId: input.userId,
          type: input.type,
          targetType: input.targetType,
          targetId: input.targetId,
          actors: input.actorId ? [input.actorId] : [],
          data: input.data ?? {},
          createdAt: now,
          latestAt: now,
        })
        .returning()
      await opts.unread.afterCreate(input.userId)
      return { row: row!, created: true }
    })
  } catch (err) {
    // The count may have been incremented for a row that did not commit: rebuild it next read.
    await opts.unread.forget(input.userId)
    if (foreignKeyViolation(err)) throw new UnrecoverableError(`user ${input.userId} does not exist`)
    throw err
  }
}

function foreignKeyViolation(err: unknown): boolean {
  for (let cur: any = err, i = 0; cur && i < 6; cur = cur.cause, i++) if (cur.code === '23503') return true
  return false
}

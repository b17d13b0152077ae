import { UnrecoverableError } from 'bullmq'
import { and, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import type { Queryable } from '../../db/tx'
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
        .values(freshRow(input.userId, input, now))
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

/**
 * Stores one event for many users (an `@everyone`) in set-based statements, as
 * storeNotification would for each: an unread row of the user's for the same type and target
 * within the window absorbs it, else a new row is created and counted. Runs in the caller's
 * transaction (where the caller also claims the work), taking every user's lock in one order
 * (by id, as the other callers that take several do) to its end. Returns the rows to push.
 */
export async function storeForMany(
  tx: Queryable,
  input: Omit<NotifyInput, 'userId'> & { userIds: string[] },
  opts: { windowSeconds: number; unread: UnreadCounter },
): Promise<NotificationRow[]> {
  const userIds = [...new Set(input.userIds)].sort()
  if (userIds.length === 0) return []
  const now = new Date()
  await opts.unread.lockMany(tx, userIds)
  const existing =
    opts.windowSeconds > 0
      ? await tx
          .selectDistinctOn([notifications.userId], { id: notifications.id, userId: notifications.userId })
          .from(notifications)
          .where(
            and(
              inArray(notifications.userId, userIds),
              eq(notifications.type, input.type),
              eq(notifications.targetType, input.targetType),
              eq(notifications.targetId, input.targetId),
              isNull(notifications.readAt),
              gte(notifications.latestAt, new Date(now.getTime() - opts.windowSeconds * 1000)),
            ),
          )
          .orderBy(notifications.userId, desc(notifications.latestAt))
      : []
  const grouped = existing.length
    ? await tx
        .update(notifications)
        .set({
          count: sql`${notifications.count} + 1`,
          // The actor to the front, once, and the newest MAX_SAMPLE_ACTORS kept: as storeNotification does in code.
          ...(input.actorId
            ? { actors: sql`(array[${input.actorId}::uuid] || array_remove(${notifications.actors}, ${input.actorId}::uuid))[1:${sql.raw(String(MAX_SAMPLE_ACTORS))}]` }
            : {}),
          data: input.data ?? {},
          latestAt: now,
        })
        .where(inArray(notifications.id, existing.map((e) => e.id)))
        .returning()
    : []
  const absorbed = new Set(existing.map((e) => e.userId))
  const fresh = userIds.filter((id) => !absorbed.has(id))
  const created = fresh.length
    ? await tx
        .insert(notifications)
        .values(fresh.map((userId) => freshRow(userId, input, now)))
        .returning()
    : []
  await opts.unread.afterCreateMany(fresh)
  return [...grouped, ...created]
}

function foreignKeyViolation(err: unknown): boolean {
  for (let cur: any = err, i = 0; cur && i < 6; cur = cur.cause, i++) if (cur.code === '23503') return true
  return false
}

/** A new row: the user's first notification of this kind on this target within the window. */
function freshRow(userId: string, input: Omit<NotifyInput, 'userId'>, now: Date): typeof notifications.$inferInsert {
  return {
    id: newId(),
    userId,
    type: input.type,
    targetType: input.targetType,
    targetId: input.targetId,
    actors: input.actorId ? [input.actorId] : [],
    data: input.data ?? {},
    createdAt: now,
    latestAt: now,
  }
}

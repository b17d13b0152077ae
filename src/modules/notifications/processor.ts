import type { NotificationRow } from '../../db/schema'
import type { JobContext, Processor } from '../../jobs/processors'
import { withoutHiddenActors } from './actors'
import { toNotificationView, type NotifyInput } from './model'
import { storeNotification } from './store'
import { UnreadCounter } from './unread-count'

/**
 * notifications/notification.create: store (grouped), count, then tell the user's sessions
 * what they may see of it (read-time rules: no hidden actor; nothing when none is left).
 */
async function createNotification(input: NotifyInput, ctx: JobContext) {
  const { row, created } = await storeNotification(ctx.db, input, {
    windowSeconds: ctx.config.jobs.notificationGroupWindowSeconds,
    unread: new UnreadCounter(ctx),
  })
  await pushNotification(ctx, row)
  return { notificationId: row.id, grouped: !created }
}

/** Tells the user's sessions of a stored notification as a read would show it: no hidden actor, and nothing when none is left. */
export async function pushNotification(ctx: Pick<JobContext, 'db' | 'live'>, row: NotificationRow): Promise<void> {
  const [shown] = await withoutHiddenActors(ctx.db, row.userId, [row])
  if (shown) await ctx.live.publishToUser(row.userId, { type: 'notification.created', data: toNotificationView(shown) })
}

export const notificationProcessors: Record<string, Processor> = {
  'notification.create': createNotification,
}

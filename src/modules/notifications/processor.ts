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
  const [shown] = await withoutHiddenActors(ctx.db, input.userId, [row])
  if (shown) await ctx.live.publishToUser(input.userId, { type: 'notification.created', data: toNotificationView(shown) })
  return { notificationId: row.id, grouped: !created }
}

export const notificationProcessors: Record<string, Processor> = {
  'notification.create': createNotification,
}

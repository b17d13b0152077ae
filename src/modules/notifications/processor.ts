import type { JobContext, Processor } from '../../jobs/processors'
import { toNotificationView, type NotifyInput } from './model'
import { storeNotification } from './store'
import { UnreadCounter } from './unread-count'

/** notifications/notification.create: store (grouped), count, then tell the user's sessions. */
async function createNotification(input: NotifyInput, ctx: JobContext) {
  const { row, created } = await storeNotification(ctx.db, input, {
    windowSeconds: ctx.config.jobs.notificationGroupWindowSeconds,
    unread: new UnreadCounter(ctx),
  })
  await ctx.live.publishToUser(input.userId, { type: 'notification.created', data: toNotificationView(row) })
  return { notificationId: row.id, grouped: !created }
}

export const notificationProcessors: Record<string, Processor> = {
  'notification.create': createNotification,
}

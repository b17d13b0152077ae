import { Elysia, t } from 'elysia'
import { authGuard } from '../auth/guard'
import type { AuthService } from '../auth/service'
import { ListQuery, NotificationPage, ReadBody } from './model'
import type { NotificationService } from './service'

export const notificationsModule = (auth: AuthService, notifications: NotificationService) =>
  new Elysia({ prefix: '/v1/notifications', detail: { tags: ['notifications'], security: [{ bearer: [] }] } })
    .use(authGuard(auth))
    .get(
      '',
      ({ user, query }) => notifications.list({ userId: user.id, cursor: query.cursor, limit: query.limit ?? 30 }),
      {
        query: ListQuery,
        response: { 200: NotificationPage },
        detail: { summary: 'Your notifications, newest activity first; grouped rows carry count and actors' },
      },
    )
    .post(
      '/read',
      async ({ user, body, set }) => {
        await notifications.markRead({ userId: user.id, upTo: body?.upTo })
        set.status = 204
      },
      {
        body: t.Optional(ReadBody),
        detail: { summary: 'Mark read: everything up to `upTo` (a notification id), or everything' },
      },
    )

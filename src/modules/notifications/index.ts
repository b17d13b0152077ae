import { Elysia, t } from 'elysia'
import type { authGuard } from '../auth/guard'
import { ListQuery, NotificationPage, ReadBody } from './model'
import type { NotificationService } from './service'
import type { MuteService } from './mutes'
import { UUID_PATTERN } from '../../lib/model'

const MuteParams = t.Object({
  kind: t.Union([t.Literal('room'), t.Literal('group'), t.Literal('community')]),
  id: t.String({ pattern: UUID_PATTERN }),
})
const Mute = t.Object({ kind: t.String(), id: t.String(), muted: t.Boolean(), until: t.Nullable(t.String()) })

export const notificationsModule = (signedIn: () => ReturnType<typeof authGuard>, notifications: NotificationService, mutes: MuteService) =>
  new Elysia({ prefix: '/v1/notifications', detail: { tags: ['notifications'], security: [{ bearer: [] }] } })
    .use(signedIn())
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
    .get('/mutes', ({ user }) => mutes.list(user.id), {
      response: { 200: t.Array(Mute) },
      detail: { summary: 'Your mute settings still in force' },
    })
    .put('/mutes/:kind/:id', ({ user, params, body }) => mutes.set(user.id, params, body), {
      params: MuteParams,
      body: t.Object({ muted: t.Boolean(), seconds: t.Optional(t.Integer({ minimum: 60, maximum: 365 * 86400 })) }),
      response: { 200: Mute },
      detail: {
        summary: 'Mute (or, under a muted parent, unmute) a room, group or community; the nearest setting above a room wins',
      },
    })
    .delete(
      '/mutes/:kind/:id',
      async ({ user, params, set }) => {
        await mutes.clear(user.id, params)
        set.status = 204
      },
      { params: MuteParams },
    )

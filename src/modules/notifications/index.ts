import { Elysia, t } from 'elysia'
import { defineFeature } from '../../feature'
import { NoContent } from '../../lib/model'
import type { SignedIn } from '../auth/guard'
import type { PermissionService } from '../permissions/service'
import { notificationReactions } from './events'
import { ListQuery, Mute, MuteBody, MuteParams, NotificationPage, ReadBody } from './model'
import { MuteService } from './mutes'
import { notificationProcessors } from './processor'
import { NotificationService, type NotificationDeps } from './service'

export type NotificationsDeps = NotificationDeps & { permissions: PermissionService; signedIn: SignedIn }

/**
 * Notifications: stored grouped (one row per user, type and target within a window),
 * counted exactly, pushed live, muted down the hierarchy. Mentions, replies and DMs
 * notify through the domain events (`message.created`), so none is lost to a crash.
 */
export const notificationsFeature = defineFeature<NotificationsDeps, { notifications: NotificationService }>({
  name: 'notifications',
  processors: { notifications: notificationProcessors },
  reactions: notificationReactions,
  build: (deps) => {
    const notifications = new NotificationService(deps)
    return { routes: notificationsRoutes(deps.signedIn, notifications, new MuteService(deps)), api: { notifications } }
  },
})

const notificationsRoutes = (signedIn: SignedIn, notifications: NotificationService, mutes: MuteService) =>
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
      async ({ user, body, status }) => {
        await notifications.markRead({ userId: user.id, upTo: body?.upTo })
        return status(204, undefined)
      },
      { response: { 204: NoContent },
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
      body: MuteBody,
      response: { 200: Mute },
      detail: {
        summary: 'Mute (or, under a muted parent, unmute) a room, group or community; the nearest setting above a room wins',
      },
    })
    .delete('/mutes/:kind/:id',
      async ({ user, params, status }) => {
        await mutes.clear(user.id, params)
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: MuteParams, detail: { summary: 'Clear your mute setting of a room, group or community' } },
    )

import { t, type Static } from 'elysia'
import type { NotificationRow } from '../../db/schema'
import { Id, QueryInt } from '../../lib/model'

export const Notification = t.Object({
  id: t.String(),
  type: t.String(),
  targetType: t.String(),
  targetId: t.String(),
  /** Sample of the users who caused it, newest first (at most 5). */
  actors: t.Array(t.String()),
  /** How many events are grouped in this row. */
  count: t.Integer(),
  data: t.Unknown(),
  read: t.Boolean(),
  readAt: t.Nullable(t.String({ format: 'date-time' })),
  createdAt: t.String({ format: 'date-time' }),
  latestAt: t.String({ format: 'date-time' }),
})

export const NotificationPage = t.Object({
  notifications: t.Array(Notification),
  unreadCount: t.Integer(),
  nextCursor: t.Nullable(t.String()),
})

export const ListQuery = t.Object({
  cursor: t.Optional(t.String({ maxLength: 200 })),
  limit: t.Optional(QueryInt('limit', { minimum: 1, maximum: 100, description: 'page size; default 30' })),
})

export const ReadBody = t.Object({
  upTo: t.Optional(t.String({ ...Id, description: 'a notification id: it and everything older is read; absent: all' })),
})

export type NotificationView = Static<typeof Notification>

export const toNotificationView = (n: NotificationRow): NotificationView => ({
  id: n.id,
  type: n.type,
  targetType: n.targetType,
  targetId: n.targetId,
  actors: n.actors,
  count: n.count,
  data: n.data,
  read: n.readAt !== null,
  readAt: n.readAt?.toISOString() ?? null,
  createdAt: n.createdAt.toISOString(),
  latestAt: n.latestAt.toISOString(),
})

export interface NotifyInput {
  userId: string
  type: string
  targetType: string
  targetId: string
  actorId?: string | null
  data?: Record<string, unknown>
}

export const MuteParams = t.Object({ kind: t.Union([t.Literal('room'), t.Literal('group'), t.Literal('community')]), id: Id })
export const Mute = t.Object({ kind: t.String(), id: t.String(), muted: t.Boolean(), until: t.Nullable(t.String()) })
export const MuteBody = t.Object({ muted: t.Boolean(), seconds: t.Optional(t.Integer({ minimum: 60, maximum: 365 * 86400 })) })

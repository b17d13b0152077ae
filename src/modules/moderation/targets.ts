import { eq } from 'drizzle-orm'
import type { Router } from '../../../rooms'
import type { Database } from '../../db/client'
import { messages } from '../../db/schema'
import { notFound } from '../../lib/errors'
import type { Redis } from '../../lib/redis'
import { HistoryCache } from '../messages/history-cache'
import { has, Perm } from '../permissions/bits'
import { requireBit, type PermissionService } from '../permissions/service'
import type { ReportTargetSource } from './ports'
import { PREVIEW_CHARS } from './report-store'

/**
 * Messages as report targets: seen where the viewer can view the room; removed through the
 * room's actor. Moderation is built before messages (messages screens its sends through
 * automod), so the delete is the room command itself, behind the same rule as a delete by
 * the message service: the author, or `manage_messages` in the room.
 */
export function messageTargets(deps: {
  db: Database
  redis: Redis
  permissions: PermissionService
  router: Pick<Router, 'send'>
}): ReportTargetSource {
  const history = new HistoryCache(deps.redis)
  return {
    async load(id, viewerId) {
      const [row] = await deps.db
        .select({ roomId: messages.roomId, authorId: messages.authorId, body: messages.body, deletedAt: messages.deletedAt })
        .from(messages)
        .where(eq(messages.id, id))
      if (!row || row.deletedAt) return undefined
      if (!has(await deps.permissions.inRoom(viewerId, row.roomId), Perm.view)) return undefined
      const place = await deps.permissions.placement(row.roomId)
      return { communityId: place?.communityId ?? null, roomId: row.roomId, authorId: row.authorId, preview: row.body.slice(0, PREVIEW_CHARS) }
    },
    async remove(id, actorId) {
      const [row] = await deps.db
        .select({ roomId: messages.roomId, authorId: messages.authorId, deletedAt: messages.deletedAt })
        .from(messages)
        .where(eq(messages.id, id))
      if (!row) throw notFound('message')
      const { bits } = await deps.permissions.requireRoom(actorId, row.roomId)
      if (row.authorId !== actorId) requireBit(bits, 'manage_messages')
      if (row.deletedAt) return
      await deps.router.send({ type: 'delete', roomId: row.roomId, messageId: id })
      await history.invalidate(row.roomId)
    },
  }
}

import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { messages } from '../../db/schema'
import { has, Perm } from '../permissions/bits'
import type { PermissionService } from '../permissions/service'
import type { ReportTargetSource } from './ports'
import { PREVIEW_CHARS } from './report-store'

/** Messages as report targets: seen where the viewer can view the room; removed through the message service. */
export function messageTargets(deps: {
  db: Database
  permissions: PermissionService
  /** The message service's delete (its own permission check applies: the author, or `manage_messages`). */
  remove(actorId: string, messageId: string): Promise<void>
}): ReportTargetSource {
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
    remove: (id, actorId) => deps.remove(actorId, id),
  }
}

import { and, asc, eq } from 'drizzle-orm'
import { messagePins } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import type { Database } from '../../db/client'
import type { Fanout } from '../../realtime/fanout'
import { has, Perm } from '../permissions/bits'
import type { PermissionService } from '../permissions/service'
import type { MessageService } from './service'
import { lockKey } from '../../db/tx'

const MAX_PINS = 50

/** Pinned messages of a room (pin_messages or manage_messages), announced to the room. */
export interface PinDeps {
  db: Database
  permissions: PermissionService
  messages: Pick<MessageService, 'history' | 'find' | 'requireUnblocked'>
  live: Fanout
}

export class PinService {
  private readonly permissions: PermissionService
  private readonly messages: PinDeps['messages']
  private readonly fanout: Fanout

  constructor(private readonly res: PinDeps) {
    this.permissions = res.permissions
    this.messages = res.messages
    this.fanout = res.live
  }

  async list(userId: string, roomId: string) {
    await this.permissions.requireRoom(userId, roomId)
    const rows = await this.res.db.select().from(messagePins).where(eq(messagePins.roomId, roomId)).orderBy(asc(messagePins.pinnedAt))
    const byId = new Map((await this.messages.history.byIds(rows.map((r) => r.messageId))).map((m) => [m.id, m]))
    return rows.flatMap((r) => {
      const m = byId.get(r.messageId)
      return m && !m.deletedAt ? [{ messageId: r.messageId, pinnedBy: r.pinnedBy, pinnedAt: r.pinnedAt.toISOString() }] : []
    })
  }

  async set(userId: string, roomId: string, messageId: string, on: boolean) {
    const { bits, placement } = await this.permissions.requireRoom(userId, roomId)
    if (!has(bits, Perm.pin_messages) && !has(bits, Perm.manage_messages)) {
      throw new AppError('missing_permission', 'you need the pin_messages permission here', { details: { permission: 'pin_messages' } })
    }
    // A pin is something said in a DM: not between people who block each other (an unpin, taking back, is).
    if (on) await this.messages.requireUnblocked(userId, roomId, placement)
    const message = await this.messages.find(messageId)
    if (message.roomId !== roomId || message.deletedAt) throw notFound('message')
    if (on) {
      // Counted and added under the room's pin lock: pins made at once cannot pass the limit together.
      await this.res.db.transaction(async (tx) => {
        await lockKey(tx, `pins:${roomId}`)
        const existing = await tx.select({ id: messagePins.messageId }).from(messagePins).where(eq(messagePins.roomId, roomId))
        if (existing.length >= MAX_PINS && !existing.some((e) => e.id === messageId)) {
          throw new AppError('conflict', `a room holds at most ${MAX_PINS} pins`)
        }
        await tx.insert(messagePins).values({ roomId, messageId, pinnedBy: userId }).onConflictDoNothing()
      })
    } else {
      await this.res.db.delete(messagePins).where(and(eq(messagePins.roomId, roomId), eq(messagePins.messageId, messageId)))
    }
    this.fanout.toRoom(roomId, { type: on ? 'message.pinned' : 'message.unpinned', data: { messageId, by: userId } })
  }
}

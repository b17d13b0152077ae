import type { Redis } from '../lib/redis'
import type { MessageService } from '../modules/messages/service'
import type { ReceiptService } from '../modules/messages/receipts'
import { has, Perm } from '../modules/permissions/bits'
import type { PermissionService } from '../modules/permissions/service'
import type { Fanout } from './fanout'
import type { Gateway, Socket } from './gateway'
import type { RoomHub } from './hub'
import type { Presence } from './presence'
import type { ClientOp, OpName } from './protocol'

export interface OpContext {
  gateway: Gateway
  permissions: PermissionService
  messages: MessageService
  receipts: ReceiptService
  hub: RoomHub
  fanout: Fanout
  presence: Presence
  redis: Redis
}

type AnyOp = { [N in OpName]: ClientOp<N> }[OpName]
type Answer = Record<string, unknown> | undefined

const TYPING_MS = 8000
/** Missed messages a subscribe replays over the socket; beyond this the client pages them in over REST. */
export const MAX_REPLAY = 5000

/** Runs one client op for a socket; returns the answer frame (ack, pong) or nothing. */
export async function handleOp(op: AnyOp, socket: Socket, ctx: OpContext): Promise<Answer> {
  const userId = socket.user.id
  const ack = (fields: Record<string, unknown> = {}) => ({ op: 'ack', id: op.id, ...fields })
  switch (op.op) {
    case 'ping':
      return { op: 'pong', id: op.id }

    case 'auth':
      await ctx.gateway.renew(socket, op.token)
      return ack({ expiresAt: new Date(socket.user.expiresAt).toISOString() })

    case 'subscribe': {
      const changesBefore = ctx.gateway.permissionChanges
      const { placement } = await ctx.permissions.requireRoom(userId, op.roomId)
      socket.rooms.set(op.roomId, placement.communityId ?? `room:${op.roomId}`)
      const lastSeq = await ctx.messages.lastSeq(op.roomId)
      // Closed, unsubscribed or lost access while we waited: join nothing.
      if (socket.closed || !socket.rooms.has(op.roomId)) return ack({ roomId: op.roomId, lastSeq, joined: false })
      // The ack goes first; what was missed follows it, then live events.
      ctx.gateway.reply(socket, ack({ roomId: op.roomId, lastSeq }))
      let from = op.sinceSeq
      if (from !== undefined && lastSeq - from > MAX_REPLAY) {
        // Too much to replay over a socket: the client pages it in over REST, live events follow.
        const data = { roomId: op.roomId, sinceSeq: from, lastSeq, limit: MAX_REPLAY }
        ctx.gateway.reply(socket, { op: 'event', type: 'subscription.resync', roomId: op.roomId, data })
        from = lastSeq
      }
      await ctx.hub.join(socket.raw, op.roomId, from)
      if (socket.closed || !socket.rooms.has(op.roomId)) return void ctx.hub.leave(socket.raw, op.roomId)
      // A permission change heard while this subscribe was checking found no room to revoke yet.
      if (ctx.gateway.permissionChanges !== changesBefore && !has(await ctx.permissions.inRoom(userId, op.roomId), Perm.view)) {
        ctx.gateway.revoke(socket, op.roomId)
      }
      return undefined
    }

    case 'unsubscribe':
      socket.rooms.delete(op.roomId)
      ctx.hub.leave(socket.raw, op.roomId)
      return ack({ roomId: op.roomId })

    case 'send': {
      // Sends of one socket are checked and queued in order; their commits overlap.
      const queued = socket.sendChain.then(() =>
        ctx.messages.prepareSend(userId, op.roomId, { nonce: op.nonce, body: op.body, replyTo: op.replyTo, attachments: op.attachments }),
      )
      socket.sendChain = queued.then(
        () => undefined,
        () => undefined,
      )
      const commit = await queued
      const result = await commit()
      return ack({ roomId: op.roomId, messageId: result.messageId, seq: result.seq, duplicate: result.duplicate })
    }

    case 'edit': {
      const message = await ctx.messages.edit(userId, op.messageId, op.body)
      return ack({ messageId: message.id, editedAt: message.editedAt })
    }

    case 'delete':
      await ctx.messages.remove(userId, op.messageId)
      return ack({ messageId: op.messageId })

    case 'react': {
      const result = await ctx.messages.react(userId, op.messageId, op.emoji, op.on)
      return ack({ messageId: op.messageId, emoji: op.emoji, count: result.count })
    }

    case 'typing': {
      await ctx.permissions.requireRoom(userId, op.roomId, 'send')
      // One typing event per user and room every 3 s at most; never stored.
      const fresh = await ctx.redis.client.set(ctx.redis.key('typing', op.roomId, userId), '1', {
        condition: 'NX',
        expiration: { type: 'PX', value: 3000 },
      })
      if (fresh === 'OK') ctx.fanout.toRoom(op.roomId, { type: 'typing', data: { userId, expiresInMs: TYPING_MS } })
      return op.id === undefined ? undefined : ack()
    }

    case 'read': {
      const state = await ctx.receipts.markRead(userId, op.roomId, op.seq)
      return ack({ roomId: op.roomId, readSeq: state.readSeq, unread: state.unread })
    }

    case 'delivered': {
      const seq = await ctx.receipts.markDelivered(userId, op.roomId, op.seq)
      return ack({ roomId: op.roomId, deliveredSeq: seq })
    }

    case 'presence':
      await ctx.presence.set(userId, op.status)
      return ack({ status: op.status })
  }
}

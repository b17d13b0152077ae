import type { Redis } from '../../lib/redis'
import type { Fanout } from '../../realtime/fanout'
import type { OpHandlers } from '../../realtime/ops'
import type { PermissionService } from '../permissions/service'
import type { ReceiptService } from './receipts'
import type { MessageService } from './service'

const TYPING_MS = 8000

/** The WebSocket ops of messages: the same service as REST, so the same checks and limits. */
export function messageOps(deps: {
  messages: MessageService
  receipts: ReceiptService
  permissions: PermissionService
  redis: Redis
  live: Fanout
}): OpHandlers {
  const { messages, receipts } = deps
  return {
    // Sends of one socket are checked and queued in order; their commits overlap.
    send: async (op, caller) => {
      const input = { nonce: op.nonce, body: op.body, replyTo: op.replyTo, attachments: op.attachments }
      const ack = await caller.ordered(() => messages.prepareSend(caller.userId, op.roomId, input))
      return { roomId: op.roomId, messageId: ack.messageId, seq: ack.seq, duplicate: ack.duplicate }
    },
    edit: async (op, caller) => {
      const message = await messages.edit(caller.userId, op.messageId, op.body)
      return { messageId: message.id, editedAt: message.editedAt }
    },
    delete: async (op, caller) => {
      await messages.remove(caller.userId, op.messageId)
      return { messageId: op.messageId }
    },
    react: async (op, caller) => {
      const result = await messages.react(caller.userId, op.messageId, op.emoji, op.on)
      return { messageId: op.messageId, emoji: op.emoji, count: result.count }
    },
    typing: async (op, caller) => {
      const { placement } = await deps.permissions.requireRoom(caller.userId, op.roomId, 'send')
      await messages.requireUnblocked(caller.userId, op.roomId, placement)
      // One typing event per user and room every 3 s at most; never stored.
      const fresh = await deps.redis.client.set(deps.redis.key('typing', op.roomId, caller.userId), '1', {
        condition: 'NX',
        expiration: { type: 'PX', value: 3000 },
      })
      if (fresh === 'OK') deps.live.toRoom(op.roomId, { type: 'typing', data: { userId: caller.userId, expiresInMs: TYPING_MS } })
      return op.id === undefined ? undefined : {}
    },
    read: async (op, caller) => {
      const state = await receipts.markRead(caller.userId, op.roomId, op.seq)
      return { roomId: op.roomId, readSeq: state.readSeq, unread: state.unread }
    },
    delivered: async (op, caller) => {
      const seq = await receipts.markDelivered(caller.userId, op.roomId, op.seq)
      return { roomId: op.roomId, deliveredSeq: seq }
    },
  }
}

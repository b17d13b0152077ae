import { t } from 'elysia'
import type { Message } from '../../../rooms'
import { Id, QueryInt } from '../../lib/model'

export const MessageT = t.Object({
  id: t.String(),
  roomId: t.String(),
  seq: t.Number(),
  authorId: t.String(),
  nonce: t.String(),
  body: t.String(),
  replyTo: t.Nullable(t.String()),
  threadRootId: t.Nullable(t.String()),
  attachments: t.Array(t.String()),
  mentions: t.Array(t.String()),
  mentionEveryone: t.Boolean(),
  reactions: t.Array(t.Object({ emoji: t.String(), count: t.Number() })),
  createdAt: t.String(),
  editedAt: t.Nullable(t.String()),
  deletedAt: t.Nullable(t.String()),
})

export const SendBody = t.Object({
  body: t.String({ minLength: 1, maxLength: 4000 }),
  nonce: t.String({ minLength: 1, maxLength: 64 }),
  replyTo: t.Optional(Id),
  attachments: t.Optional(t.Array(Id, { maxItems: 10 })),
})

// Whole numbers a bigint column and a JS number both hold exactly.
const Seq = (name: string) => QueryInt(name, { minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'a seq' })
export const HistoryQueryT = t.Object({
  before: t.Optional(Seq('before')),
  after: t.Optional(Seq('after')),
  around: t.Optional(Seq('around')),
  limit: t.Optional(QueryInt('limit', { minimum: 1, maximum: 100, description: 'page size; default 50' })),
})

export const HistoryPage = t.Object({ messages: t.Array(MessageT) })
export const Thread = t.Object({ root: MessageT, replies: t.Array(MessageT) })
export const PinList = t.Array(t.Object({ messageId: t.String(), pinnedBy: t.Nullable(t.String()), pinnedAt: t.String() }))

export const EditBody = t.Object({ body: t.String({ minLength: 1, maxLength: 4000 }) })
export const ReadBody = t.Object({ seq: t.Integer({ minimum: 0 }) })
export const ReactionParams = t.Object({ id: Id, emoji: t.String({ minLength: 1, maxLength: 64 }) })
export const PinParams = t.Object({ id: Id, messageId: Id })
export const UnreadRoomT = t.Object({
  roomId: t.String(),
  unread: t.Number(),
  mentions: t.Number(),
  lastSeq: t.Number(),
  readSeq: t.Number(),
})
export const UnreadList = t.Object({ rooms: t.Array(UnreadRoomT) })

export const toMessageView = (m: Message) => ({
  id: m.id,
  roomId: m.roomId,
  seq: m.seq,
  authorId: m.authorId,
  nonce: m.nonce,
  body: m.body,
  replyTo: m.replyToId,
  threadRootId: m.threadRootId,
  attachments: m.attachments,
  mentions: m.mentions,
  mentionEveryone: m.mentionEveryone,
  reactions: m.reactions,
  createdAt: m.createdAt.toISOString(),
  editedAt: m.editedAt?.toISOString() ?? null,
  deletedAt: m.deletedAt?.toISOString() ?? null,
})


export type MessageView = ReturnType<typeof toMessageView>

declare module '../../domain-events/types' {
  interface DomainEventMap {
    /** One per committed message; its id is the message's. `roomKind` says whether it is a DM. */
    'message.created': { message: MessageView; roomKind: string }
    'message.updated': { message: MessageView }
    'message.deleted': { messageId: string; roomId: string }
  }
}

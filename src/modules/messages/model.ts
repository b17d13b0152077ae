import { t } from 'elysia'
import { Id } from '../../lib/model'

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
const Seq = t.Numeric({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, multipleOf: 1 })
export const HistoryQueryT = t.Object({
  before: t.Optional(Seq),
  after: t.Optional(Seq),
  around: t.Optional(Seq),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, description: 'page size; default 50' })),
})

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

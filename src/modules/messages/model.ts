import { t, type Static } from 'elysia'
import type { Message } from '../../../rooms'
import { Id, QueryInt } from '../../lib/model'
import { MediaSummary, type MediaSummaryView } from '../media/model'
import { PollDefinitionT } from '../polls/definition'

const MessageKindT = t.Union([t.Literal('text'), t.Literal('poll'), t.Literal('survey')])

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
  attachmentInfo: t.Optional(
    t.Array(MediaSummary, {
      description: 'the attachments as they are now (status, type, size, dimensions, thumbhash), in order: a placeholder before the URLs (GET /v1/media/:id)',
    }),
  ),
  mentions: t.Array(t.String()),
  mentionEveryone: t.Boolean(),
  /** `text`, or `poll` (the message carries `pollId` and, in history, the poll's definition), or `survey` (`surveyId`). */
  kind: MessageKindT,
  pollId: t.Optional(t.String()),
  surveyId: t.Optional(t.String()),
  /**
   * A poll message's poll as every reader sees it (no counts; `GET /v1/polls/:id` has
   * what you may see of those). In history and message reads; live events carry `pollId`.
   */
  poll: t.Optional(PollDefinitionT),
  reactions: t.Array(t.Object({ emoji: t.String(), count: t.Integer(), me: t.Optional(t.Boolean({ description: 'whether you reacted so (REST answers; live events leave it out)' })) })),
  duplicate: t.Optional(t.Boolean({ description: 'on a send: true when this nonce was sent before and this is the first answer again' })),
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

export type MessageView = Static<typeof MessageT>

export const toMessageView = (m: Message): MessageView => ({
  id: m.id,
  roomId: m.roomId,
  seq: m.seq,
  authorId: m.authorId,
  nonce: m.nonce,
  body: m.body,
  replyTo: m.replyToId,
  threadRootId: m.threadRootId,
  attachments: m.attachments,
  ...(m.attachmentInfo ? { attachmentInfo: m.attachmentInfo as MediaSummaryView[] } : {}),
  mentions: m.mentions,
  mentionEveryone: m.mentionEveryone,
  kind: m.kind ?? 'text',
  ...(m.pollId ? { pollId: m.pollId } : {}),
  ...(m.surveyId ? { surveyId: m.surveyId } : {}),
  reactions: m.reactions,
  createdAt: m.createdAt.toISOString(),
  editedAt: m.editedAt?.toISOString() ?? null,
  deletedAt: m.deletedAt?.toISOString() ?? null,
})


declare module '../../domain-events/types' {
  interface DomainEventMap {
    /** One per committed message; its id is the message's. `roomKind` says whether it is a DM. */
    'message.created': { message: MessageView; roomKind: string }
    'message.updated': { message: MessageView }
    /** `kind`: what the deleted message was (`poll`: its poll closes and hides). */
    'message.deleted': { messageId: string; roomId: string; kind: MessageView['kind'] }
  }
}

/**
 * A message as a live event carries it (`message.created`, `message.updated`): the view
 * without what the reader already has or cannot use. No null fields and no empty lists
 * or false flags (absent means none); not the room, which the event names, nor on
 * `message.created` the seq, which the event carries. The nonce stays: the author's
 * client matches its pending copy by it (the event can arrive before the ack).
 */
export function toMessageEventView(m: Message, { withSeq }: { withSeq: boolean }) {
  const view: Partial<Omit<MessageView, 'roomId'>> = { id: m.id }
  if (withSeq) view.seq = m.seq
  view.authorId = m.authorId
  view.nonce = m.nonce
  view.body = m.body
  if (m.replyToId) view.replyTo = m.replyToId
  if (m.threadRootId) view.threadRootId = m.threadRootId
  if (m.attachments.length > 0) view.attachments = m.attachments
  if (m.attachmentInfo?.length) view.attachmentInfo = m.attachmentInfo as MediaSummaryView[]
  if (m.mentions.length > 0) view.mentions = m.mentions
  if (m.mentionEveryone) view.mentionEveryone = true
  if (m.reactions.length > 0) view.reactions = m.reactions
  view.createdAt = m.createdAt.toISOString()
  if (m.editedAt) view.editedAt = m.editedAt.toISOString()
  if (m.deletedAt) view.deletedAt = m.deletedAt.toISOString()
  if (m.kind && m.kind !== 'text') view.kind = m.kind
  if (m.pollId) view.pollId = m.pollId
  if (m.surveyId) view.surveyId = m.surveyId
  return view
}

/** Nonces the server gives the messages of polls and surveys (`poll.<id>`); a client's may not look like them. */
export const RESERVED_NONCE = /^(poll|survey)\./

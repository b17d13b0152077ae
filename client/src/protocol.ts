import type { Data, Message } from './rest'

// The WebSocket protocol of API.md as the client speaks it. The frames and events are not in
// the OpenAPI document: these types follow src/realtime/protocol.ts and the modules that push
// events (src/realtime/hub.ts toOutbound, src/modules/messages/model.ts toMessageEventView).

export const CloseCode = {
  badToken: 4001,
  rateLimited: 4008,
  tooSlow: 4009,
  goingAway: 4012,
} as const

export type PresenceStatus = 'online' | 'idle' | 'dnd'

/** Client ops and their fields (besides `op` and `id`). */
export interface ClientOps {
  subscribe: { roomId: string; sinceSeq?: number }
  unsubscribe: { roomId: string }
  send: { roomId: string; nonce: string; body: string; replyTo?: string; attachments?: string[] }
  edit: { messageId: string; body: string }
  delete: { messageId: string }
  react: { messageId: string; emoji: string; on: boolean }
  typing: { roomId: string }
  read: { roomId: string; seq: number }
  delivered: { roomId: string; seq: number }
  presence: { status: PresenceStatus }
  ping: Record<string, never>
  auth: { token: string }
}

/** What each op's ack carries. */
export interface OpAcks {
  subscribe: { roomId: string; lastSeq: number; joined?: false }
  unsubscribe: { roomId: string }
  send: { roomId: string; messageId: string; seq: number; duplicate?: boolean }
  edit: { messageId: string; editedAt: string | null }
  delete: { messageId: string }
  react: { messageId: string; emoji: string; count: number }
  typing: Record<string, never>
  read: { roomId: string; readSeq: number; unread: number }
  delivered: { roomId: string; deliveredSeq: number }
  presence: Record<string, unknown>
  ping: Record<string, never>
  auth: { expiresAt: string }
}

export type OpName = keyof ClientOps

export type ServerFrame =
  | ({ op: 'ack'; id: string | number } & Record<string, unknown>)
  | { op: 'error'; id?: string | number; code: string; message: string; retryAfter?: number }
  | { op: 'pong'; id?: string | number }
  | { op: 'event'; type: string; roomId?: string; seq?: number; data: unknown }

/**
 * A message as `message.created` carries it: the history view without the room (the event
 * names it) and the seq (the event carries it), and without nulls, empty lists or false
 * flags (absent means none).
 */
export type MessageEventView = Pick<Message, 'id' | 'authorId' | 'nonce' | 'body' | 'createdAt'> &
  Partial<Omit<Message, 'id' | 'roomId' | 'authorId' | 'nonce' | 'body' | 'createdAt'>>

/** A live view filled out to the history shape: absent fields are their defaults. */
export function toMessage(view: MessageEventView, roomId: string, seq: number): Message {
  return {
    ...view,
    id: view.id,
    roomId,
    seq,
    authorId: view.authorId,
    nonce: view.nonce,
    body: view.body,
    replyTo: view.replyTo ?? null,
    threadRootId: view.threadRootId ?? null,
    attachments: view.attachments ?? [],
    mentions: view.mentions ?? [],
    mentionEveryone: view.mentionEveryone ?? false,
    kind: view.kind ?? 'text',
    reactions: view.reactions ?? [],
    createdAt: view.createdAt,
    editedAt: view.editedAt ?? null,
    deletedAt: view.deletedAt ?? null,
  }
}

type Notification = Data<'/v1/notifications', 'get'>['notifications'][number]
type UnreadRoom = Data<'/v1/me/unread', 'get'>['rooms'][number]
type Room = Data<'/v1/rooms/{id}', 'get'>

/** A poll's live state: the room's view (`audience: 'room'`) or the voter's own (`'you'`, with `myChoices`). */
export interface PollUpdate {
  audience: 'room' | 'you'
  id: string
  roomId: string
  messageId: string
  closed: boolean
  options: { id: string; text?: string; votes?: number }[]
  [field: string]: unknown
}

/** Events with their data, as `onEvent` delivers them (message.created goes to `onMessage`). */
export interface EventMap {
  'message.updated': { message: Message; editedBy?: string }
  'message.deleted': { messageId: string; seq: number }
  'reaction.added': { messageId: string; userId: string; emoji: string; count: number }
  'reaction.removed': { messageId: string; userId: string; emoji: string; count: number }
  'message.pinned': { messageId: string; by: string }
  'message.unpinned': { messageId: string; by: string }
  typing: { userId: string; expiresInMs: number }
  'receipt.read': { userId: string; seq: number }
  'receipt.delivered': { userId: string; seq: number }
  'presence.updated': { userId: string; status: PresenceStatus | 'offline' }
  /** Someone joined a community (to its members' sockets) or was added to a private room or group DM (to its members and them). */
  'member.joined': { communityId: string; userId: string; via: 'invite' | 'created' } | { roomId: string; userId: string }
  'member.left': { communityId: string; userId: string; reason: string } | { roomId: string; userId: string }
  'room.updated': { room: Room }
  'poll.updated': PollUpdate
  'subscription.resync': { roomId: string; sinceSeq: number; lastSeq: number; limit: number }
  'subscription.revoked': { roomId: string }
  'unread.updated': UnreadRoom
  'notification.created': Notification
  'feed.updated': { count: number }
  'media.updated': { id: string; status: string; [field: string]: unknown }
  /** Every event, known or not (its raw data). */
  '*': unknown
}

export type EventType = keyof EventMap

export interface EventMeta {
  type: string
  roomId?: string
}

import type { Database } from '../src/db/client'
import type { MessageKind } from '../src/db/schema'
import type { Logger } from '../src/lib/log'

/** What the room runtime is built from: the database, a logger, and the two settings it reads. */
export interface RoomResources {
  db: Database
  log: Logger
  config: {
    /** This node's name, recorded as a room's owner. */
    nodeId: string
    /** An actor idle this long is evicted. */
    roomIdleSeconds: number
  }
}

export interface SendCommand {
  type: 'send'
  roomId: string
  authorId: string
  /** Chosen by the client; the same (room, author, nonce) always returns the first ack. */
  nonce: string
  body: string
  replyTo?: string
  attachments?: string[]
  /** What the sender's check found of the attachments (media summaries): shown with the live message, never stored. */
  attachmentInfo?: object[]
  mentions?: string[]
  mentionEveryone?: boolean
  /** `text` when absent; a `poll` message names its poll, a `survey` message its survey. */
  kind?: MessageKind
  pollId?: string
  surveyId?: string
}

export interface EditCommand {
  type: 'edit'
  roomId: string
  messageId: string
  actorId: string
  body: string
  /** Who the new body mentions (user ids), and whether it says @everyone or @here; absent: kept as they were. */
  mentions?: string[]
  mentionEveryone?: boolean
}

export interface DeleteCommand {
  type: 'delete'
  roomId: string
  messageId: string
}

export interface ReactCommand {
  type: 'react'
  roomId: string
  messageId: string
  userId: string
  emoji: string
  on: boolean
}

export type RoomCommand = SendCommand | EditCommand | DeleteCommand | ReactCommand

export interface SendAck {
  messageId: string
  seq: number
  createdAt: Date
  /** True when this nonce had been sent before: the ack is the original one. */
  duplicate: boolean
}

export interface ReactionResult {
  /** False when the reaction was already in the asked state (nothing happened). */
  changed: boolean
  count: number
}

export type CommandResult<C extends RoomCommand> = C extends SendCommand
  ? SendAck
  : C extends EditCommand
    ? Message
    : C extends DeleteCommand
      ? { messageId: string }
      : ReactionResult

export interface ReactionCount {
  emoji: string
  count: number
}

/** Text, or the message that carries a poll (`pollId`) or announces a survey (`surveyId`). */
export type { MessageKind }

/** A message as clients see it. A deleted message is a tombstone: empty body, `deletedAt` set. */
export interface Message {
  id: string
  roomId: string
  seq: number
  authorId: string
  nonce: string
  body: string
  replyToId: string | null
  threadRootId: string | null
  attachments: string[]
  /** Set on a message just sent (from its SendCommand); reads from Postgres leave it out. */
  attachmentInfo?: object[]
  mentions: string[]
  mentionEveryone: boolean
  kind: MessageKind
  pollId: string | null
  surveyId: string | null
  createdAt: Date
  editedAt: Date | null
  deletedAt: Date | null
  reactions: ReactionCount[]
}

export type RoomEventType = 'message.created' | 'message.updated' | 'message.deleted' | 'reaction.added' | 'reaction.removed'

export interface RoomEvent {
  type: RoomEventType
  roomId: string
  /** The message's seq, on `message.created` only. */
  seq?: number
  /** The room's last seq when the event happened (orders every event; lets a resume find its place). */
  atSeq: number
  data: Record<string, unknown>
}

export type RoomListener = (event: RoomEvent) => void

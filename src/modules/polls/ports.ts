// What the polls and surveys modules need from the rest of Hearth, as narrow ports. The
// app backs them (room actors, the fan-out, the outbox); tests back them with the real
// message service and collectors.
import type { Database } from '../../db/client'

export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0]

export interface LiveEvent {
  type: string
  data: unknown
}

/** Live pushes to sockets (may be lost; the state is always readable over REST). */
export interface LivePort {
  toRoom(roomId: string, event: LiveEvent): void
  toUser(userId: string, event: LiveEvent): void
}

/** A committed message's place in its room. */
export interface PostedMessage {
  messageId: string
  seq: number
  createdAt?: Date
}

/**
 * Commits the message of kind `poll` that carries a poll, through the room's actor (in
 * seq order, idempotent by (room, author, nonce)). `body` is the question, for clients
 * that do not know polls.
 */
export interface PollMessagePort {
  postPollMessage(input: { roomId: string; authorId: string; pollId: string; nonce: string; body: string }): Promise<PostedMessage>
}

/** Commits the message of kind `survey` that announces a survey in a room. */
export interface SurveyMessagePort {
  postSurveyMessage(input: { roomId: string; authorId: string; surveyId: string; nonce: string; body: string }): Promise<PostedMessage>
}

export interface DomainEventInput {
  type: string
  data: Record<string, unknown>
  communityId?: string | null
  roomId?: string | null
  actorId?: string | null
}

/** Writes a domain event inside the transaction of the change it records (the outbox). */
export type RecordEvent = (tx: Tx, event: DomainEventInput) => Promise<void>

import { messageKinds } from '../src/db/schema'
import { AppError } from '../src/lib/errors'
import { isUuid } from '../src/lib/ids'
import type { RoomCommand, SendCommand } from './types'

export const limits = {
  bodyChars: 4000,
  nonceChars: 64,
  attachments: 10,
  mentions: 100,
  emojiChars: 64,
} as const

function fail(field: string, message: string, limit?: number): never {
  throw new AppError('validation_failed', message, { details: { field, limit } })
}

function uuid(field: string, value: unknown) {
  if (typeof value !== 'string' || !isUuid(value)) fail(field, `${field} must be an id`)
}

function ids(field: string, value: unknown, max: number) {
  if (value === undefined) return
  if (!Array.isArray(value)) fail(field, `${field} must be a list of ids`)
  if (value.length > max) fail(field, `at most ${max} ${field} per message (got ${value.length})`, max)
  value.forEach((v) => uuid(field, v))
}

function body(value: unknown, allowEmpty: boolean) {
  if (typeof value !== 'string') fail('body', 'body must be text')
  // Characters as people count them (code points), so an emoji is one, not two.
  const chars = value.length > limits.bodyChars ? [...value].length : value.length
  if (chars > limits.bodyChars) {
    fail('body', `body is ${chars} characters; the limit is ${limits.bodyChars}`, limits.bodyChars)
  }
  if (!allowEmpty && value.trim() === '') fail('body', 'body is empty')
}

/** A poll message names its poll, a survey message its survey, a text message neither (the table's check, before a batch meets it). */
function kind(command: SendCommand) {
  const k = command.kind ?? 'text'
  if (!messageKinds.includes(k)) fail('kind', 'kind must be text, poll or survey')
  if (k === 'poll') uuid('pollId', command.pollId)
  else if (command.pollId !== undefined) fail('pollId', 'only a poll message names a poll')
  if (k === 'survey') uuid('surveyId', command.surveyId)
  else if (command.surveyId !== undefined) fail('surveyId', 'only a survey message names a survey')
}

/** Rejects a malformed command before it reaches a mailbox (so a bad send never spoils a batch). */
export function validateCommand(command: RoomCommand): void {
  uuid('roomId', command.roomId)
  switch (command.type) {
    case 'send': {
      uuid('authorId', command.authorId)
      const nonce = command.nonce
      if (typeof nonce !== 'string' || nonce.length === 0) fail('nonce', 'nonce is required')
      if (nonce.length > limits.nonceChars) {
        fail('nonce', `nonce is ${nonce.length} characters; the limit is ${limits.nonceChars}`, limits.nonceChars)
      }
      ids('attachments', command.attachments, limits.attachments)
      ids('mentions', command.mentions, limits.mentions)
      body(command.body, (command.attachments?.length ?? 0) > 0)
      if (command.replyTo !== undefined) uuid('replyTo', command.replyTo)
      kind(command)
      return
    }
    case 'edit':
      uuid('messageId', command.messageId)
      uuid('actorId', command.actorId)
      ids('mentions', command.mentions, limits.mentions)
      body(command.body, false)
      return
    case 'delete':
      uuid('messageId', command.messageId)
      return
    case 'react': {
      uuid('messageId', command.messageId)
      uuid('userId', command.userId)
      const emoji = command.emoji
      if (typeof emoji !== 'string' || emoji.length === 0) fail('emoji', 'emoji is required')
      if (emoji.length > limits.emojiChars) fail('emoji', `emoji is longer than ${limits.emojiChars} characters`, limits.emojiChars)
      return
    }
    default:
      fail('type', `unknown command ${(command as { type: unknown }).type}`)
  }
}

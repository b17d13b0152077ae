import { and, eq, inArray, sql } from 'drizzle-orm'
import { RoomHistory, type HistoryQuery, type Router, type SendAck } from '../../../rooms'
import type { Config } from '../../config'
import type { Database } from '../../db/client'
import { messages, users } from '../../db/schema'
import type { DomainEvents } from '../../domain-events/bus'
import { AppError, notFound } from '../../lib/errors'
import type { Logger } from '../../lib/log'
import type { Redis } from '../../lib/redis'
import { has, Perm } from '../permissions/bits'
import { requireBit, type PermissionService } from '../permissions/service'
import { HistoryCache } from './history-cache'
import { toMessageView, type MessageView } from './model'
import type { ReceiptService } from './receipts'

export interface SendInput {
  nonce: string
  body: string
  replyTo?: string
  attachments?: string[]
}

const MAX_MENTIONS = 20
const EVERYONE = /(^|\s)@(everyone|here)\b/
const USER_TOKEN = /<@([0-9a-f-]{36})>/gi
const USERNAME = /(?:^|\s)@([A-Za-z0-9_][A-Za-z0-9_.]{1,30}[A-Za-z0-9_])/g
const EMOJI = /^(?:[\p{Extended_Pictographic}\p{Emoji_Component}\u200d\ufe0f]{1,16}|:[a-z0-9_]{1,32}:)$/u

/**
 * Messages as users see them, for REST and WebSocket alike: every call checks the
 * caller's permission in the room, then goes to the room's actor through the router
 * (writes) or to Postgres and the page cache (reads).
 */
export interface MessageDeps {
  db: Database
  redis: Redis
  log: Logger
  config: Pick<Config, 'nodeId'>
  permissions: PermissionService
  /** Commands to the room actors. */
  router: Router
  /** Tells the outbox relay that a send committed (its consumers, e.g. notifications, get it sooner). */
  events: Pick<DomainEvents, 'committed'>
}

export class MessageService {
  readonly history: RoomHistory
  readonly cache: HistoryCache
  private readonly permissions: PermissionService
  private readonly router: Router

  constructor(
    private readonly res: MessageDeps,
    private readonly receipts: Pick<ReceiptService, 'pushUnread'>,
  ) {
    this.history = new RoomHistory(res)
    this.cache = new HistoryCache(res.redis)
    this.permissions = res.permissions
    this.router = res.router
  }

  async send(userId: string, roomId: string, input: SendInput): Promise<SendAck> {
    return (await this.prepareSend(userId, roomId, input))()
  }

  /**
   * Checks a send (permissions, slow mode, mentions) and returns the commit to run. The
   * gateway prepares one socket's sends in order and lets their commits overlap.
   */
  async prepareSend(userId: string, roomId: string, input: SendInput): Promise<() => Promise<SendAck>> {
    const { bits, slowModeSeconds } = await this.permissions.requireRoom(userId, roomId, 'send')
    if (input.attachments?.length) requireBit(bits, 'attach')
    const mentionEveryone = EVERYONE.test(input.body)
    if (mentionEveryone) requireBit(bits, 'mention_everyone')
    if (slowModeSeconds > 0) await this.slowMode(userId, roomId, bits, input.nonce, slowModeSeconds)
    const mentions = input.body.includes('@') ? await this.mentions(roomId, input.body, userId) : []
    return async () => {
      const ack = await this.router.send({
        type: 'send',
        roomId,
        authorId: userId,
        nonce: input.nonce,
        body: input.body,
        replyTo: input.replyTo,
        attachments: input.attachments,
        mentions,
        mentionEveryone,
      })
      if (!ack.duplicate) {
        this.res.events.committed()
        for (const id of mentions) void this.receipts.pushUnread(id, roomId).catch(() => {})
      }
      return ack
    }
  }

  async get(userId: string, messageId: string): Promise<MessageView> {
    const [message] = await this.history.byIds([messageId])
    if (!message) throw notFound('message')
    await this.permissions.requireRoom(userId, message.roomId)
    return toMessageView(message)
  }

  /** The message just acknowledged to this sender (already allowed in its room). */
  async acknowledged(messageId: string): Promise<MessageView> {
    const [message] = await this.history.byIds([messageId])
    return toMessageView(message!)
  }

  async list(userId: string, query: HistoryQuery): Promise<MessageView[]> {
    await this.permissions.requireRoom(userId, query.roomId)
    const cursorless = query.before === undefined
    const lastSeq = cursorless ? await this.lastSeq(query.roomId) : undefined
    return this.cache.page(query, lastSeq, async () => (await this.history.history(query)).map(toMessageView))
  }

  async thread(userId: string, messageId: string): Promise<{ root: MessageView; replies: MessageView[] }> {
    const root = await this.get(userId, messageId)
    const replies = await this.history.thread({ roomId: root.roomId, rootId: messageId })
    return { root, replies: replies.map(toMessageView) }
  }

  async edit(userId: string, messageId: string, body: string): Promise<MessageView> {
    const row = await this.find(messageId)
    // Editing is speaking: a member who may not send (timed out, or denied) may not edit either.
    await this.permissions.requireRoom(userId, row.roomId, 'send')
    if (row.authorId !== userId) throw new AppError('forbidden', 'only the author can edit a message')
    if (row.deletedAt) throw notFound('message')
    const message = await this.router.send({ type: 'edit', roomId: row.roomId, messageId, actorId: userId, body })
    await this.cache.invalidate(row.roomId)
    return toMessageView(message)
  }

  async remove(userId: string, messageId: string): Promise<void> {
    const row = await this.find(messageId)
    const { bits } = await this.permissions.requireRoom(userId, row.roomId)
    if (row.authorId !== userId) requireBit(bits, 'manage_messages')
    if (row.deletedAt) return
    await this.router.send({ type: 'delete', roomId: row.roomId, messageId })
    await this.cache.invalidate(row.roomId)
  }

  /** Adding needs `react`; taking one's own reaction back never does. */
  async react(userId: string, messageId: string, emoji: string, on: boolean) {
    if (!EMOJI.test(emoji)) throw new AppError('validation_failed', 'emoji must be an emoji or :name:')
    const row = await this.find(messageId)
    await this.permissions.requireRoom(userId, row.roomId, on ? 'react' : null)
    if (row.deletedAt) throw notFound('message')
    const result = await this.router.send({ type: 'react', roomId: row.roomId, messageId, userId, emoji, on })
    if (result.changed) await this.cache.invalidate(row.roomId)
    return result
  }

  lastSeq(roomId: string): Promise<number> {
    return this.history.lastSeq(roomId)
  }

  /** The message's room and author, or 404. */
  async find(messageId: string) {
    const [row] = await this.res.db
      .select({ roomId: messages.roomId, authorId: messages.authorId, deletedAt: messages.deletedAt })
      .from(messages)
      .where(eq(messages.id, messageId))
    if (!row) throw notFound('message')
    return row
  }

  /** Seconds between messages per member; those who manage messages are exempt. A retry of a sent nonce passes. */
  private async slowMode(userId: string, roomId: string, bits: bigint, nonce: string, seconds: number) {
    if (has(bits, Perm.manage_messages) || has(bits, Perm.manage_rooms)) return
    const key = this.res.redis.key('slow', roomId, userId)
    const set = await this.res.redis.client.set(key, '1', { condition: 'NX', expiration: { type: 'EX', value: seconds } })
    if (set === 'OK') return
    const [sent] = await this.res.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.roomId, roomId), eq(messages.authorId, userId), eq(messages.nonce, nonce)))
    if (sent) return
    const ttl = await this.res.redis.client.ttl(key)
    throw new AppError('rate_limited', `slow mode: one message every ${seconds}s`, { retryAfter: Math.max(1, ttl) })
  }

  /** `<@id>` and `@username` mentions of people who can see the room (not the author). */
  private async mentions(roomId: string, body: string, authorId: string): Promise<string[]> {
    const ids = new Set([...body.matchAll(USER_TOKEN)].map((m) => m[1]!.toLowerCase()))
    const names = [...body.matchAll(USERNAME)].map((m) => m[1]!.toLowerCase()).filter((n) => n !== 'everyone' && n !== 'here')
    if (names.length) {
      const found = await this.res.db
        .select({ id: users.id })
        .from(users)
        .where(inArray(sql`lower(${users.username})`, names.slice(0, MAX_MENTIONS)))
      for (const u of found) ids.add(u.id)
    }
    ids.delete(authorId)
    const candidates = [...ids].slice(0, MAX_MENTIONS)
    const visible = await Promise.all(candidates.map(async (id) => has(await this.permissions.inRoom(id, roomId), Perm.view)))
    return candidates.filter((_, i) => visible[i])
  }
}

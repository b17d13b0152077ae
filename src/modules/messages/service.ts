import { and, eq, inArray, sql } from 'drizzle-orm'
import { RoomHistory, type HistoryQuery, type Message, type Router, type SendAck } from '../../../rooms'
import type { Config } from '../../config'
import type { Database } from '../../db/client'
import { messageReactions, messages, users } from '../../db/schema'
import type { DomainEvents } from '../../domain-events/bus'
import { AppError, notFound } from '../../lib/errors'
import { isUuid } from '../../lib/ids'
import type { Logger } from '../../lib/log'
import type { Redis } from '../../lib/redis'
import type { Fanout } from '../../realtime/fanout'
import type { MediaService } from '../media/service'
import { has, Perm } from '../permissions/bits'
import type { Automod } from '../moderation/screen'
import { requireBit, type PermissionService } from '../permissions/service'
import { DmBlocks, type BlockPort } from './dm-blocks'
import { HistoryCache } from './history-cache'
import { RESERVED_NONCE, toMessageEventView, toMessageView, type MessageView } from './model'
import type { PollDefinition } from '../polls/definition'
import type { ReceiptService } from './receipts'

export interface SendInput {
  nonce: string
  body: string
  replyTo?: string
  attachments?: string[]
}

/** Summaries in the order of `ids` (a gone media is left out). */
const byId = <T extends { id: string }>(ids: string[], items: T[]): T[] => {
  const found = new Map(items.map((i) => [i.id, i]))
  return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []))
}

const MAX_MENTIONS = 20
/** `@everyone` or `@here` (group 2 says which): sending either takes `mention_everyone`; notifications tell them apart. */
export const EVERYONE = /(^|\s)@(everyone|here)\b/
const USER_TOKEN = /<@([0-9a-f-]{36})>/gi
const USERNAME = /(?:^|\s)@([A-Za-z0-9_][A-Za-z0-9_.]{1,30}[A-Za-z0-9_])/g
const EMOJI = /^(?:[\p{Extended_Pictographic}\p{Emoji_Component}\u200d\ufe0f]{1,16}|:[a-z0-9_]{1,32}:)$/u
/** What makes such a sequence show as an emoji: digits, `#`, `*` and joiners alone are components, not emoji. */
const EMOJI_BASE = /[\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}\u20e3]|^:/u


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
  /** The community's automod rules: a send or edit in a community room is screened before it commits. */
  automod: Pick<Automod, 'screen'>
  /** Attachments: checked before a send, shown with the message. */
  media: Pick<MediaService, 'validateAttachments' | 'summaries' | 'messagesCarrying'>
  live: Pick<Fanout, 'toRoom'>
  /** The social layer, which owns blocks: nobody speaks in a one-to-one DM with someone who blocks them or whom they block. */
  social: BlockPort
}

/** A message of another feature's kind, committed by that feature (it checked who may). */
export type KindedPost = { roomId: string; authorId: string; nonce: string; body: string } & (
  | { kind: 'poll'; pollId: string }
  | { kind: 'survey'; surveyId: string }
)

/** What a message view carries of its kind beyond its ids: the same for every reader. */
export interface MessageEmbeds {
  /** Poll definitions by poll id (the polls feature provides them). */
  poll?(pollIds: string[]): Promise<Map<string, PollDefinition>>
}

/**
 * Messages as users see them, for REST and WebSocket alike: every call checks the
 * caller's permission in the room, then goes to the room's actor through the router
 * (writes) or to Postgres and the page cache (reads).
 */
export class MessageService {
  readonly history: RoomHistory
  readonly cache: HistoryCache
  private readonly permissions: PermissionService
  private readonly router: Router
  private readonly embeds: MessageEmbeds = {}
  private readonly dmBlocks: DmBlocks

  constructor(
    private readonly res: MessageDeps,
    private readonly receipts: Pick<ReceiptService, 'pushUnread'>,
  ) {
    this.history = new RoomHistory(res)
    this.cache = new HistoryCache(res.redis)
    this.permissions = res.permissions
    this.router = res.router
    this.dmBlocks = new DmBlocks(res)
  }

  /**
   * 403 `blocked` when the room is a one-to-one DM (`placement.kind`, as requireRoom
   * answered it) and its other person blocks the user or is blocked by them: for every
   * way of speaking there (sends, edits, reactions, typing, polls). Other rooms cost nothing.
   */
  requireUnblocked(userId: string, roomId: string, placement: { kind: string }): Promise<void> {
    return this.dmBlocks.require(userId, roomId, placement.kind)
  }

  async send(userId: string, roomId: string, input: SendInput): Promise<SendAck> {
    return (await this.prepareSend(userId, roomId, input))()
  }

  /**
   * Checks a send (permissions, slow mode, mentions) and returns the commit to run. The
   * gateway prepares one socket's sends in order and lets their commits overlap.
   */
  async prepareSend(userId: string, roomId: string, input: SendInput): Promise<() => Promise<SendAck>> {
    if (RESERVED_NONCE.test(input.nonce)) {
      throw new AppError('validation_failed', 'a nonce may not start with poll. or survey.', { details: [{ path: '/nonce', message: 'may not start with poll. or survey.' }] })
    }
    const { bits, placement, slowModeSeconds } = await this.permissions.requireRoom(userId, roomId, 'send')
    await this.dmBlocks.require(userId, roomId, placement.kind)
    if (input.attachments?.length) requireBit(bits, 'attach')
    const attachmentInfo = input.attachments?.length
      ? await this.res.media.validateAttachments({ userId, mediaIds: input.attachments })
      : undefined
    const mentionEveryone = EVERYONE.test(input.body)
    if (mentionEveryone) requireBit(bits, 'mention_everyone')
    const slot = slowModeSeconds > 0 ? await this.slowMode(userId, roomId, bits, input.nonce, slowModeSeconds) : undefined
    // A send refused after it took its slow-mode slot (automod, a bad reply) gives the slot back: only a sent message spends it.
    const giveBack = async (err: unknown): Promise<never> => {
      if (slot) await this.res.redis.client.del(slot).catch(() => {})
      throw err
    }
    let mentions: string[]
    let screening: Awaited<ReturnType<MessageDeps['automod']['screen']>> | undefined
    try {
      mentions = input.body.includes('@') ? await this.mentions(roomId, input.body, userId) : []
      screening = placement.communityId
        ? await this.res.automod.screen({ communityId: placement.communityId, roomId, authorId: userId, text: input.body, mentions })
        : undefined
    } catch (err) {
      return giveBack(err)
    }
    return async () => {
      const ack = await this.router
        .send({
          type: 'send',
          roomId,
          authorId: userId,
          nonce: input.nonce,
          body: input.body,
          replyTo: input.replyTo,
          attachments: input.attachments,
          ...(attachmentInfo ? { attachmentInfo: byId(input.attachments!, attachmentInfo) } : {}),
          mentions,
          mentionEveryone,
        })
        .catch(giveBack)
      if (!ack.duplicate) {
        this.res.events.committed()
        for (const id of mentions) void this.receipts.pushUnread(id, roomId).catch(() => {})
        await screening?.committed({ kind: 'message', id: ack.messageId })
      }
      return ack
    }
  }

  /**
   * Commits a message of a poll or a survey for the feature that owns it, in the room's
   * seq order, idempotent by its nonce (`poll.<id>`, which clients may not use). No
   * permission is checked here: the feature checked who may create it.
   */
  async post(input: KindedPost): Promise<SendAck> {
    const ack = await this.router.send({ type: 'send', ...input })
    if (!ack.duplicate) this.res.events.committed()
    return ack
  }

  /** Lets a feature add what every reader sees of its kind of message (a poll's definition) to message views. */
  provide<K extends keyof MessageEmbeds>(kind: K, load: NonNullable<MessageEmbeds[K]>): void {
    this.embeds[kind] = load
  }

  async get(userId: string, messageId: string): Promise<MessageView> {
    const [message] = await this.history.byIds([messageId])
    if (!message) throw notFound('message')
    await this.permissions.requireRoom(userId, message.roomId)
    return (await this.forReader(userId, await this.views([message])))[0]!
  }

  /** The message just acknowledged to this sender (already allowed in its room). */
  async acknowledged(userId: string, messageId: string): Promise<MessageView> {
    const [message] = await this.history.byIds([messageId])
    return (await this.forReader(userId, await this.views([message!])))[0]!
  }

  async list(userId: string, query: HistoryQuery): Promise<MessageView[]> {
    await this.permissions.requireRoom(userId, query.roomId)
    // A page that can reach the newest message is cached under the room's last seq, so a new
    // message moves it to a new key; only a page wholly before the last seq never changes that way.
    const lastSeq = await this.lastSeq(query.roomId)
    const reachesNewest = query.before === undefined || query.before > lastSeq
    // Pages are cached for everyone; what is the reader's own is added after.
    return this.forReader(userId, await this.cache.page(query, reachesNewest ? lastSeq : undefined, async () => this.views(await this.history.history(query))))
  }

  async thread(userId: string, messageId: string): Promise<{ root: MessageView; replies: MessageView[] }> {
    const root = await this.get(userId, messageId)
    const replies = await this.history.thread({ roomId: root.roomId, rootId: messageId })
    return { root, replies: await this.forReader(userId, await this.views(replies)) }
  }

  /** Marks, on each reaction, whether the reader is among those who reacted (`me`). */
  private async forReader(userId: string, views: MessageView[]): Promise<MessageView[]> {
    const ids = views.filter((v) => v.reactions.length > 0).map((v) => v.id)
    const mine = ids.length
      ? await this.res.db
          .select({ messageId: messageReactions.messageId, emoji: messageReactions.emoji })
          .from(messageReactions)
          .where(and(inArray(messageReactions.messageId, ids), eq(messageReactions.userId, userId)))
      : []
    const set = new Set(mine.map((r) => `${r.messageId} ${r.emoji}`))
    return this.withMedia(views.map((v) => ({ ...v, reactions: v.reactions.map((r) => ({ ...r, me: set.has(`${v.id} ${r.emoji}`) })) })))
  }

  /** Views with what their kinds embed (a tombstone embeds nothing). */
  private async views(list: Message[]): Promise<MessageView[]> {
    const views = list.map(toMessageView)
    const pollIds = views.flatMap((v) => (v.pollId && !v.deletedAt ? [v.pollId] : []))
    if (pollIds.length && this.embeds.poll) {
      const polls = await this.embeds.poll(pollIds)
      for (const v of views) {
        const poll = v.pollId && !v.deletedAt ? polls.get(v.pollId) : undefined
        if (poll) v.poll = poll
      }
    }
    return views
  }

  async edit(userId: string, messageId: string, body: string): Promise<MessageView> {
    const row = await this.find(messageId)
    // Editing is speaking: a member who may not send (timed out, or denied) may not edit either.
    const { bits, placement } = await this.permissions.requireRoom(userId, row.roomId, 'send')
    if (row.authorId !== userId) throw new AppError('forbidden', 'only the author can edit a message')
    if (row.deletedAt) throw notFound('message')
    if (row.kind !== 'text') throw new AppError('invalid_target', `a ${row.kind} message cannot be edited`)
    await this.dmBlocks.require(userId, row.roomId, placement.kind)
    // The message's mentions follow its body, as a send's do; an edit notifies no one (as in Discord and Slack).
    const mentionEveryone = EVERYONE.test(body)
    if (mentionEveryone) requireBit(bits, 'mention_everyone')
    const mentions = body.includes('@') ? await this.mentions(row.roomId, body, userId) : []
    const screening = placement.communityId
      ? await this.res.automod.screen({ communityId: placement.communityId, roomId: row.roomId, authorId: userId, text: body, mentions })
      : undefined
    const message = await this.router.send({ type: 'edit', roomId: row.roomId, messageId, actorId: userId, body, mentions, mentionEveryone })
    await this.cache.invalidate(row.roomId)
    await screening?.committed({ kind: 'message', id: messageId })
    return (await this.forReader(userId, [toMessageView(message)]))[0]!
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
    // Taking one back never needs more than it took to add it (reactions added before this check stay removable).
    if (!EMOJI.test(emoji) || (on && !EMOJI_BASE.test(emoji))) throw new AppError('validation_failed', 'emoji must be an emoji or :name:')
    const row = await this.find(messageId)
    const { placement } = await this.permissions.requireRoom(userId, row.roomId, on ? 'react' : null)
    if (row.deletedAt) throw notFound('message')
    // Taking a reaction back stays possible, like deleting one's own message.
    if (on) await this.dmBlocks.require(userId, row.roomId, placement.kind)
    const result = await this.router.send({ type: 'react', roomId: row.roomId, messageId, userId, emoji, on })
    if (result.changed) await this.cache.invalidate(row.roomId)
    return result
  }

  /**
   * A media carried by messages ended (ready or failed): their rooms see them again as
   * `message.updated`, with the attachments as they are now.
   */
  async mediaUpdated(mediaId: string): Promise<void> {
    const carriers = await this.res.media.messagesCarrying(mediaId)
    if (carriers.length === 0) return
    const found = (await this.history.byIds(carriers.map((c) => c.messageId))).filter((m) => !m.deletedAt)
    const summaries = await this.res.media.summaries([...new Set(found.flatMap((m) => m.attachments))])
    for (const m of found) {
      const message = toMessageEventView({ ...m, attachmentInfo: byId(m.attachments, summaries) }, { withSeq: true })
      this.res.live.toRoom(m.roomId, { type: 'message.updated', data: { message } })
    }
  }

  /** Views with `attachmentInfo`: the attachments' summaries now (pages are cached without them). */
  private async withMedia(views: MessageView[]): Promise<MessageView[]> {
    const ids = [...new Set(views.flatMap((v) => v.attachments))]
    if (ids.length === 0) return views
    const summaries = await this.res.media.summaries(ids)
    return views.map((v) => (v.attachments.length ? { ...v, attachmentInfo: byId(v.attachments, summaries) } : v))
  }

  lastSeq(roomId: string): Promise<number> {
    return this.history.lastSeq(roomId)
  }

  /** The message's room and author, or 404. */
  async find(messageId: string) {
    const [row] = await this.res.db
      .select({ roomId: messages.roomId, authorId: messages.authorId, deletedAt: messages.deletedAt, kind: messages.kind })
      .from(messages)
      .where(eq(messages.id, messageId))
    if (!row) throw notFound('message')
    return row
  }

  /**
   * Seconds between messages per member; those who manage messages are exempt. A retry of a
   * sent nonce passes. Answers the key of the slot this send took, if it took one.
   */
  private async slowMode(userId: string, roomId: string, bits: bigint, nonce: string, seconds: number): Promise<string | undefined> {
    if (has(bits, Perm.manage_messages) || has(bits, Perm.manage_rooms)) return undefined
    const key = this.res.redis.key('slow', roomId, userId)
    const set = await this.res.redis.client.set(key, '1', { condition: 'NX', expiration: { type: 'EX', value: seconds } })
    if (set === 'OK') return key
    const [sent] = await this.res.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.roomId, roomId), eq(messages.authorId, userId), eq(messages.nonce, nonce)))
    if (sent) return undefined
    const ttl = await this.res.redis.client.ttl(key)
    throw new AppError('rate_limited', `slow mode: one message every ${seconds}s`, { retryAfter: Math.max(1, ttl) })
  }

  /** `<@id>` and `@username` mentions of people who can see the room (not the author). */
  private async mentions(roomId: string, body: string, authorId: string): Promise<string[]> {
    // `<@...>` of 36 hex digits and dashes in any arrangement: only a real id names anyone (another is plain text, not a query).
    const ids = new Set([...body.matchAll(USER_TOKEN)].map((m) => m[1]!.toLowerCase()).filter(isUuid))
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

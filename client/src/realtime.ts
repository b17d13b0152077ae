import type { Auth } from './auth'
import { Connection, type ConnectionInfo, type ConnectionState, type EventFrame } from './connection'
import { ClientErrorCode, HearthError } from './errors'
import { Listeners } from './listeners'
import { Outbox, type OutboxEntry, type SendInput } from './outbox'
import { toMessage, type ClientOps, type EventMap, type EventMeta, type EventType, type MessageEventView, type OpAcks, type OpName, type PresenceStatus } from './protocol'
import { unwrap, type Api, type Message } from './rest'
import { RoomFeed, type MessageSource } from './room-feed'

export type { ConnectionInfo, ConnectionState } from './connection'

export interface RealtimeOptions {
  /** Backoff: attempt n waits random(0, min(capMs, baseMs * 2^n)). */
  baseMs?: number
  capMs?: number
  /** A connection open this long resets the backoff. */
  stableMs?: number
  /** Least wait after a 4008 (rate limited) close. */
  rateLimitedMinMs?: number
  heartbeatMs?: number
  heartbeatTimeoutMs?: number
  /** How long a gap in a room's seqs may wait for the socket before REST fills it. */
  gapWaitMs?: number
  /**
   * While open, how often the rooms' last seqs are checked (one `GET /v1/me/unread` for all of
   * them), so a lost last event of a quiet room is still fetched; 0: never.
   */
  auditMs?: number
  /** Sends awaiting their acks at once. */
  sendWindow?: number
  /** Retryable refusals (rate_limited, ...) of one send before it fails. */
  maxSendRetries?: number
  random?: () => number
}

export interface MessageMeta {
  roomId: string
  seq: number
  source: MessageSource
}

interface Subscribing {
  resolve(ack: { lastSeq: number }): void
  reject(error: HearthError): void
}

/** A gap fill or audit request that takes longer is given up (and tried again). */
const FETCH_TIMEOUT_MS = 15_000

const RETRYABLE = new Set(['rate_limited', 'dependency_unavailable', 'internal_error'])

/**
 * The realtime side of one signed-in client, on one socket that comes back by itself (see
 * Connection): the rooms it follows (each resumed from its last delivered seq; messages in
 * seq order and each once: see RoomFeed), the outbox of sends (see Outbox), typed events.
 */
export class RealtimeSession {
  private readonly connection: Connection
  private readonly feeds = new Map<string, RoomFeed>()
  private readonly subscribing = new Map<string, Subscribing>()
  private readonly opts: Required<RealtimeOptions>
  private readonly outboxes: Outbox
  private readonly messageListeners = new Listeners<[Message, MessageMeta]>()
  private readonly eventListeners = new Map<string, Listeners<[unknown, EventMeta]>>()
  private auditTimer: ReturnType<typeof setInterval> | undefined
  private presence: PresenceStatus | undefined

  constructor(
    private readonly deps: {
      baseUrl: string
      auth: Auth
      api: Api
      WebSocket: typeof WebSocket
      options?: RealtimeOptions
    },
  ) {
    const o = deps.options ?? {}
    this.opts = {
      baseMs: o.baseMs ?? 500,
      capMs: o.capMs ?? 30_000,
      stableMs: o.stableMs ?? 60_000,
      rateLimitedMinMs: o.rateLimitedMinMs ?? 2_000,
      heartbeatMs: o.heartbeatMs ?? 25_000,
      heartbeatTimeoutMs: o.heartbeatTimeoutMs ?? 10_000,
      gapWaitMs: o.gapWaitMs ?? 300,
      auditMs: o.auditMs ?? 60_000,
      sendWindow: o.sendWindow ?? 32,
      maxSendRetries: o.maxSendRetries ?? 5,
      random: o.random ?? Math.random,
    }
    this.connection = new Connection({ baseUrl: deps.baseUrl, auth: deps.auth, WebSocket: deps.WebSocket, options: this.opts })
    this.outboxes = new Outbox({
      transmit: (entry) => this.transmitSend(entry),
      maxRetries: this.opts.maxSendRetries,
      window: this.opts.sendWindow,
      now: () => Date.now(),
    })
    this.connection.onOpen(() => this.opened())
    this.connection.onEvent((frame) => this.event(frame))
    this.connection.onState((state) => {
      if (state === 'open') return
      clearInterval(this.auditTimer)
      this.outboxes.disconnected()
    })
    let userId = deps.auth.session?.userId
    deps.auth.onSession((session) => {
      // Signed out, or another user now (signed in elsewhere on a shared store): nothing carries over.
      if (!session || (userId !== undefined && session.userId !== userId)) this.forget()
      userId = session?.userId
    })
  }

  // --- connection ---------------------------------------------------------------------

  get state(): ConnectionState {
    return this.connection.state
  }

  /** Every change of the connection: `connecting`, `open`, `reconnecting` (with the close code and the wait), ... */
  onState(listener: (state: ConnectionState, info: ConnectionInfo) => void): () => void {
    return this.connection.onState(listener)
  }

  /** Opens the socket (and keeps it open) until `close()`. */
  connect(): void {
    this.connection.connect()
  }

  /** Closes the socket and stops reconnecting. Rooms, positions and the outbox are kept for a later `connect()`. */
  close(): void {
    this.connection.stop('closed')
  }

  /** Steps the backoff has taken since the last stable connection. */
  get reconnectAttempts(): number {
    return this.connection.reconnectAttempts
  }

  private opened() {
    clearInterval(this.auditTimer)
    if (this.opts.auditMs > 0) this.auditTimer = setInterval(() => void this.audit(), this.opts.auditMs)
    for (const feed of this.feeds.values()) this.sendSubscribe(feed)
    if (this.presence && this.presence !== 'online') this.request('presence', { status: this.presence }).catch(() => {})
    this.outboxes.flush()
  }

  /** The rooms' last seqs from the server: a room whose last events were lost catches up over REST. */
  private async audit() {
    if (this.feeds.size === 0) return
    const result = await this.deps.api.GET('/v1/me/unread', { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).catch(() => undefined)
    for (const room of result?.data?.rooms ?? []) this.feeds.get(room.roomId)?.exists(room.lastSeq)
  }

  /** The session ended (or changed hands): pending sends fail, rooms are dropped. */
  private forget() {
    this.outboxes.failAll({ code: ClientErrorCode.signedOut, message: 'signed out' })
    for (const feed of this.feeds.values()) feed.dispose()
    this.feeds.clear()
    for (const waiter of this.subscribing.values()) waiter.reject(new HearthError({ code: ClientErrorCode.signedOut, message: 'signed out' }))
    this.subscribing.clear()
    if (this.connection.state !== 'signed_out') this.connection.stop('closed')
  }

  // --- events -------------------------------------------------------------------------

  private event(frame: EventFrame) {
    const { type, roomId } = frame
    let data = frame.data
    switch (type) {
      case 'message.created': {
        const view = (data as { message?: MessageEventView }).message
        if (!roomId || frame.seq === undefined || !view) return
        const message = toMessage(view, roomId, frame.seq)
        const pending = view.authorId === this.deps.auth.session?.userId ? this.outboxes.get(view.nonce) : undefined
        if (pending?.roomId === roomId) this.outboxes.sent(view.nonce, { messageId: view.id, seq: frame.seq })
        this.feeds.get(roomId)?.receive(message)
        return
      }
      case 'message.updated': {
        const update = data as { message: MessageEventView & { seq: number }; editedBy?: string }
        if (roomId && update.message) data = { ...update, message: toMessage(update.message, roomId, update.message.seq) }
        break
      }
      case 'subscription.resync':
        if (roomId) this.feeds.get(roomId)?.resync((data as EventMap['subscription.resync']).lastSeq)
        break
      case 'subscription.revoked':
        if (roomId) this.drop(roomId)
        break
    }
    this.emit(type, data, { type, ...(roomId ? { roomId } : {}) })
  }

  private emit(type: string, data: unknown, meta: EventMeta) {
    this.eventListeners.get(type)?.emit(data, meta)
    this.eventListeners.get('*')?.emit(data, meta)
  }

  // --- requests -----------------------------------------------------------------------

  /** Any op; resolves with its ack, rejects with the error frame (or `disconnected`). */
  request<N extends OpName>(op: N, fields: ClientOps[N]): Promise<OpAcks[N]> {
    return this.connection.request(op, fields)
  }

  edit(messageId: string, body: string) {
    return this.request('edit', { messageId, body })
  }

  remove(messageId: string) {
    return this.request('delete', { messageId })
  }

  react(messageId: string, emoji: string) {
    return this.request('react', { messageId, emoji, on: true })
  }

  unreact(messageId: string, emoji: string) {
    return this.request('react', { messageId, emoji, on: false })
  }

  typing(roomId: string) {
    return this.request('typing', { roomId })
  }

  markRead(roomId: string, seq: number) {
    return this.request('read', { roomId, seq })
  }

  markDelivered(roomId: string, seq: number) {
    return this.request('delivered', { roomId, seq })
  }

  /** Sets this user's status; it is set again on every reconnect (a new socket starts `online`). */
  setPresence(status: PresenceStatus) {
    this.presence = status
    return this.request('presence', { status })
  }

  // --- rooms --------------------------------------------------------------------------

  /**
   * Follows a room from `sinceSeq` (the last seq the app shows; without it, from the room's
   * current end): every later message reaches `onMessage` once, in seq order, across
   * reconnects. Resolves with the subscribe ack (the room's last seq).
   */
  subscribe(roomId: string, opts: { sinceSeq?: number } = {}): Promise<{ lastSeq: number }> {
    const existing = this.feeds.get(roomId)
    if (existing) {
      const waiting = this.subscribing.get(roomId)
      if (!waiting) return Promise.resolve({ lastSeq: existing.position ?? 0 })
      return new Promise((resolve, reject) => {
        this.subscribing.set(roomId, {
          resolve: (ack) => (waiting.resolve(ack), resolve(ack)),
          reject: (err) => (waiting.reject(err), reject(err)),
        })
      })
    }
    const feed = new RoomFeed(
      {
        roomId,
        gapWaitMs: this.opts.gapWaitMs,
        deliver: (message, source) => this.messageListeners.emit(message, { roomId, seq: message.seq, source }),
        fetchAfter: async (after, limit) => {
          const page = await this.deps.api
            .GET('/v1/rooms/{id}/messages', { params: { path: { id: roomId }, query: { after, limit } }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
            .catch((err: unknown) => {
              throw new HearthError({ code: ClientErrorCode.network, message: String(err) })
            })
          return unwrap(page).messages
        },
        lost: () => {
          this.drop(roomId)
          this.emit('subscription.revoked', { roomId }, { type: 'subscription.revoked', roomId })
        },
      },
      opts.sinceSeq,
    )
    this.feeds.set(roomId, feed)
    const acked = new Promise<{ lastSeq: number }>((resolve, reject) => this.subscribing.set(roomId, { resolve, reject }))
    if (this.connection.state === 'open') this.sendSubscribe(feed)
    return acked
  }

  /** Stops following a room (its position is forgotten). */
  unsubscribe(roomId: string): void {
    if (!this.feeds.has(roomId)) return
    this.drop(roomId)
    this.subscribing.get(roomId)?.reject(new HearthError({ code: 'unsubscribed', message: 'unsubscribed' }))
    this.subscribing.delete(roomId)
    this.request('unsubscribe', { roomId }).catch(() => {})
  }

  /** The last seq of a room delivered to `onMessage`. */
  position(roomId: string): number | undefined {
    return this.feeds.get(roomId)?.position
  }

  get rooms(): string[] {
    return [...this.feeds.keys()]
  }

  /** Messages of the subscribed rooms: per room in seq order, each once. */
  onMessage(listener: (message: Message, meta: MessageMeta) => void): () => void {
    return this.messageListeners.add(listener)
  }

  /** Every other event, typed by name (`'*'`: all of them). */
  onEvent<T extends EventType>(type: T, listener: (data: EventMap[T], meta: EventMeta) => void): () => void {
    let set = this.eventListeners.get(type)
    if (!set) this.eventListeners.set(type, (set = new Listeners()))
    return set.add(listener as (data: unknown, meta: EventMeta) => void)
  }

  private sendSubscribe(feed: RoomFeed) {
    const roomId = feed.roomId
    const sinceSeq = feed.position
    this.connection.call('subscribe', { roomId, ...(sinceSeq !== undefined ? { sinceSeq } : {}) }, {
      resolve: (ack) => {
        if (this.feeds.get(roomId) !== feed) return
        const { lastSeq } = ack as OpAcks['subscribe']
        feed.subscribed(lastSeq)
        this.subscribing.get(roomId)?.resolve({ lastSeq })
        this.subscribing.delete(roomId)
      },
      reject: (error) => {
        // Cut off: the next socket subscribes again.
        if (this.feeds.get(roomId) !== feed || error.code === ClientErrorCode.disconnected) return
        if (RETRYABLE.has(error.code)) {
          setTimeout(() => this.feeds.get(roomId) === feed && this.sendSubscribe(feed), Math.max((error.retryAfter ?? 0) * 1000, this.opts.baseMs))
          return
        }
        this.drop(roomId)
        const waiting = this.subscribing.get(roomId)
        this.subscribing.delete(roomId)
        if (waiting) waiting.reject(error)
        else this.emit('subscription.revoked', { roomId }, { type: 'subscription.revoked', roomId })
      },
    })
  }

  private drop(roomId: string) {
    this.feeds.get(roomId)?.dispose()
    this.feeds.delete(roomId)
  }

  // --- sends --------------------------------------------------------------------------

  /** Queues a message: `pending` until acked (resent after reconnects), then `sent`; or `failed`. */
  send(roomId: string, input: SendInput): OutboxEntry {
    return this.outboxes.add(roomId, input, input.nonce ?? randomId())
  }

  /** Every change of an outbox entry's state. */
  onOutbox(listener: (entry: OutboxEntry) => void): () => void {
    return this.outboxes.onChange(listener)
  }

  /** Sends not yet sent: pending and failed, in send order. */
  get outbox(): OutboxEntry[] {
    return this.outboxes.list()
  }

  settled(nonce: string): Promise<OutboxEntry | undefined> {
    return this.outboxes.settled(nonce)
  }

  retry(nonce: string): void {
    this.outboxes.retry(nonce)
  }

  discard(nonce: string): void {
    this.outboxes.discard(nonce)
  }

  private transmitSend(entry: { nonce: string; roomId: string; body: string; replyTo?: string; attachments?: string[] }): number | undefined {
    const fields: ClientOps['send'] = { roomId: entry.roomId, nonce: entry.nonce, body: entry.body }
    if (entry.replyTo) fields.replyTo = entry.replyTo
    if (entry.attachments) fields.attachments = entry.attachments
    const id: number | undefined = this.connection.call('send', fields, {
      resolve: (ack) => {
        const sent = ack as OpAcks['send']
        this.outboxes.sent(entry.nonce, sent)
        // Our own message exists: if its event never comes, the gap fill brings it.
        this.feeds.get(sent.roomId)?.exists(sent.seq)
      },
      // A cut-off send is written again on the next socket (Outbox.disconnected).
      reject: (error) => error.code !== ClientErrorCode.disconnected && id !== undefined && this.outboxes.refused(entry.nonce, id, error),
    })
    return id
  }
}

/** A nonce: crypto.randomUUID where there is one (it needs a secure context in browsers). */
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

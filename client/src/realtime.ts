import type { Auth } from './auth'
import { Backoff } from './backoff'
import { ClientErrorCode, HearthError } from './errors'
import { Listeners } from './listeners'
import { Outbox, type OutboxEntry, type SendInput } from './outbox'
import {
  CloseCode,
  toMessage,
  type ClientOps,
  type EventMap,
  type EventMeta,
  type EventType,
  type MessageEventView,
  type OpAcks,
  type OpName,
  type PresenceStatus,
  type ServerFrame,
} from './protocol'
import { unwrap, type Api, type Message } from './rest'
import { RoomFeed, type MessageSource } from './room-feed'

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' | 'signed_out'

export interface ConnectionInfo {
  /** Close code and reason of the socket that just ended. */
  code?: number
  reason?: string
  /** When reconnecting: the wait before the next attempt. */
  delayMs?: number
}

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

interface Request {
  op: OpName
  resolve(ack: Record<string, unknown>): void
  reject(error: HearthError): void
  /** For sends: the outbox entry. */
  nonce?: string
  /** For subscribes: the room. */
  roomId?: string
}

interface Subscribing {
  resolve(ack: { lastSeq: number }): void
  reject(error: HearthError): void
}

/** A gap fill or audit request that takes longer is given up (and tried again). */
const FETCH_TIMEOUT_MS = 15_000

/** Two immediate reconnects closer than this fall back to the backoff (a server refusing every socket). */
const IMMEDIATE_GAP_MS = 1_000

/**
 * The realtime side of one signed-in client: one socket that comes back by itself
 * (full-jitter backoff, reset after a stable minute; close codes as API.md says), the
 * rooms it follows (each resumed from its last delivered seq, messages in seq order and
 * each once: see RoomFeed), the outbox of sends (see Outbox), and typed events.
 */
export class RealtimeSession {
  private socket: WebSocket | undefined
  private current: ConnectionState = 'idle'
  private wanted = false
  private nextId = 1
  private readonly requests = new Map<number, Request>()
  private readonly feeds = new Map<string, RoomFeed>()
  private readonly subscribing = new Map<string, Subscribing>()
  private readonly backoff: Backoff
  private readonly opts: Required<RealtimeOptions>
  private readonly outboxes: Outbox
  private readonly stateListeners = new Listeners<[ConnectionState, ConnectionInfo]>()
  private readonly messageListeners = new Listeners<[Message, MessageMeta]>()
  private readonly eventListeners = new Map<string, Listeners<[unknown, EventMeta]>>()
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private stableTimer: ReturnType<typeof setTimeout> | undefined
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined
  private auditTimer: ReturnType<typeof setInterval> | undefined
  private lastFrameAt = 0
  private lastImmediateAt = 0
  private badTokenCloses = 0

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
    this.backoff = new Backoff({ baseMs: this.opts.baseMs, capMs: this.opts.capMs, random: this.opts.random })
    this.outboxes = new Outbox({
      transmit: (entry) => this.transmitSend(entry),
      maxRetries: this.opts.maxSendRetries,
      window: this.opts.sendWindow,
      retryDelay: (refusals, retryAfter) => Math.max((retryAfter ?? 0) * 1000, Math.min(this.opts.capMs, this.opts.baseMs * 2 ** refusals)),
      now: () => Date.now(),
    })
    deps.auth.onSession((session, reason) => {
      if (!session) return this.signedOut(reason)
      if (reason === 'refreshed' && this.current === 'open') this.renewToken(session.accessToken)
    })
  }

  // --- connection ---------------------------------------------------------------------

  get state(): ConnectionState {
    return this.current
  }

  onState(listener: (state: ConnectionState, info: ConnectionInfo) => void): () => void {
    return this.stateListeners.add(listener)
  }

  /** Opens the socket (and keeps it open) until `close()`. */
  connect(): void {
    this.wanted = true
    if (this.current === 'open' || this.current === 'connecting' || this.socket) return
    clearTimeout(this.reconnectTimer)
    void this.open()
  }

  /** Closes the socket and stops reconnecting. Rooms, positions and the outbox are kept for a later `connect()`. */
  close(): void {
    this.wanted = false
    clearTimeout(this.reconnectTimer)
    const socket = this.socket
    if (socket) this.abandon(socket, 1000, 'closed by the client')
    else this.setState('closed', {})
  }

  /** Whether the backoff is at its first step (nothing failed since the last stable connection). */
  get reconnectAttempts(): number {
    return this.backoff.attempts
  }

  private async open(): Promise<void> {
    if (!this.wanted || this.socket) return
    this.setState('connecting', {})
    let token: string
    try {
      token = await this.deps.auth.accessToken()
    } catch (err) {
      if (!this.deps.auth.signedIn) return this.setState('signed_out', {})
      return this.retryLater({ reason: (err as Error).message })
    }
    if (!this.wanted || this.socket) return
    const socket = new this.deps.WebSocket(`${wsBase(this.deps.baseUrl)}/ws?token=${encodeURIComponent(token)}`)
    this.socket = socket
    socket.onopen = () => this.opened(socket)
    socket.onmessage = (event) => this.received(socket, event.data)
    socket.onclose = (event) => this.ended(socket, event.code, event.reason)
    socket.onerror = () => {} // a close follows
  }

  private opened(socket: WebSocket) {
    if (socket !== this.socket) return
    this.lastFrameAt = Date.now()
    this.setState('open', {})
    clearTimeout(this.stableTimer)
    this.stableTimer = setTimeout(() => {
      this.backoff.reset()
      this.badTokenCloses = 0
    }, this.opts.stableMs)
    this.startHeartbeat(socket)
    clearInterval(this.auditTimer)
    if (this.opts.auditMs > 0) this.auditTimer = setInterval(() => void this.audit(), this.opts.auditMs)
    for (const feed of this.feeds.values()) this.sendSubscribe(feed)
    this.outboxes.flush()
  }

  /** Stops listening to a socket and handles its end now (a dead TCP connection may never say it closed). */
  private abandon(socket: WebSocket, code: number, reason: string) {
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null
    try {
      socket.close(code, reason)
    } catch {
      // already closing
    }
    this.ended(socket, code, reason)
  }

  private ended(socket: WebSocket, code: number, reason: string) {
    if (socket !== this.socket) return
    this.socket = undefined
    clearTimeout(this.stableTimer)
    clearInterval(this.heartbeatTimer)
    clearInterval(this.auditTimer)
    this.outboxes.disconnected()
    for (const [id, request] of this.requests) {
      this.requests.delete(id)
      // Subscribes are asked again on the next socket; sends stay in the outbox.
      if (request.op !== 'subscribe' && request.op !== 'send') {
        request.reject(new HearthError({ code: ClientErrorCode.disconnected, message: 'the connection closed before the answer' }))
      }
    }
    const info = { code, reason }
    if (!this.wanted) return this.setState('closed', info)
    if (!this.deps.auth.signedIn) return this.setState('signed_out', info)
    switch (code) {
      case CloseCode.badToken:
        return this.reauthenticate(info)
      case CloseCode.rateLimited:
        return this.retryLater(info, Math.max(this.opts.rateLimitedMinMs, this.backoff.next()))
      case CloseCode.tooSlow:
      case CloseCode.goingAway:
        if (Date.now() - this.lastImmediateAt > IMMEDIATE_GAP_MS) {
          this.lastImmediateAt = Date.now()
          return this.retryLater(info, 0)
        }
        return this.retryLater(info)
      default:
        return this.retryLater(info)
    }
  }

  /** 4001: the token was refused or expired on the socket. A new one, then at once (backoff if it keeps happening). */
  private reauthenticate(info: ConnectionInfo) {
    this.badTokenCloses++
    this.setState('reconnecting', { ...info, delayMs: 0 })
    this.deps.auth.refresh({ force: true }).then(
      () => this.retryLater(info, this.badTokenCloses > 1 ? this.backoff.next() : 0),
      () => {
        if (!this.deps.auth.signedIn) return this.setState('signed_out', info)
        this.retryLater(info)
      },
    )
  }

  private retryLater(info: ConnectionInfo, delayMs = this.backoff.next()) {
    if (!this.wanted) return
    clearTimeout(this.reconnectTimer)
    this.setState('reconnecting', { ...info, delayMs })
    this.reconnectTimer = setTimeout(() => void this.open(), delayMs)
  }

  private setState(state: ConnectionState, info: ConnectionInfo) {
    this.current = state
    this.stateListeners.emit(state, info)
  }

  private startHeartbeat(socket: WebSocket) {
    clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = setInterval(() => {
      if (socket !== this.socket) return
      if (Date.now() - this.lastFrameAt > this.opts.heartbeatMs + this.opts.heartbeatTimeoutMs) {
        return this.abandon(socket, 4000, 'no answer to ping')
      }
      this.write({ op: 'ping', id: this.nextId++ })
    }, this.opts.heartbeatMs)
  }

  /** The rooms' last seqs from the server: a room whose last events were lost catches up over REST. */
  private async audit() {
    if (this.feeds.size === 0) return
    const result = await this.deps.api.GET('/v1/me/unread', { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).catch(() => undefined)
    for (const room of result?.data?.rooms ?? []) this.feeds.get(room.roomId)?.exists(room.lastSeq)
  }

  private renewToken(token: string) {
    this.request('auth', { token }).catch((err: HearthError) => {
      // Refused (not just cut off): start over with a fresh socket and token.
      if (err.code !== ClientErrorCode.disconnected && this.socket) this.abandon(this.socket, 4000, 'token renewal refused')
    })
  }

  private signedOut(_reason: string) {
    this.wanted = false
    clearTimeout(this.reconnectTimer)
    this.outboxes.failAll({ code: ClientErrorCode.signedOut, message: 'signed out' })
    for (const feed of this.feeds.values()) feed.dispose()
    this.feeds.clear()
    for (const waiter of this.subscribing.values()) waiter.reject(new HearthError({ code: ClientErrorCode.signedOut, message: 'signed out' }))
    this.subscribing.clear()
    if (this.socket) this.abandon(this.socket, 1000, 'signed out')
    this.setState('signed_out', {})
  }

  // --- frames -------------------------------------------------------------------------

  private write(frame: Record<string, unknown>): boolean {
    const socket = this.socket
    if (!socket || socket.readyState !== 1 || this.current !== 'open') return false
    socket.send(JSON.stringify(frame))
    return true
  }

  private received(socket: WebSocket, raw: unknown) {
    if (socket !== this.socket) return
    this.lastFrameAt = Date.now()
    let frame: ServerFrame
    try {
      frame = JSON.parse(String(raw)) as ServerFrame
    } catch {
      return
    }
    switch (frame.op) {
      case 'ack':
      case 'error':
        return this.answered(frame)
      case 'event':
        return this.event(frame)
      default:
        return // pong: lastFrameAt is all it is for
    }
  }

  private answered(frame: Extract<ServerFrame, { op: 'ack' | 'error' }>) {
    const id = typeof frame.id === 'number' ? frame.id : Number(frame.id)
    const request = this.requests.get(id)
    if (!request) return
    this.requests.delete(id)
    if (frame.op === 'ack') {
      const { op: _op, id: _id, ...ack } = frame
      if (request.op === 'send') {
        const sent = ack as OpAcks['send']
        this.outboxes.sent(request.nonce!, sent)
        // Our own message exists: if its event never comes, the gap fill brings it.
        this.feeds.get(sent.roomId)?.exists(sent.seq)
      }
      request.resolve(ack)
      return
    }
    if (request.op === 'send') this.outboxes.refused(request.nonce!, id, frame)
    request.reject(new HearthError({ code: frame.code, message: frame.message, retryAfter: frame.retryAfter }))
  }

  private event(frame: Extract<ServerFrame, { op: 'event' }>) {
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
    return new Promise((resolve, reject) => {
      const id = this.nextId++
      if (!this.write({ op, id, ...fields })) {
        return reject(new HearthError({ code: ClientErrorCode.disconnected, message: 'not connected' }))
      }
      this.requests.set(id, { op, resolve: resolve as (ack: Record<string, unknown>) => void, reject })
    })
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

  setPresence(status: PresenceStatus) {
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
    if (this.current === 'open') this.sendSubscribe(feed)
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
    const id = this.nextId++
    const roomId = feed.roomId
    const sinceSeq = feed.position
    const sent = this.write({ op: 'subscribe', id, roomId, ...(sinceSeq !== undefined ? { sinceSeq } : {}) })
    if (!sent) return
    this.requests.set(id, {
      op: 'subscribe',
      roomId,
      resolve: (ack) => {
        if (this.feeds.get(roomId) !== feed) return
        const { lastSeq } = ack as OpAcks['subscribe']
        feed.subscribed(lastSeq)
        this.subscribing.get(roomId)?.resolve({ lastSeq })
        this.subscribing.delete(roomId)
      },
      reject: (error) => {
        if (this.feeds.get(roomId) !== feed) return
        if (error.code === 'rate_limited' || error.code === 'dependency_unavailable' || error.code === 'internal_error') {
          // Ask again on this socket a little later.
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
    const id = this.nextId++
    const fields: ClientOps['send'] = { roomId: entry.roomId, nonce: entry.nonce, body: entry.body }
    if (entry.replyTo) fields.replyTo = entry.replyTo
    if (entry.attachments) fields.attachments = entry.attachments
    if (!this.write({ op: 'send', id, ...fields })) return undefined
    this.requests.set(id, { op: 'send', nonce: entry.nonce, resolve: () => {}, reject: () => {} })
    return id
  }
}

function wsBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')
}

/** A nonce: crypto.randomUUID where there is one (it needs a secure context in browsers). */
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

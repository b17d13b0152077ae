import type { Auth } from './auth'
import { Backoff } from './backoff'
import { ClientErrorCode, HearthError } from './errors'
import { Listeners } from './listeners'
import { CloseCode, type ClientOps, type OpAcks, type OpName, type ServerFrame } from './protocol'

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' | 'signed_out'

export interface ConnectionInfo {
  /** Close code and reason of the socket that just ended. */
  code?: number
  reason?: string
  /** When reconnecting: the wait before the next attempt. */
  delayMs?: number
}

export interface ConnectionOptions {
  baseMs: number
  capMs: number
  stableMs: number
  rateLimitedMinMs: number
  heartbeatMs: number
  heartbeatTimeoutMs: number
  random: () => number
}

/** Answers to one request: the ack's fields, or the error (an `error` frame, or `disconnected`). */
export interface Answer {
  resolve(ack: Record<string, unknown>): void
  reject(error: HearthError): void
}

export type EventFrame = Extract<ServerFrame, { op: 'event' }>

/** Two immediate reconnects closer than this fall back to the backoff (a server refusing every socket). */
const IMMEDIATE_GAP_MS = 1_000

/**
 * The socket of a signed-in client, kept open until `close()`: it reconnects with
 * full-jitter backoff (reset once a connection has lasted `stableMs`), reads the close codes
 * as API.md says (4001: a new token, then at once; 4008: back off; 4009 and 4012: at once),
 * gives up a socket that stops answering pings, hands a refreshed token to the open socket,
 * and matches answers to requests. What the socket carries is the RealtimeSession's.
 */
export class Connection {
  private socket: WebSocket | undefined
  private current: ConnectionState = 'idle'
  private wanted = false
  private nextId = 1
  private readonly answers = new Map<number, Answer>()
  private readonly backoff: Backoff
  private readonly stateListeners = new Listeners<[ConnectionState, ConnectionInfo]>()
  private readonly openListeners = new Listeners<[]>()
  private readonly eventListeners = new Listeners<[EventFrame]>()
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private stableTimer: ReturnType<typeof setTimeout> | undefined
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined
  private lastFrameAt = 0
  private lastImmediateAt = 0
  private badTokenCloses = 0

  constructor(
    private readonly deps: { baseUrl: string; auth: Auth; WebSocket: typeof WebSocket; options: ConnectionOptions },
  ) {
    this.backoff = new Backoff({ baseMs: deps.options.baseMs, capMs: deps.options.capMs, random: deps.options.random })
    deps.auth.onSession((session, reason) => {
      if (!session) return this.stop('signed_out')
      if (reason === 'refreshed' && this.current === 'open') this.renew(session.accessToken)
    })
  }

  get state(): ConnectionState {
    return this.current
  }

  get reconnectAttempts(): number {
    return this.backoff.attempts
  }

  onState(listener: (state: ConnectionState, info: ConnectionInfo) => void): () => void {
    return this.stateListeners.add(listener)
  }

  /** Each time a socket opens (the session subscribes its rooms and sends its outbox then). */
  onOpen(listener: () => void): () => void {
    return this.openListeners.add(listener)
  }

  onEvent(listener: (frame: EventFrame) => void): () => void {
    return this.eventListeners.add(listener)
  }

  connect(): void {
    this.wanted = true
    if (this.current === 'open' || this.current === 'connecting' || this.socket) return
    clearTimeout(this.reconnectTimer)
    void this.open()
  }

  /** Closes the socket and stops reconnecting; `state` says why (`closed`, or `signed_out`). */
  stop(state: 'closed' | 'signed_out' = 'closed'): void {
    this.wanted = false
    clearTimeout(this.reconnectTimer)
    const socket = this.socket
    if (socket) this.abandon(socket, 1000, state === 'closed' ? 'closed by the client' : 'signed out')
    this.setState(state, {})
  }

  /**
   * Writes an op with a fresh id if a socket is open: the id, or undefined (not written).
   * Its answer goes to `answer`; if the socket closes first, `reject` gets `disconnected`.
   */
  call<N extends OpName>(op: N, fields: ClientOps[N], answer: Answer): number | undefined {
    const id = this.nextId++
    if (!this.write({ op, id, ...fields })) return undefined
    this.answers.set(id, answer)
    return id
  }

  /** An op as a promise of its ack; rejects with the error frame, or `disconnected`. */
  request<N extends OpName>(op: N, fields: ClientOps[N]): Promise<OpAcks[N]> {
    return new Promise((resolve, reject) => {
      const id = this.call(op, fields, { resolve: resolve as (ack: Record<string, unknown>) => void, reject })
      if (id === undefined) reject(new HearthError({ code: ClientErrorCode.disconnected, message: 'not connected' }))
    })
  }

  private write(frame: Record<string, unknown>): boolean {
    const socket = this.socket
    if (!socket || socket.readyState !== 1 || this.current !== 'open') return false
    socket.send(JSON.stringify(frame))
    return true
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
    }, this.deps.options.stableMs)
    this.startHeartbeat(socket)
    this.openListeners.emit()
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
    if (frame.op === 'event') return this.eventListeners.emit(frame)
    if (frame.op !== 'ack' && frame.op !== 'error') return // pong: lastFrameAt is all it is for
    const id = typeof frame.id === 'number' ? frame.id : Number(frame.id)
    const answer = this.answers.get(id)
    if (!answer) return
    this.answers.delete(id)
    if (frame.op === 'ack') {
      const { op: _op, id: _id, ...ack } = frame
      return answer.resolve(ack)
    }
    answer.reject(new HearthError({ code: frame.code, message: frame.message, retryAfter: frame.retryAfter }))
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
    const lost = [...this.answers.values()]
    this.answers.clear()
    for (const answer of lost) answer.reject(new HearthError({ code: ClientErrorCode.disconnected, message: 'the connection closed before the answer' }))
    const info = { code, reason }
    if (!this.wanted) return
    if (!this.deps.auth.signedIn) return this.setState('signed_out', info)
    switch (code) {
      case CloseCode.badToken:
        return this.reauthenticate(info)
      case CloseCode.rateLimited:
        return this.retryLater(info, Math.max(this.deps.options.rateLimitedMinMs, this.backoff.next()))
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
    const { heartbeatMs, heartbeatTimeoutMs } = this.deps.options
    clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = setInterval(() => {
      if (socket !== this.socket) return
      if (Date.now() - this.lastFrameAt > heartbeatMs + heartbeatTimeoutMs) return this.abandon(socket, 4000, 'no answer to ping')
      this.write({ op: 'ping', id: this.nextId++ })
    }, heartbeatMs)
  }

  /** A refreshed token for the open socket, so it outlives the old one's expiry. */
  private renew(token: string) {
    this.request('auth', { token }).catch((err: HearthError) => {
      // Refused (not just cut off): start over with a fresh socket and token.
      if (err.code !== ClientErrorCode.disconnected && this.socket) this.abandon(this.socket, 4000, 'token renewal refused')
    })
  }
}

function wsBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')
}

import { Listeners } from './listeners'

export type OutboxState = 'pending' | 'sent' | 'failed'

export interface OutboxEntry {
  readonly nonce: string
  readonly roomId: string
  readonly body: string
  readonly replyTo?: string
  readonly attachments?: string[]
  readonly state: OutboxState
  /** Times it was written to a socket. */
  readonly attempts: number
  readonly createdAt: number
  readonly messageId?: string
  readonly seq?: number
  readonly error?: { code: string; message: string }
}

export interface SendInput {
  body: string
  replyTo?: string
  attachments?: string[]
  /** Defaults to a random id. The same nonce again is the same message (the server answers with the original). */
  nonce?: string
}

interface Entry {
  nonce: string
  roomId: string
  body: string
  replyTo?: string
  attachments?: string[]
  state: OutboxState
  attempts: number
  createdAt: number
  messageId?: string
  seq?: number
  error?: { code: string; message: string }
  /** The request id of the attempt on the current socket. */
  inFlight?: number
  refusals: number
}

/** Refusals worth trying again; any other code fails the send. */
const RECENT = 1000

const RETRYABLE = new Set(['rate_limited', 'dependency_unavailable', 'internal_error'])

export interface OutboxDeps {
  /** Writes a send to the socket if one is open: its request id, or undefined. */
  transmit(entry: { nonce: string; roomId: string; body: string; replyTo?: string; attachments?: string[] }): number | undefined
  maxRetries: number
  /** How many sends may wait for their acks at once. */
  window: number
  now(): number
}

/** After a retryable refusal: the first wait (doubling per refusal of the same send, to the cap). */
const PAUSE_MS = 1_000
const PAUSE_CAP_MS = 30_000
/** How long after the last refusal the outbox sends one at a time (each waits for the last one's ack). */
const CAREFUL_MS = 10_000

/**
 * Sends keyed by nonce: each is written to the socket (in send order, a bounded window at
 * a time), written again after every reconnect until acked — the nonce makes a repeat the
 * same message — and settles once: `sent` with its id and seq, or `failed` with the refusal.
 * A sent entry leaves the outbox; failed ones stay until retried or discarded.
 */
export class Outbox {
  private readonly entries = new Map<string, Entry>()
  private readonly listeners = new Listeners<[OutboxEntry]>()
  private readonly waiters = new Map<string, ((entry: OutboxEntry | undefined) => void)[]>()
  /** The last sends that settled, for `settled()` asked late. */
  private readonly recent = new Map<string, OutboxEntry>()
  private pausedUntil = 0
  /** Until then, one send in flight at a time: the server said "slow down" not long ago. */
  private carefulUntil = 0
  private resume: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly deps: OutboxDeps) {}

  onChange(listener: (entry: OutboxEntry) => void): () => void {
    return this.listeners.add(listener)
  }

  /** Pending and failed entries, in send order. */
  list(): OutboxEntry[] {
    return [...this.entries.values()].map(snapshot)
  }

  get(nonce: string): OutboxEntry | undefined {
    const entry = this.entries.get(nonce)
    return entry && snapshot(entry)
  }

  add(roomId: string, input: SendInput, nonce: string): OutboxEntry {
    const existing = this.entries.get(nonce)
    if (existing) return snapshot(existing)
    const entry: Entry = {
      nonce,
      roomId,
      body: input.body,
      ...(input.replyTo ? { replyTo: input.replyTo } : {}),
      ...(input.attachments ? { attachments: input.attachments } : {}),
      state: 'pending',
      attempts: 0,
      createdAt: this.deps.now(),
      refusals: 0,
    }
    this.entries.set(nonce, entry)
    this.changed(entry)
    this.flush()
    return snapshot(entry)
  }

  /** Resolves once the entry is sent or failed (never rejects); undefined for an unknown nonce. */
  settled(nonce: string): Promise<OutboxEntry | undefined> {
    const entry = this.entries.get(nonce)
    if (!entry) return Promise.resolve(this.recent.get(nonce))
    if (entry.state !== 'pending') return Promise.resolve(snapshot(entry))
    return new Promise((resolve) => {
      const list = this.waiters.get(nonce) ?? []
      list.push(resolve)
      this.waiters.set(nonce, list)
    })
  }

  /** Writes every pending entry not already on the current socket, in order, within the window. */
  flush(): void {
    const now = this.deps.now()
    if (now < this.pausedUntil) return
    const window = now < this.carefulUntil ? 1 : this.deps.window
    let inFlight = 0
    for (const entry of this.entries.values()) if (entry.inFlight !== undefined) inFlight++
    for (const entry of this.entries.values()) {
      if (inFlight >= window) return
      if (entry.state !== 'pending' || entry.inFlight !== undefined) continue
      const id = this.deps.transmit(entry)
      if (id === undefined) return
      entry.inFlight = id
      entry.attempts++
      inFlight++
    }
  }

  /** The ack of a send, or its own `message.created` seen first: sent, once. */
  sent(nonce: string, ack: { messageId: string; seq: number }): void {
    const entry = this.entries.get(nonce)
    if (!entry || entry.state === 'sent') return
    entry.inFlight = undefined
    entry.state = 'sent'
    entry.messageId = ack.messageId
    entry.seq = ack.seq
    entry.error = undefined
    this.entries.delete(nonce)
    this.changed(entry)
    this.flush()
  }

  refused(nonce: string, requestId: number, error: { code: string; message: string; retryAfter?: number }): void {
    const entry = this.entries.get(nonce)
    if (!entry || entry.state !== 'pending' || entry.inFlight !== requestId) return
    entry.inFlight = undefined
    entry.refusals++
    if (RETRYABLE.has(error.code) && entry.refusals <= this.deps.maxRetries) {
      // Slow the whole outbox, not just this entry: the budget is the user's, and each refused
      // op counts against the socket (enough of them close it with 4008).
      const wait = Math.max((error.retryAfter ?? 0) * 1000, Math.min(PAUSE_CAP_MS, PAUSE_MS * 2 ** (entry.refusals - 1)))
      this.carefulUntil = this.deps.now() + wait + CAREFUL_MS
      this.pause(wait)
      return
    }
    entry.state = 'failed'
    entry.error = { code: error.code, message: error.message }
    this.changed(entry)
    this.flush()
  }

  /** The socket closed: nothing is in flight any more (each pending entry goes again on the next socket). */
  disconnected(): void {
    for (const entry of this.entries.values()) entry.inFlight = undefined
  }

  /** Fails every pending entry (the session ended). */
  failAll(error: { code: string; message: string }): void {
    for (const entry of [...this.entries.values()]) {
      if (entry.state !== 'pending') continue
      entry.inFlight = undefined
      entry.state = 'failed'
      entry.error = error
      this.changed(entry)
    }
  }

  retry(nonce: string): void {
    const entry = this.entries.get(nonce)
    if (!entry || entry.state !== 'failed') return
    entry.state = 'pending'
    entry.error = undefined
    entry.refusals = 0
    this.changed(entry)
    this.flush()
  }

  /** Forgets an entry. A pending one may still have reached the server: discarding does not unsend it. */
  discard(nonce: string): void {
    this.entries.delete(nonce)
    for (const resolve of this.waiters.get(nonce) ?? []) resolve(undefined)
    this.waiters.delete(nonce)
  }

  dispose(): void {
    clearTimeout(this.resume)
  }

  private pause(ms: number) {
    this.pausedUntil = Math.max(this.pausedUntil, this.deps.now() + ms)
    clearTimeout(this.resume)
    this.resume = setTimeout(() => this.flush(), Math.max(0, this.pausedUntil - this.deps.now()) + 1)
  }

  private changed(entry: Entry) {
    const view = snapshot(entry)
    this.listeners.emit(view)
    if (entry.state === 'pending') return
    if (entry.state === 'sent') {
      this.recent.set(entry.nonce, view)
      if (this.recent.size > RECENT) this.recent.delete(this.recent.keys().next().value!)
    }
    const waiting = this.waiters.get(entry.nonce)
    this.waiters.delete(entry.nonce)
    for (const resolve of waiting ?? []) resolve(view)
  }
}

function snapshot(entry: Entry): OutboxEntry {
  const { inFlight: _inFlight, refusals: _refusals, ...view } = entry
  return { ...view, ...(entry.attachments ? { attachments: [...entry.attachments] } : {}) }
}

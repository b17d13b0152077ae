import type { Message, OutboxEntry } from '../../client/src/index.ts'
import { meet } from './people'
import { describe, hearth, selfId, unwrap } from './session'
import { Store } from './store'

export interface TimelineState {
  /** Committed messages, by seq ascending, each once. */
  messages: Message[]
  /** My sends not yet shown as messages: pending, or failed (with why). */
  outgoing: OutboxEntry[]
  ready: boolean
  /** No older messages to page in. */
  atStart: boolean
  loadingOlder: boolean
  error?: string
  /** Who is typing now. */
  typing: string[]
  /** How far each reader has read. */
  readBy: ReadonlyMap<string, number>
  pinned: ReadonlySet<string>
  /** Reactions I made (`messageId emoji`), to show them pressed and to take them back. */
  mine: ReadonlySet<string>
}

const PAGE = 50

/**
 * One room as the page shows it: the latest page over REST, older pages on demand, then
 * the live feed (from the client: in seq order, each message once, across reconnects),
 * my sends from the client's outbox until their messages arrive, edits, deletions,
 * reactions, pins, typing and read receipts.
 */
export class RoomTimeline {
  readonly state = new Store<TimelineState>({
    messages: [],
    outgoing: [],
    ready: false,
    atStart: false,
    loadingOlder: false,
    typing: [],
    readBy: new Map(),
    pinned: new Set(),
    mine: new Set(),
  })
  private readonly bySeq = new Map<number, Message>()
  private readonly typingUntil = new Map<string, number>()
  /** Sends acked before their message arrived: still shown as mine, not as gone. */
  private readonly acked = new Map<string, OutboxEntry>()
  private readonly stops: (() => void)[] = []
  private typingTimer: ReturnType<typeof setInterval> | undefined
  private subscribed = false

  constructor(
    readonly roomId: string,
    private readonly opts: { keepSubscribed: () => boolean },
  ) {}

  async start(): Promise<void> {
    const live = hearth.realtime
    const here = (meta: { roomId?: string }) => meta.roomId === this.roomId
    this.stops.push(
      live.onMessage((m) => m.roomId === this.roomId && this.add([m])),
      live.onEvent('message.updated', ({ message }, meta) => here(meta) && this.replace(message)),
      live.onEvent('message.deleted', ({ messageId }, meta) => here(meta) && this.patch(messageId, { body: '', deletedAt: new Date().toISOString() })),
      live.onEvent('reaction.added', (r, meta) => here(meta) && this.reaction(r.messageId, r.emoji, r.count, r.userId, true)),
      live.onEvent('reaction.removed', (r, meta) => here(meta) && this.reaction(r.messageId, r.emoji, r.count, r.userId, false)),
      live.onEvent('message.pinned', ({ messageId }, meta) => here(meta) && this.pin(messageId, true)),
      live.onEvent('message.unpinned', ({ messageId }, meta) => here(meta) && this.pin(messageId, false)),
      live.onEvent('typing', ({ userId, expiresInMs }, meta) => here(meta) && this.typing(userId, expiresInMs)),
      live.onEvent('receipt.read', ({ userId, seq }, meta) => here(meta) && this.read(userId, seq)),
      live.onOutbox((entry) => entry.roomId === this.roomId && this.outboxChanged(entry)),
    )
    this.typingTimer = setInterval(() => this.expireTyping(), 1000)
    this.outboxChanged()
    try {
      const { messages } = unwrap(await hearth.api.GET('/v1/rooms/{id}/messages', { params: { path: { id: this.roomId }, query: { limit: PAGE } } }))
      this.add(messages)
      this.update({ ready: true, atStart: messages.length < PAGE })
      await live.subscribe(this.roomId, { sinceSeq: messages.at(-1)?.seq ?? 0 })
      this.subscribed = true
      const pins = unwrap(await hearth.api.GET('/v1/rooms/{id}/pins', { params: { path: { id: this.roomId } } }))
      this.update({ pinned: new Set(pins.map((p) => p.messageId)) })
    } catch (err) {
      this.update({ ready: true, error: describe(err) })
    }
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop()
    clearInterval(this.typingTimer)
    if (this.subscribed && !this.opts.keepSubscribed()) hearth.realtime.unsubscribe(this.roomId)
  }

  async loadOlder(): Promise<void> {
    const s = this.state.get()
    const first = s.messages[0]?.seq
    if (s.loadingOlder || s.atStart || first === undefined || first <= 1) return this.update({ atStart: true })
    this.update({ loadingOlder: true })
    try {
      const { messages } = unwrap(
        await hearth.api.GET('/v1/rooms/{id}/messages', { params: { path: { id: this.roomId }, query: { before: first, limit: PAGE } } }),
      )
      this.add(messages)
      this.update({ loadingOlder: false, atStart: messages.length < PAGE || messages[0]?.seq === 1 })
    } catch (err) {
      this.update({ loadingOlder: false, error: describe(err) })
    }
  }

  send(input: { body: string; replyTo?: string; attachments?: string[] }): void {
    hearth.realtime.send(this.roomId, input)
  }

  private update(patch: Partial<TimelineState>) {
    this.state.set((s) => ({ ...s, ...patch }))
  }

  private add(list: Message[]) {
    if (!list.length) return
    for (const m of list) this.bySeq.set(m.seq, m)
    meet(list.map((m) => m.authorId))
    // History says which reactions are mine (live events leave it out: those come from reaction events).
    const mine = list.flatMap((m) => m.reactions.filter((r) => r.me).map((r) => `${m.id} ${r.emoji}`))
    if (mine.length) this.update({ mine: new Set([...this.state.get().mine, ...mine]) })
    // Someone whose message arrived has stopped typing it.
    const typed = list.filter((m) => this.typingUntil.delete(m.authorId))
    if (typed.length) this.update({ typing: [...this.typingUntil.keys()] })
    this.settle()
  }

  /** Re-sorts the messages and drops the sends they stand for. */
  private settle() {
    const messages = [...this.bySeq.values()].sort((a, b) => a.seq - b.seq)
    const nonces = new Set(messages.filter((m) => m.authorId === selfId()).map((m) => m.nonce))
    for (const nonce of this.acked.keys()) if (nonces.has(nonce)) this.acked.delete(nonce)
    const outgoing = [...hearth.realtime.outbox.filter((e) => e.roomId === this.roomId), ...this.acked.values()].filter((e) => !nonces.has(e.nonce))
    this.update({ messages, outgoing })
  }

  private outboxChanged(entry?: OutboxEntry) {
    if (entry?.state === 'sent') {
      this.acked.set(entry.nonce, entry)
      // Its message comes on the feed; if it never does (the room was left), stop showing it.
      setTimeout(() => this.acked.delete(entry.nonce) && this.settle(), 15_000)
    }
    this.settle()
  }

  private replace(message: Message) {
    const known = this.bySeq.get(message.seq)
    if (!known) return
    this.bySeq.set(message.seq, { ...known, ...message })
    this.settle()
  }

  private patch(messageId: string, change: Partial<Message>) {
    for (const [seq, m] of this.bySeq) if (m.id === messageId) this.bySeq.set(seq, { ...m, ...change })
    this.settle()
  }

  private reaction(messageId: string, emoji: string, count: number, userId: string, on: boolean) {
    for (const [seq, m] of this.bySeq) {
      if (m.id !== messageId) continue
      const others = m.reactions.filter((r) => r.emoji !== emoji)
      const reactions = count > 0 ? [...others, { emoji, count }] : others
      this.bySeq.set(seq, { ...m, reactions: reactions.sort((a, b) => a.emoji.localeCompare(b.emoji)) })
    }
    if (userId === selfId()) {
      const mine = new Set(this.state.get().mine)
      if (on) mine.add(`${messageId} ${emoji}`)
      else mine.delete(`${messageId} ${emoji}`)
      this.update({ mine })
    }
    this.settle()
  }

  private pin(messageId: string, on: boolean) {
    const pinned = new Set(this.state.get().pinned)
    if (on) pinned.add(messageId)
    else pinned.delete(messageId)
    this.update({ pinned })
  }

  private typing(userId: string, expiresInMs: number) {
    if (userId === selfId()) return
    this.typingUntil.set(userId, Date.now() + expiresInMs)
    meet([userId])
    this.update({ typing: [...this.typingUntil.keys()] })
  }

  private expireTyping() {
    let changed = false
    for (const [userId, until] of this.typingUntil) if (until <= Date.now()) changed = this.typingUntil.delete(userId) || changed
    if (changed) this.update({ typing: [...this.typingUntil.keys()] })
  }

  /** A reader's receipt; their typing ends when they have sent (their message came). */
  private read(userId: string, seq: number) {
    if (userId === selfId()) return
    meet([userId])
    this.update({ readBy: new Map(this.state.get().readBy).set(userId, seq) })
  }
}

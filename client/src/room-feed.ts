import { Backoff } from './backoff'
import type { HearthError } from './errors'
import type { Message } from './rest'

export type MessageSource = 'live' | 'history'

export interface RoomFeedDeps {
  roomId: string
  /** Hands one message to the app: called in seq order, once per seq. */
  deliver(message: Message, source: MessageSource): void
  /** One page of history after a seq, ascending (REST `?after=`); throws a HearthError on refusal. */
  fetchAfter(after: number, limit: number): Promise<Message[]>
  /** History said the room is gone for this user (403/404). */
  lost(error: HearthError): void
  /** How long a gap may wait for the socket (a replay in progress) before REST fills it. */
  gapWaitMs: number
}

const PAGE = 100

/**
 * One room's messages in seq order, each once. Live messages are held until every seq
 * before them was delivered; duplicates (a replay after a reconnect, a late copy) are
 * dropped by seq; a gap the socket does not close within `gapWaitMs` — a lost frame, or a
 * resync the server asked for — is filled over REST, page by page, up to the highest seq
 * known to exist. The position is what a reconnect resumes from (`sinceSeq`).
 */
export class RoomFeed {
  /** The last seq delivered; undefined until the first subscribe ack when the app gave none. */
  position: number | undefined
  /** The highest seq known to exist (from acks, resyncs and live messages). */
  private known = 0
  private readonly held = new Map<number, Message>()
  private filling = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private readonly retry = new Backoff({ baseMs: 250, capMs: 5_000 })
  private disposed = false

  constructor(
    private readonly deps: RoomFeedDeps,
    sinceSeq: number | undefined,
  ) {
    this.position = sinceSeq
  }

  get roomId(): string {
    return this.deps.roomId
  }

  /** The subscribe ack: the room's last seq. Without a position yet, the feed starts there. */
  subscribed(lastSeq: number): void {
    if (this.position === undefined) this.position = lastSeq
    this.exists(lastSeq)
  }

  /** Word that a seq exists (an ack of our own send, the unread counts): if it never arrives, REST brings it. */
  exists(seq: number): void {
    this.known = Math.max(this.known, seq)
    this.drain()
  }

  /** A live `message.created`. */
  receive(message: Message): void {
    const seq = message.seq
    if ((this.position !== undefined && seq <= this.position) || this.held.has(seq)) return
    this.held.set(seq, message)
    this.known = Math.max(this.known, seq)
    this.drain()
  }

  /** `subscription.resync`: the server will not replay up to `lastSeq`; REST pages it in now. */
  resync(lastSeq: number): void {
    this.known = Math.max(this.known, lastSeq)
    clearTimeout(this.timer)
    this.timer = undefined
    void this.fill()
  }

  dispose(): void {
    this.disposed = true
    clearTimeout(this.timer)
    this.held.clear()
  }

  private drain(): void {
    if (this.position === undefined || this.disposed) return
    for (let next = this.held.get(this.position + 1); next; next = this.held.get(this.position + 1)) {
      this.held.delete(next.seq)
      this.position = next.seq
      this.deps.deliver(next, 'live')
    }
    this.watchGap()
  }

  private watchGap(): void {
    if (this.position === undefined || this.disposed || this.filling) return
    if (this.position >= this.known) {
      clearTimeout(this.timer)
      this.timer = undefined
      return
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      void this.fill()
    }, this.deps.gapWaitMs)
  }

  private async fill(): Promise<void> {
    if (this.filling || this.disposed || this.position === undefined) return
    this.filling = true
    try {
      while (!this.disposed && this.position < this.known) {
        const page = await this.deps.fetchAfter(this.position, PAGE)
        if (this.disposed) return
        for (const message of page) {
          if (message.seq <= this.position) continue
          this.held.delete(message.seq)
          this.position = message.seq
          this.deps.deliver(message, 'history')
        }
        this.retry.reset()
        // History is the record: what it does not have does not exist (no endless refetching).
        if (page.length < PAGE) {
          this.known = Math.min(this.known, Math.max(this.position, ...this.held.keys()))
          break
        }
      }
    } catch (err) {
      const error = err as HearthError
      if (error.status === 403 || error.status === 404) {
        this.deps.lost(error)
        return
      }
      // Unreachable or overloaded: try again later (live messages keep waiting meanwhile).
      this.filling = false
      clearTimeout(this.timer)
      this.timer = setTimeout(() => {
        this.timer = undefined
        void this.fill()
      }, this.retry.next() + 50)
      return
    } finally {
      this.filling = false
    }
    this.drain()
  }
}

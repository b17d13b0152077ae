import type { RoomEvent } from '../../rooms/types'
import type { Logger } from '../lib/log'

/**
 * Keeps one room's events from its channel in seq order, without holes or repeats. After
 * a change of owner, a message committed by a node that died before publishing it, or
 * one published late by the old owner, would otherwise reach listeners out of order or
 * never: a hole is filled from the owner (or Postgres) before later events go on, and a
 * seq already delivered is dropped.
 */
export class RoomSequencer {
  private lastSeq: number | undefined
  private filling = false
  private readonly held: RoomEvent[] = []

  constructor(
    private readonly roomId: string,
    private readonly parts: {
      missed(sinceSeq: number): Promise<RoomEvent[]>
      deliver(event: RoomEvent): void
      log: Logger
    },
  ) {}

  push(event: RoomEvent): void {
    if (this.filling) {
      this.held.push(event)
      return
    }
    const seq = event.type === 'message.created' ? event.seq : undefined
    if (seq === undefined || this.lastSeq === undefined || seq === this.lastSeq + 1) {
      if (seq !== undefined) this.lastSeq = seq
      this.parts.deliver(event)
      return
    }
    if (seq <= this.lastSeq) return
    this.held.push(event)
    void this.fill(this.lastSeq)
  }

  /**
   * Delivers what the owner has since `sinceSeq`, up to the message that showed the hole:
   * the missing messages, and the edits, reactions and deletes made in between, in their
   * order. One of those may already have come live before the hole showed; it comes again
   * (they carry whole states — the message, the count — so the last one seen is right).
   */
  private async fill(sinceSeq: number) {
    this.filling = true
    const upTo = this.held[0]?.seq ?? Number.POSITIVE_INFINITY
    try {
      for (const event of await this.parts.missed(sinceSeq)) {
        if (event.type !== 'message.created' || event.seq === undefined) {
          if (event.atSeq < upTo) this.parts.deliver(event)
          continue
        }
        if (event.seq <= (this.lastSeq ?? 0) || event.seq >= upTo) continue
        this.lastSeq = event.seq
        this.parts.deliver(event)
      }
    } catch (err) {
      this.parts.log.warn('could not fill a hole in a room stream', { roomId: this.roomId, sinceSeq, error: String(err) })
    }
    this.filling = false
    const held = this.held.splice(0)
    // Whatever could not be filled is given up on, so one failure does not stall the room.
    const first = held.find((e) => e.type === 'message.created' && e.seq !== undefined)
    if (first && this.lastSeq !== undefined && first.seq! > this.lastSeq + 1) this.lastSeq = first.seq! - 1
    for (const event of held) this.push(event)
  }
}

import type { RoomEvent } from './types'

/** The seq a subscriber must have seen for this event to be news to it. */
const after = (e: RoomEvent) => (e.seq !== undefined ? e.seq - 1 : e.atSeq)

/**
 * The last few hundred events of a room, so a subscriber resuming with `sinceSeq` is
 * served from memory. `floor` is the smallest `sinceSeq` it can still serve completely.
 */
export class EventBuffer {
  private readonly events: RoomEvent[] = []
  private floor: number

  constructor(private readonly capacity: number, startSeq: number) {
    this.floor = startSeq
  }

  push(event: RoomEvent): void {
    this.events.push(event)
    if (this.events.length > this.capacity) {
      const dropped = this.events.shift()!
      this.floor = Math.max(this.floor, after(dropped) + 1)
    }
  }

  /** Every event after `sinceSeq`, in order; undefined when the buffer no longer reaches back that far. */
  since(sinceSeq: number): RoomEvent[] | undefined {
    if (sinceSeq < this.floor) return undefined
    return this.events.filter((e) => after(e) >= sinceSeq)
  }
}

import type { RoomHost } from './host'
import type { CommandResult, RoomCommand, RoomEvent, RoomListener } from './types'

/**
 * How the gateway reaches rooms, wherever their actors live. `LocalRouter` calls this
 * node's `RoomHost`; a Redis router (cluster/) sends to the owner node behind the same
 * interface, and both pass `routerContract` (test/rooms-router.test.ts).
 */
export interface Router {
  /** Runs a command on the room's actor; resolves once it is committed. */
  send<C extends RoomCommand>(command: C): Promise<CommandResult<C>>
  /** Every event of the room from now on, in seq order. */
  subscribe(roomId: string, listener: RoomListener): () => void
  /**
   * What a subscriber that last saw `sinceSeq` missed, in order (at most 1000 when rebuilt
   * from Postgres: call again from the last seq). To resume without a hole, subscribe
   * first, then call this, and drop live `message.created` events whose seq was replayed.
   */
  eventsSince(query: { roomId: string; sinceSeq: number }): Promise<RoomEvent[]>
}

export class LocalRouter implements Router {
  constructor(private readonly resources: { host: RoomHost }) {}

  send<C extends RoomCommand>(command: C): Promise<CommandResult<C>> {
    return this.resources.host.send(command)
  }

  subscribe(roomId: string, listener: RoomListener): () => void {
    return this.resources.host.subscribe({ roomId, listener })
  }

  eventsSince(query: { roomId: string; sinceSeq: number }): Promise<RoomEvent[]> {
    return this.resources.host.eventsSince(query)
  }
}

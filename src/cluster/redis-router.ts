import type { RoomHost } from '../../rooms/host'
import type { Router } from '../../rooms/router'
import type { CommandResult, RoomCommand, RoomEvent, RoomListener } from '../../rooms/types'
import { validateCommand } from '../../rooms/validate'
import { AppError } from '../lib/errors'
import type { Logger } from '../lib/log'
import type { OutboundEvent } from '../realtime/fanout'
import type { ClusterBus } from './bus'
import type { Membership } from './membership'
import { HashRing } from './ring'
import { RoomSequencer } from './room-sequencer'
import { NodeRpc, NodeUnreachableError, RequestTimeoutError } from './rpc'
import { parseWire, RemoteError } from './wire'

export interface RedisRouterOptions {
  /** How long one attempt at a command waits for the owner's answer. */
  requestTimeoutMs: number
  /** How long a command keeps being retried (owner dead, ring changing) before it fails. */
  sendDeadlineMs: number
  vnodes: number
}

/** The node asked is not the room's owner in its own view of the ring (views differ for a moment after a change). */
export class NotOwnerError extends AppError {
  constructor(roomId: string, nodeId: string) {
    super('dependency_unavailable', `node ${nodeId} does not own room ${roomId}; retry`, { retryAfter: 1 })
  }
}

type RoomRequest = { op: 'send'; command: RoomCommand } | { op: 'eventsSince'; roomId: string; sinceSeq: number }

/** What travels on a room's channel: a committed event, or an ephemeral one (typing, receipts, ...). */
type RoomWire = { e: RoomEvent } | { x: OutboundEvent }

const RETRYABLE = new Set(['RoomClosedError', 'StaleEpochError', 'NotOwnerError', 'RequestTimeoutError', 'NodeUnreachableError'])

function retryable(err: unknown): boolean {
  if (err instanceof RemoteError) return RETRYABLE.has(err.remoteName)
  return err instanceof AppError && RETRYABLE.has(err.constructor.name)
}

/**
 * The Router across nodes. A room's owner is given by the hash ring over live members;
 * commands for rooms owned elsewhere go to the owner's inbox (with an id and a timeout)
 * and are retried against the new owner when the ring changes (nonces make sends
 * idempotent). The owner publishes each committed event on the room's channel; a node
 * listens to that channel only while something here subscribed to the room.
 */
export class RedisRouter implements Router {
  private ring: HashRing
  private readonly rooms = new Map<
    string,
    { listeners: Set<RoomListener>; ready: Promise<void>; handler: (m: string) => void; sequencer: RoomSequencer }
  >()
  private readonly rpc: NodeRpc
  private ringWaiters: (() => void)[] = []
  private untap: (() => void) | undefined
  private unwatch: (() => void) | undefined
  private readonly ephemeralListeners = new Set<(roomId: string, event: OutboundEvent) => void>()
  readonly stats = { localCommands: 0, remoteCommands: 0, retries: 0, served: 0 }

  constructor(
    private readonly res: { bus: ClusterBus; membership: Membership; host: RoomHost; log: Logger },
    private readonly options: RedisRouterOptions,
  ) {
    this.ring = new HashRing([], options.vnodes)
    this.rpc = new NodeRpc(res, res.membership.nodeId)
  }

  get nodeId(): string {
    return this.res.membership.nodeId
  }

  /** Starts serving this node's inbox and publishing its rooms' events; call before `membership.join()`. */
  async start(): Promise<void> {
    const { bus, host, membership } = this.res
    this.untap = host.tap((event) => {
      void bus.publishRoom(this.roomChannel(event.roomId), JSON.stringify({ e: event } satisfies RoomWire)).catch((err) =>
        this.res.log.warn('room event not published', { roomId: event.roomId, error: String(err) }),
      )
    })
    this.unwatch = membership.onChange((members) => this.onMembers(members))
    await this.rpc.serve((body) => this.serve(body as RoomRequest))
  }

  /** The node that owns a room now (this node while the ring is empty). */
  ownerOf(roomId: string): string {
    return this.ring.owner(roomId) ?? this.nodeId
  }

  async send<C extends RoomCommand>(command: C): Promise<CommandResult<C>> {
    validateCommand(command)
    // Our own subscribers must be listening before the event can be published.
    await this.rooms.get(command.roomId)?.ready
    const deadline = Date.now() + this.options.sendDeadlineMs
    for (;;) {
      const owner = this.ownerOf(command.roomId)
      try {
        if (owner === this.nodeId) {
          this.stats.localCommands++
          return await this.res.host.send(command)
        }
        this.stats.remoteCommands++
        return await this.rpc.request<CommandResult<C>>(owner, { op: 'send', command } satisfies RoomRequest, {
          timeoutMs: this.options.requestTimeoutMs,
          what: `${command.type} for room ${command.roomId}`,
        })
      } catch (err) {
        if (!retryable(err) || Date.now() >= deadline) throw err
        this.stats.retries++
        await this.ringChange(Math.min(250, Math.max(0, deadline - Date.now())))
      }
    }
  }

  subscribe(roomId: string, listener: RoomListener): () => void {
    let room = this.rooms.get(roomId)
    if (!room) {
      const handler = (m: string) => this.onRoomMessage(roomId, m)
      const channel = this.roomChannel(roomId)
      // A failed subscribe is retried (with backoff) for as long as this room has listeners
      // here; `ready` settles after the first attempt so readers never wait on an outage.
      const retry = async (attempt: number): Promise<void> => {
        await Bun.sleep(Math.min(100 * 2 ** attempt, 5000))
        if (this.rooms.get(roomId) !== created) return
        await this.res.bus.subscribeRoom(channel, handler).catch((err) => {
          this.res.log.warn('room channel subscribe failed again', { roomId, error: String(err) })
          return retry(attempt + 1)
        })
      }
      const ready = this.res.bus.subscribeRoom(channel, handler).catch((err) => {
        this.res.log.warn('room channel subscribe failed', { roomId, error: String(err) })
        void retry(0)
      })
      const listeners = new Set<RoomListener>()
      const sequencer = new RoomSequencer(roomId, {
        missed: (sinceSeq) => this.eventsSince({ roomId, sinceSeq }),
        deliver: (event) => {
          for (const listener of [...listeners]) {
            try {
              listener(event)
            } catch (err) {
              this.res.log.error('room listener threw', { roomId, error: err })
            }
          }
        },
        log: this.res.log,
      })
      const created = { listeners, ready, handler, sequencer }
      room = created
      this.rooms.set(roomId, room)
    }
    const entry = room
    entry.listeners.add(listener)
    return () => {
      entry.listeners.delete(listener)
      if (entry.listeners.size > 0 || this.rooms.get(roomId) !== entry) return
      this.rooms.delete(roomId)
      void entry.ready.then(() => this.res.bus.unsubscribeRoom(this.roomChannel(roomId), entry.handler)).catch(() => {})
    }
  }

  /** From the owner's buffer when it answers; from Postgres (always complete) when it does not. */
  async eventsSince(query: { roomId: string; sinceSeq: number }): Promise<RoomEvent[]> {
    await this.rooms.get(query.roomId)?.ready
    const owner = this.ownerOf(query.roomId)
    if (owner === this.nodeId) return this.res.host.eventsSince(query)
    try {
      return await this.rpc.request<RoomEvent[]>(owner, { op: 'eventsSince', ...query } satisfies RoomRequest, {
        timeoutMs: this.options.requestTimeoutMs,
        what: `eventsSince for room ${query.roomId}`,
      })
    } catch {
      return this.res.host.reader.eventsSince(query)
    }
  }

  /** Sends an ephemeral event to every node with sockets in the room (this one included). */
  async publishEphemeral(roomId: string, event: OutboundEvent): Promise<void> {
    await this.res.bus.publishRoom(this.roomChannel(roomId), JSON.stringify({ x: event } satisfies RoomWire))
  }

  /** Stops answering and lets this node's rooms go (their actors finish what is queued). */
  async stop(): Promise<void> {
    await this.rpc.stop()
    await this.res.host.stop()
    this.untap?.()
    this.unwatch?.()
    for (const wake of this.ringWaiters.splice(0)) wake()
  }

  private roomChannel(roomId: string) {
    return this.res.bus.channel('room', roomId)
  }

  private async serve(request: RoomRequest): Promise<unknown> {
    const roomId = request.op === 'send' ? request.command.roomId : request.roomId
    if (this.ownerOf(roomId) !== this.nodeId) {
      // Our view may lag the sender's: read the members once before refusing.
      await this.res.membership.refresh()
      if (this.ownerOf(roomId) !== this.nodeId) throw new NotOwnerError(roomId, this.nodeId)
    }
    this.stats.served++
    if (request.op === 'send') return this.res.host.send(request.command)
    return this.res.host.eventsSince(request)
  }

  private onRoomMessage(roomId: string, text: string) {
    const room = this.rooms.get(roomId)
    let wire: RoomWire
    try {
      wire = parseWire<RoomWire>(text)
    } catch {
      return
    }
    if ('x' in wire) {
      for (const listener of this.ephemeralListeners) listener(roomId, wire.x)
      return
    }
    room?.sequencer.push(wire.e)
  }

  /** Hears ephemeral room events (typing, receipts, pins) that came on a room channel (the local Fanout delivers them). */
  onEphemeral(listener: (roomId: string, event: OutboundEvent) => void): () => void {
    this.ephemeralListeners.add(listener)
    return () => this.ephemeralListeners.delete(listener)
  }

  private onMembers(members: string[]) {
    const next = new HashRing(members, this.options.vnodes)
    if (next.sameAs(this.ring)) return
    this.ring = next
    for (const roomId of this.res.host.activeRooms()) {
      if (this.ownerOf(roomId) !== this.nodeId) void this.res.host.release({ roomId })
    }
    for (const wake of this.ringWaiters.splice(0)) wake()
  }

  private ringChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      const self = this
      function done() {
        clearTimeout(timer)
        self.ringWaiters = self.ringWaiters.filter((w) => w !== done)
        resolve()
      }
      this.ringWaiters.push(done)
    })
  }
}

export { NodeUnreachableError, RequestTimeoutError }

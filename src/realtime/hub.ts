import type { RoomEvent, Router } from '../../rooms'
import type { Logger } from '../lib/log'
import { toMessageEventView } from '../modules/messages/model'
import { roomTopic, type Fanout, type OutboundEvent } from './fanout'

/** What the hub needs of a socket: its own queue of frames and its topic subscriptions. */
export interface RoomSocket {
  send(frame: string): void
  subscribe(topic: string): void
  unsubscribe(topic: string): void
}

interface CatchUp {
  socket: RoomSocket
  queue: RoomEvent[]
}

interface HubRoom {
  sockets: Set<RoomSocket>
  unsubscribe: () => void
  catchingUp: Set<CatchUp>
  /** The last message seq handed to the room's topic (unknown until the first one). */
  topicSeq: number | undefined
  /**
   * While `topicSeq` is unknown: the lowest seq a socket on the topic had when it joined (its
   * replay found nothing past it). A later replay that reads further hands the topic what
   * is past it: the live copies of those messages may not have come yet, and when they do
   * the topic has carried them and drops them.
   */
  topicFloor: number | undefined
}

/**
 * Room events on this node: one router subscription per room with local sockets,
 * however many sockets joined it; events are serialized once and published to the
 * room's topic. A socket resuming from `sinceSeq` is replayed what it missed before it
 * joins the topic, with live events held for it meanwhile, so it sees every event once,
 * in order. The topic never goes back: a message seq it already carried is dropped, and
 * one a replay found first is handed to the topic then (so a late copy from the router
 * after an owner change is not a repeat for anyone).
 */
export class RoomHub {
  private readonly rooms = new Map<string, HubRoom>()

  private readonly committedListeners = new Set<(createdAt: Date) => void>()

  constructor(private readonly resources: { router: Router; fanout: Fanout; log: Logger }) {}

  /** Hears each new message as it is handed to the sockets, with when it was created (fan-out latency). */
  onCommitted(listener: (createdAt: Date) => void): () => void {
    this.committedListeners.add(listener)
    return () => this.committedListeners.delete(listener)
  }

  get activeRooms(): number {
    return this.rooms.size
  }

  async join(socket: RoomSocket, roomId: string, sinceSeq: number | undefined): Promise<void> {
    const room = this.room(roomId)
    if (room.sockets.has(socket)) return
    room.sockets.add(socket)
    if (sinceSeq === undefined) {
      socket.subscribe(roomTopic(roomId))
      return
    }
    const catchUp: CatchUp = { socket, queue: [] }
    room.catchingUp.add(catchUp)
    // Read from where the topic is too when it is behind this socket, so the topic catches up as well.
    const topicAt = room.topicSeq ?? room.topicFloor
    const from = topicAt === undefined ? sinceSeq : Math.min(sinceSeq, topicAt)
    // Moves only with the messages the replay reads: the newest seq the room really has.
    let cursor = from
    try {
      let lastCreated = sinceSeq
      for (;;) {
        const missed = await this.resources.router.eventsSince({ roomId, sinceSeq: cursor })
        for (const event of missed) {
          const created = event.type === 'message.created' && event.seq !== undefined
          if (created) {
            if (event.seq! <= cursor) continue
            cursor = event.seq!
          }
          if (created ? event.seq! > lastCreated : event.atSeq >= sinceSeq) {
            if (created) lastCreated = event.seq!
            // Left (unsubscribed, closed, access revoked) while the page was read: none of it is theirs any more.
            if (room.sockets.has(socket)) socket.send(serialize(event))
          }
          // Only missed messages catch the topic up; replayed edits and reactions are this socket's alone.
          if (created) this.replayed(room, roomId, event, catchUp)
        }
        // Unsubscribed or closed meanwhile: the rest of the replay is nobody's.
        if (missed.length < 1000 || !room.sockets.has(socket)) break
      }
      for (const event of room.sockets.has(socket) ? catchUp.queue : []) {
        if (event.type === 'message.created' && (event.seq ?? 0) <= lastCreated) continue
        if (event.type === 'message.created') lastCreated = event.seq!
        socket.send(serialize(event))
      }
      // The topic moves up to what the room has, never to the client's own sinceSeq, which may
      // be past the room's end (a bogus or stale client) and would make the topic drop every
      // live message of everyone below it.
      if (cursor > from) room.topicSeq = Math.max(room.topicSeq ?? 0, cursor)
    } catch (err) {
      // Not joined: left in the room off its topic, the socket would hear nothing, and a second subscribe would not join it.
      this.leave(socket, roomId)
      throw err
    } finally {
      room.catchingUp.delete(catchUp)
    }
    if (!room.sockets.has(socket)) return
    if (room.topicSeq === undefined) room.topicFloor = Math.min(room.topicFloor ?? cursor, cursor)
    socket.subscribe(roomTopic(roomId))
  }

  leave(socket: RoomSocket, roomId: string): void {
    const room = this.rooms.get(roomId)
    if (!room?.sockets.delete(socket)) return
    socket.unsubscribe(roomTopic(roomId))
    if (room.sockets.size === 0) {
      room.unsubscribe()
      this.rooms.delete(roomId)
    }
  }

  joined(socket: RoomSocket, roomId: string): boolean {
    return this.rooms.get(roomId)?.sockets.has(socket) ?? false
  }

  private room(roomId: string): HubRoom {
    let room = this.rooms.get(roomId)
    if (!room) {
      const created: HubRoom = { sockets: new Set(), unsubscribe: () => {}, catchingUp: new Set(), topicSeq: undefined, topicFloor: undefined }
      created.unsubscribe = this.resources.router.subscribe(roomId, (event) => this.toTopic(created, roomId, event, { live: true }))
      room = created
      this.rooms.set(roomId, room)
    }
    return room
  }

  /**
   * A message a replay read: to the topic when it is past what the topic's sockets have;
   * else, while no message has passed the topic, to the other sockets catching up (each
   * skips what it has), whose replays may have read the room before it.
   */
  private replayed(room: HubRoom, roomId: string, event: RoomEvent, catchUp: CatchUp) {
    const topicAt = room.topicSeq ?? room.topicFloor
    if (topicAt !== undefined && event.seq! > topicAt) return this.toTopic(room, roomId, event, { live: false, except: catchUp })
    if (room.topicSeq === undefined) for (const c of room.catchingUp) if (c !== catchUp) c.queue.push(event)
  }

  /** Hands an event to the sockets on the room's topic and to those catching up, unless the topic already carried it. */
  private toTopic(room: HubRoom, roomId: string, event: RoomEvent, opts: { live: boolean; except?: CatchUp }) {
    if (event.type === 'message.created' && event.seq !== undefined) {
      if (room.topicSeq !== undefined && event.seq <= room.topicSeq) {
        // The topic has it; a socket still catching up may not.
        if (opts.live) for (const c of room.catchingUp) c.queue.push(event)
        return
      }
      room.topicSeq = event.seq
    }
    for (const c of room.catchingUp) if (c !== opts.except) c.queue.push(event)
    const message = (event.data as { message?: { createdAt?: Date } }).message
    if (opts.live && event.type === 'message.created' && message?.createdAt instanceof Date) {
      for (const listener of this.committedListeners) listener(message.createdAt)
    }
    this.resources.fanout.deliver(roomTopic(roomId), toOutbound(event))
  }
}

export function toOutbound(event: RoomEvent): OutboundEvent {
  const data = event.data as Record<string, unknown> & { message?: Parameters<typeof toMessageEventView>[0] }
  return {
    type: event.type,
    roomId: event.roomId,
    ...(event.seq !== undefined ? { seq: event.seq } : {}),
    data: data.message ? { ...data, message: toMessageEventView(data.message, { withSeq: event.seq === undefined }) } : data,
  }
}

const serialize = (event: RoomEvent) => JSON.stringify({ op: 'event', ...toOutbound(event) })

import type { RoomEvent, Router } from '../../rooms'
import type { Logger } from '../lib/log'
import { toMessageView } from '../modules/messages/service'
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

/**
 * Room events on this node: one router subscription per room with local sockets,
 * however many sockets joined it; events are serialized once and published to the
 * room's topic. A socket resuming from `sinceSeq` is replayed what it missed before it
 * joins the topic, with live events held for it meanwhile, so it sees every event once,
 * in order.
 */
export class RoomHub {
  private readonly rooms = new Map<string, { sockets: Set<RoomSocket>; unsubscribe: () => void; catchingUp: Set<CatchUp> }>()

  /** Told when a new message is about to be handed to the sockets (fan-out latency). */
  onCommitted: ((createdAt: Date) => void) | undefined

  constructor(private readonly resources: { router: Router; fanout: Fanout; log: Logger }) {}

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
    try {
      let lastCreated = sinceSeq
      for (;;) {
        const missed = await this.resources.router.eventsSince({ roomId, sinceSeq: lastCreated })
        for (const event of missed) {
          if (event.type === 'message.created' && event.seq !== undefined) {
            if (event.seq <= lastCreated) continue
            lastCreated = event.seq
          }
          socket.send(serialize(event))
        }
        if (missed.length < 1000) break
      }
      for (const event of catchUp.queue) {
        if (event.type === 'message.created' && (event.seq ?? 0) <= lastCreated) continue
        socket.send(serialize(event))
      }
    } finally {
      room.catchingUp.delete(catchUp)
    }
    if (room.sockets.has(socket)) socket.subscribe(roomTopic(roomId))
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

  private room(roomId: string) {
    let room = this.rooms.get(roomId)
    if (!room) {
      const catchingUp = new Set<CatchUp>()
      const unsubscribe = this.resources.router.subscribe(roomId, (event) => {
        for (const c of catchingUp) c.queue.push(event)
        const message = (event.data as { message?: { createdAt?: Date } }).message
        if (event.type === 'message.created' && message?.createdAt instanceof Date) this.onCommitted?.(message.createdAt)
        this.resources.fanout.publish(roomTopic(roomId), toOutbound(event))
      })
      room = { sockets: new Set(), unsubscribe, catchingUp }
      this.rooms.set(roomId, room)
    }
    return room
  }
}

export function toOutbound(event: RoomEvent): OutboundEvent {
  const data = event.data as Record<string, unknown> & { message?: Parameters<typeof toMessageView>[0] }
  return {
    type: event.type,
    roomId: event.roomId,
    ...(event.seq !== undefined ? { seq: event.seq } : {}),
    data: data.message ? { ...data, message: toMessageView(data.message) } : data,
  }
}

const serialize = (event: RoomEvent) => JSON.stringify({ op: 'event', ...toOutbound(event) })

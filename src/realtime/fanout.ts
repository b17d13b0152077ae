import type { Server } from 'bun'

/** A server push: `{op: "event", type, roomId?, seq?, data}`. */
export interface OutboundEvent {
  type: string
  roomId?: string
  seq?: number
  data: unknown
}

export const roomTopic = (roomId: string) => `room:${roomId}`
export const userTopic = (userId: string) => `user:${userId}`
export const communityTopic = (communityId: string) => `community:${communityId}`

/**
 * Delivers events to the sockets of this node that subscribed to a topic (a room, a
 * user, a community), serialized once and published by Bun to all of them. The cluster
 * issue puts a Redis fan-out in front of the same interface.
 */
export class Fanout {
  private server: Server<unknown> | undefined
  /** Counts deliveries per event type, for /metrics. */
  onPublish: ((type: string, sockets: number) => void) | undefined

  attach(server: Server<unknown> | null | undefined) {
    if (server && !this.server) this.server = server
  }

  toRoom(roomId: string, event: OutboundEvent) {
    this.publish(roomTopic(roomId), { ...event, roomId })
  }

  toUser(userId: string, event: OutboundEvent) {
    this.publish(userTopic(userId), event)
  }

  toCommunity(communityId: string, event: OutboundEvent) {
    this.publish(communityTopic(communityId), event)
  }

  publish(topic: string, event: OutboundEvent) {
    if (!this.server) return
    const sockets = this.server.subscriberCount(topic)
    if (sockets === 0) return
    this.server.publish(topic, JSON.stringify({ op: 'event', ...event }))
    this.onPublish?.(event.type, sockets)
  }
}

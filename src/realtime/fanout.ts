import type { Server } from 'bun'

/** A server push: `{op: "event", type, roomId?, seq?, data}`. */
export interface OutboundEvent {
  type: string
  roomId?: string
  seq?: number
  data: unknown
}

export const roomTopic = (roomId: string) => `room:${roomId}`
const USER_TOPIC = 'user:'
export const userTopic = (userId: string) => `${USER_TOPIC}${userId}`
export const communityTopic = (communityId: string) => `community:${communityId}`

/**
 * Delivers events to the sockets of this node that subscribed to a topic (a room, a
 * user, a community), serialized once and published by Bun to all of them. The cluster
 * mode puts Redis in front of the same interface (src/cluster/fanout.ts).
 */
export class Fanout {
  private server: Server<unknown> | undefined
  private readonly publishListeners = new Set<(type: string, sockets: number) => void>()
  private readonly userListeners = new Set<(userId: string, event: OutboundEvent) => void>()

  attach(server: Server<unknown> | null | undefined) {
    if (server && !this.server) this.server = server
  }

  /** Hears every delivery to this node's sockets: the event type and how many sockets got it (metrics). */
  onPublish(listener: (type: string, sockets: number) => void): () => void {
    this.publishListeners.add(listener)
    return () => this.publishListeners.delete(listener)
  }

  /** Hears each event delivered to a user's topic on this node, before its sockets get it (the gateway acts on some). */
  onUserEvent(listener: (userId: string, event: OutboundEvent) => void): () => void {
    this.userListeners.add(listener)
    return () => this.userListeners.delete(listener)
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

  /** Sends an event to every node with sockets on the topic (this node only, here; Redis too in cluster mode). */
  publish(topic: string, event: OutboundEvent) {
    this.deliver(topic, event)
  }

  /** Delivers an event to this node's sockets on the topic. */
  deliver(topic: string, event: OutboundEvent) {
    if (this.userListeners.size && topic.startsWith(USER_TOPIC)) {
      for (const listener of this.userListeners) listener(topic.slice(USER_TOPIC.length), event)
    }
    if (!this.server) return
    const sockets = this.server.subscriberCount(topic)
    if (sockets === 0) return
    this.server.publish(topic, JSON.stringify({ op: 'event', ...event }))
    for (const listener of this.publishListeners) listener(event.type, sockets)
  }
}

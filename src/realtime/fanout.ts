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
const COMMUNITY_TOPIC = 'community:'
export const communityTopic = (communityId: string) => `${COMMUNITY_TOPIC}${communityId}`

/**
 * Delivers events to the sockets of this node that subscribed to a topic (a room, a
 * user, a community), serialized once and published by Bun to all of them. The cluster
 * mode puts Redis in front of the same interface (src/cluster/fanout.ts).
 */
export class Fanout {
  private server: Server<unknown> | undefined
  private readonly publishListeners = new Set<(type: string, sockets: number) => void>()
  private readonly communityListeners = new Set<(communityId: string, event: OutboundEvent) => void>()

  attach(server: Server<unknown> | null | undefined) {
    if (server && !this.server) this.server = server
  }

  /** Hears every delivery to this node's sockets: the event type and how many sockets got it (metrics). */
  onPublish(listener: (type: string, sockets: number) => void): () => void {
    this.publishListeners.add(listener)
    return () => this.publishListeners.delete(listener)
  }

  /**
   * Hears each event delivered to a community's topic on this node, after its sockets got it
   * (the gateway acts on some). Every node hears every community's events, in the order they
   * were published.
   */
  onCommunityEvent(listener: (communityId: string, event: OutboundEvent) => void): () => void {
    this.communityListeners.add(listener)
    return () => this.communityListeners.delete(listener)
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
    this.send(topic, event)
    if (this.communityListeners.size && topic.startsWith(COMMUNITY_TOPIC)) {
      for (const listener of this.communityListeners) listener(topic.slice(COMMUNITY_TOPIC.length), event)
    }
  }

  private send(topic: string, event: OutboundEvent) {
    if (!this.server) return
    const sockets = this.server.subscriberCount(topic)
    if (sockets === 0) return
    this.server.publish(topic, JSON.stringify({ op: 'event', ...event }))
    for (const listener of this.publishListeners) listener(event.type, sockets)
  }
}

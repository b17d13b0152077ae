import type { Logger } from '../lib/log'
import type { Redis, RedisClient } from '../lib/redis'
import { userTopic, type Fanout } from './fanout'

export interface UserEvent {
  type: string
  data: unknown
}

/**
 * Live delivery to a user's open sessions. The job processors call it after a change is
 * stored; the WebSocket gateway turns what it receives into `{op:"event", type, data}`.
 */
export interface UserEventSink {
  publishToUser(userId: string, event: UserEvent): Promise<void>
}

/** The Redis channel of one user's events: `<prefix>user:<id>`. */
export const userChannel = (redis: Redis, userId: string): string => redis.key('user', userId)

/** Publishes each event as JSON on the user's channel, for any node's gateway to pick up. */
export class RedisUserEventSink implements UserEventSink {
  constructor(private readonly redis: Redis) {}

  async publishToUser(userId: string, event: UserEvent): Promise<void> {
    await this.redis.client.publish(userChannel(this.redis, userId), JSON.stringify(event))
  }
}

/**
 * Events published for a user on their Redis channel (by job workers on any node, e.g.
 * `notification.created`) reach the user's sockets on this node. A node listens to a
 * user's channel only while that user has a socket here.
 */
export class UserChannels {
  private subscriber: RedisClient | undefined
  private connecting: Promise<RedisClient> | undefined
  private readonly watching = new Map<string, number>()
  private readonly subscribing = new Map<string, Promise<unknown>>()
  private readonly listeners = new Map<string, (message: string) => void>()

  constructor(private readonly res: { redis: Redis; log: Logger }, private readonly fanout: Fanout) {}

  async watch(userId: string): Promise<void> {
    const n = this.watching.get(userId) ?? 0
    this.watching.set(userId, n + 1)
    if (n > 0) {
      await this.subscribing.get(userId)
      return
    }
    // One listener function per user: subscribing it twice to the channel adds nothing.
    const subscribed = this.connection().then((sub) => sub.subscribe(userChannel(this.res.redis, userId), this.listener(userId)))
    this.subscribing.set(userId, subscribed)
    await subscribed
  }

  async unwatch(userId: string): Promise<void> {
    const n = (this.watching.get(userId) ?? 0) - 1
    if (n > 0) {
      this.watching.set(userId, n)
      return
    }
    this.watching.delete(userId)
    // Let a subscribe still under way finish first, or it would outlive this unsubscribe.
    const pending = this.subscribing.get(userId)
    this.subscribing.delete(userId)
    await pending?.catch(() => {})
    if (this.watching.has(userId)) return
    this.listeners.delete(userId)
    await this.subscriber?.unsubscribe(userChannel(this.res.redis, userId))
  }

  private listener(userId: string) {
    let listener = this.listeners.get(userId)
    if (!listener) {
      listener = (message: string) => {
        try {
          const event = JSON.parse(message) as { type: string; roomId?: string; data: unknown }
          // Delivered here only: in a cluster, toUser would publish it to Redis again.
          this.fanout.deliver(userTopic(userId), { type: event.type, ...(event.roomId ? { roomId: event.roomId } : {}), data: event.data })
        } catch (err) {
          this.res.log.warn('unreadable user event', { userId, error: err })
        }
      }
      this.listeners.set(userId, listener)
    }
    return listener
  }

  async close(): Promise<void> {
    const sub = this.subscriber
    this.subscriber = undefined
    if (sub?.isOpen) await sub.close().catch(() => sub.destroy())
  }

  private connection(): Promise<RedisClient> {
    if (this.subscriber) return Promise.resolve(this.subscriber)
    this.connecting ??= (async () => {
      const sub = this.res.redis.client.duplicate()
      sub.on('error', () => {})
      await sub.connect()
      this.subscriber = sub
      return sub
    })()
    return this.connecting
  }
}

import type { Logger } from '../lib/log'
import type { Redis, RedisClient } from '../lib/redis'
import { userChannel } from '../modules/notifications/sink'
import type { Fanout } from './fanout'

/**
 * Events published for a user on their Redis channel (by job workers on any node, e.g.
 * `notification.created`) reach the user's sockets on this node. A node listens to a
 * user's channel only while that user has a socket here.
 */
export class UserChannels {
  private subscriber: RedisClient | undefined
  private connecting: Promise<RedisClient> | undefined
  private readonly watching = new Map<string, number>()

  constructor(private readonly res: { redis: Redis; log: Logger }, private readonly fanout: Fanout) {}

  async watch(userId: string): Promise<void> {
    const n = this.watching.get(userId) ?? 0
    this.watching.set(userId, n + 1)
    if (n > 0) return
    const sub = await this.connection()
    await sub.subscribe(userChannel(this.res.redis, userId), (message) => {
      try {
        const event = JSON.parse(message) as { type: string; data: unknown }
        this.fanout.toUser(userId, { type: event.type, data: event.data })
      } catch (err) {
        this.res.log.warn('unreadable user event', { userId, error: err })
      }
    })
  }

  async unwatch(userId: string): Promise<void> {
    const n = (this.watching.get(userId) ?? 0) - 1
    if (n > 0) {
      this.watching.set(userId, n)
      return
    }
    this.watching.delete(userId)
    await this.subscriber?.unsubscribe(userChannel(this.res.redis, userId))
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

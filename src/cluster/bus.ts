import type { Logger } from '../lib/log'
import type { Redis, RedisClient } from '../lib/redis'

type Handler = (message: string) => void

/**
 * The cluster's Redis pub/sub: one subscriber connection per node beside the app's
 * command connection. Room channels use sharded pub/sub (SSUBSCRIBE/SPUBLISH) when the
 * server has it (Redis 7+), so a room's traffic goes only to the nodes listening to it,
 * and on a Redis Cluster only through the shard that holds the channel.
 */
export class ClusterBus {
  private sub: RedisClient | undefined
  sharded = false
  /** Messages received, per kind of channel, for tests and /metrics. */
  readonly received = { room: 0, other: 0 }

  constructor(private readonly res: { redis: Redis; log: Logger }) {}

  get redis(): Redis {
    return this.res.redis
  }

  async start(): Promise<void> {
    // Some hosted Redis refuse INFO: then plain pub/sub, which every version has.
    const info = await this.res.redis.client.info('server').catch(() => '')
    const major = Number(/redis_version:(\d+)/.exec(info)?.[1] ?? 0)
    this.sharded = major >= 7
    const sub = this.res.redis.client.duplicate()
    sub.on('error', (err) => this.res.log.debug('cluster subscriber connection problem', { error: String(err) }))
    await sub.connect()
    this.sub = sub
  }

  channel(...parts: string[]): string {
    return this.res.redis.key('cluster', ...parts)
  }

  async subscribe(channel: string, handler: Handler): Promise<void> {
    await this.connection().subscribe(channel, (m) => {
      this.received.other++
      handler(m)
    })
  }

  async unsubscribe(channel: string): Promise<void> {
    if (this.sub?.isOpen) await this.sub.unsubscribe(channel)
  }

  /** Returns how many nodes were listening (0: nobody, e.g. a dead node's inbox). */
  publish(channel: string, message: string): Promise<number> {
    return this.res.redis.client.publish(channel, message)
  }

  private readonly roomListeners = new WeakMap<Handler, Handler>()

  /** Listens to a room channel; the same `handler` unsubscribes (other listeners of the channel stay). */
  async subscribeRoom(channel: string, handler: Handler): Promise<void> {
    const listener = (m: string) => {
      this.received.room++
      handler(m)
    }
    this.roomListeners.set(handler, listener)
    if (this.sharded) await this.connection().sSubscribe(channel, listener)
    else await this.connection().subscribe(channel, listener)
  }

  async unsubscribeRoom(channel: string, handler: Handler): Promise<void> {
    const listener = this.roomListeners.get(handler)
    if (!this.sub?.isOpen || !listener) return
    if (this.sharded) await this.sub.sUnsubscribe(channel, listener)
    else await this.sub.unsubscribe(channel, listener)
  }

  publishRoom(channel: string, message: string): Promise<number> {
    const client = this.res.redis.client
    return this.sharded ? client.sPublish(channel, message) : client.publish(channel, message)
  }

  async close(): Promise<void> {
    const sub = this.sub
    this.sub = undefined
    if (sub?.isOpen) await sub.close().catch(() => sub.destroy())
  }

  private connection(): RedisClient {
    if (!this.sub) throw new Error('ClusterBus.start() was not called')
    return this.sub
  }
}

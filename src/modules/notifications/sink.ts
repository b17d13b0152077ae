import type { Redis } from '../../lib/redis'

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

import { and, count, eq, isNull, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { notifications } from '../../db/schema'
import type { Redis } from '../../lib/redis'
import { lockKey, type Queryable } from '../../db/tx'

const INCREMENT_IF_CACHED = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end return -1`
const TTL_SECONDS = 86400

/**
 * Each user's unread notification count, cached in Redis and kept exact. Every change
 * to the cache (increment on create, reset on read, rebuild from Postgres when the key
 * is missing) happens inside a Postgres transaction holding the user's advisory lock,
 * so a rebuild counts either before a new row commits (and the increment lands after)
 * or after it (and the increment happened before the key existed).
 */
export class UnreadCounter {
  constructor(private readonly res: { db: Database; redis: Redis }) {}

  key(userId: string): string {
    return this.res.redis.key('notifications', 'unread', userId)
  }

  /** Takes the user's lock for the rest of the transaction. */
  lock(tx: Database, userId: string) {
    return lockUser(tx, userId)
  }

  /**
   * Takes several users' locks for the rest of the transaction, in the order given (sorted
   * by the caller, so that two such transactions never wait on each other in a cycle).
   */
  async lockMany(tx: Pick<Queryable, 'execute'>, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return
    const keys = sql.join(userIds.map((id, i) => sql`(${`unread:${id}`}::text, ${i}::int)`), sql`, `)
    // The ordered subquery is not flattened into the outer one, so the locks are taken in its order.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from (select k from (values ${keys}) v(k, n) order by n) ordered`)
  }

  /** In the transaction that created new unread rows for these users, after `lockMany`. */
  async afterCreateMany(userIds: string[]): Promise<void> {
    await Promise.all(userIds.map((id) => this.afterCreate(id)))
  }

  /** In the transaction that created a new unread row for the user, after `lock`. */
  async afterCreate(userId: string): Promise<void> {
    await this.res.redis.client.eval(INCREMENT_IF_CACHED, { keys: [this.key(userId)], arguments: [] })
  }

  /** In the transaction that marked rows read: the next read rebuilds. */
  async reset(tx: Database, userId: string): Promise<void> {
    await lockUser(tx, userId)
    await this.res.redis.client.del(this.key(userId))
  }

  /** Drops the cached value, e.g. when a transaction that already incremented it fails. */
  async forget(userId: string): Promise<void> {
    await this.res.redis.client.del(this.key(userId)).catch(() => {})
  }

  async get(userId: string): Promise<number> {
    const cached = await this.res.redis.client.get(this.key(userId))
    if (cached !== null) return Number(cached)
    return this.res.db.transaction(async (tx) => {
      await lockUser(tx, userId)
      const [row] = await tx
        .select({ n: count() })
        .from(notifications)
        .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
      const n = Number(row?.n ?? 0)
      await this.res.redis.client.set(this.key(userId), String(n), { EX: TTL_SECONDS })
      return n
    })
  }
}

function lockUser(tx: Database, userId: string) {
  return lockKey(tx, `unread:${userId}`)
}

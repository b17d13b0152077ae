import type { HistoryQuery } from '../../../rooms'
import type { Redis } from '../../lib/redis'

const TTL_SECONDS = 300

/**
 * Recent history pages in Redis. A page's key holds the room's history version (bumped
 * by every edit, delete and reaction change) and, for pages that reach the newest
 * messages, the room's last seq, so a new message moves them to a new key. Reads never
 * see a page older than the last change; a Redis that is down only skips the cache.
 */
export class HistoryCache {
  constructor(private readonly redis: Redis) {}

  async page<T>(query: HistoryQuery, lastSeq: number | undefined, load: () => Promise<T[]>): Promise<T[]> {
    let key: string | undefined
    try {
      const version = (await this.redis.client.get(this.versionKey(query.roomId))) ?? '0'
      const cut = query.before !== undefined ? `b${query.before}` : query.after !== undefined ? `a${query.after}` : query.around !== undefined ? `c${query.around}` : 'head'
      key = this.redis.key('hist', query.roomId, version, cut, query.limit ?? 50, lastSeq ?? '-')
      const hit = await this.redis.client.get(key)
      if (hit) return JSON.parse(hit) as T[]
    } catch {
      key = undefined
    }
    const page = await load()
    if (key) void this.redis.client.set(key, JSON.stringify(page), { expiration: { type: 'EX', value: TTL_SECONDS } }).catch(() => {})
    return page
  }

  async invalidate(roomId: string): Promise<void> {
    await this.redis.client.incr(this.versionKey(roomId))
  }

  private versionKey(roomId: string) {
    return this.redis.key('hist', 'v', roomId)
  }
}

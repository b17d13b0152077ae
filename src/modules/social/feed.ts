import { sql } from 'drizzle-orm'
import type { FeedConfig } from '../../config'
import type { Database } from '../../db/client'
import type { Logger } from '../../lib/log'
import { isRedisDown, type Redis } from '../../lib/redis'
import { FeedStore, type FeedState } from './feed-store'
import { compareNewestFirst, decodeCursor, newer, type Key } from './keys'
import type { PostView } from './model'
import { queryRows } from '../../db/tx'
import { homeAuthors, selectByAuthors, selectPosts, type ReadPost } from './post-query'
import { toPostPage } from './posts'
import { inHomeFeedOf } from './visibility'

export interface FeedServiceDeps {
  db: Database
  redis: Redis
  log: Logger
  feed: Pick<FeedConfig, 'maxEntries' | 'activeDays'>
}

export type FeedSource = 'redis' | 'postgres'

/**
 * The home feed: the reader's own posts and those of the users they follow, newest first.
 *
 * Two sources give the same list. Redis holds each active reader's feed of fanned-out
 * posts (feed-store.ts); posts of authors too big to fan out (`pulled`) are merged from
 * Postgres at read time. When Redis cannot vouch for a whole page — the feed is being
 * rebuilt, or the page reaches below what was trimmed — the page comes from Postgres.
 * Either way each post passes the one rule of visibility.ts (`inHomeFeedOf`).
 */
export class FeedService {
  readonly store: FeedStore

  constructor(private readonly deps: FeedServiceDeps) {
    this.store = new FeedStore(deps)
  }

  async read(opts: { viewerId: string; cursor?: string; limit: number }): Promise<{ posts: PostView[]; nextCursor: string | null }> {
    return (await this.readPage(opts)).page
  }

  /** The page and where it came from (tests and metrics). */
  async readPage(opts: { viewerId: string; cursor?: string; limit: number }) {
    const before = opts.cursor ? decodeCursor(opts.cursor) : null
    const want = opts.limit + 1
    let rows: ReadPost[] | null = null
    let source: FeedSource = 'redis'
    try {
      rows = await this.fromRedis(opts.viewerId, before, want, { firstPage: !opts.cursor })
    } catch (err) {
      if (!isRedisDown(err)) throw err
      this.deps.log.warn('feed read from Postgres: Redis is down', { error: String(err) })
    }
    if (!rows) {
      source = 'postgres'
      rows = await this.fromPostgres(opts.viewerId, before, want)
    }
    return { page: toPostPage(rows, opts.limit), source }
  }

  /** The page computed in Postgres alone: the reference the Redis path must equal. */
  fromPostgres(viewerId: string, before: Key | null, want: number): Promise<ReadPost[]> {
    return selectByAuthors(this.deps.db, { viewerId, authors: homeAuthors(viewerId), where: inHomeFeedOf(viewerId), before, limit: want })
  }

  /** Null when Redis cannot serve this page whole. */
  private async fromRedis(viewerId: string, before: Key | null, want: number, opts: { firstPage: boolean }): Promise<ReadPost[] | null> {
    let state = await this.store.open(viewerId, opts)
    if (!state?.ready) state = await this.rebuild(viewerId)
    if (!state) return null

    const [held, pulled] = await Promise.all([
      this.heldPosts(viewerId, state, before, want),
      selectByAuthors(this.deps.db, { viewerId, authors: homeAuthors(viewerId), where: inHomeFeedOf(viewerId), before, limit: want, pulledOnly: true }),
    ])
    const merged = [...held.posts, ...pulled].sort((a, b) => compareNewestFirst(a.key, b.key))
    if (!held.exhausted || !state.floor) return merged.slice(0, want)
    // Below the floor Redis may be missing posts: the page is Redis's only if it ends above it.
    const floor = state.floor
    const trusted = merged.filter((p) => !newer(floor, p.key))
    return trusted.length >= want ? trusted.slice(0, want) : null
  }

  /**
   * Up to `want` visible posts from the Redis set, newest first, reading on past entries
   * the filter drops (an unfollowed author's, a deleted post). `exhausted`: the set has
   * no more at or above its floor.
   */
  private async heldPosts(viewerId: string, state: FeedState, before: Key | null, want: number) {
    const posts: ReadPost[] = []
    let offset = 0
    const count = want + 10
    while (true) {
      const { entries, scanned } = await this.store.range(viewerId, { before, floor: state.floor, offset, count })
      offset += scanned
      if (entries.length) {
        const ids = entries.map((e) => e.id)
        const found = await selectPosts(this.deps.db, { viewerId, where: sql`p.id in ${ids} and ${inHomeFeedOf(viewerId)}`, limit: ids.length })
        posts.push(...found)
      }
      if (scanned < count) return { posts, exhausted: true }
      if (posts.length >= want) return { posts: posts.slice(0, want), exhausted: false }
    }
  }

  /**
   * Rebuilds the reader's Redis feed from Postgres: the newest FEED_MAX_ENTRIES fanned-out
   * posts of the reader and the users they follow. Null when Redis lost the rebuild.
   */
  async rebuild(viewerId: string): Promise<FeedState | null> {
    const token = await this.store.beginRebuild(viewerId)
    if (token !== null) {
      const cap = this.deps.feed.maxEntries
      const rows = await queryRows<{ id: string; ms: number }>(
        this.deps.db,
        sql`select p.id, (extract(epoch from p.created_at) * 1000)::float8 as ms
            from (${homeAuthors(viewerId)}) a
            cross join lateral (
              select p.id, p.created_at from posts p
              where p.author_id = a.author_id and p.deleted_at is null and not p.pulled
              order by p.created_at desc, p.id desc limit ${cap}
            ) p
            order by p.created_at desc, p.id desc limit ${cap}`,
      )
      const entries = rows.map((r) => ({ at: Number(r.ms), id: r.id }))
      if (!(await this.store.finishRebuild(viewerId, token, entries, entries.length < cap))) return null
    }
    const state = await this.store.state(viewerId)
    return state?.ready ? state : null
  }
}

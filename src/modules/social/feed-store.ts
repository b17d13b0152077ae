import type { FeedConfig } from '../../config'
import type { Redis } from '../../lib/redis'
import { newer, type Key } from './keys'

// The home feeds kept in Redis, one sorted set per user: member = post id, score = the
// post's time in ms, so the set's order (score, then id) is the feed's (created_at, id).
//
// A feed in Redis is trusted only for what it can prove it holds. Its `meta` hash says:
//   ready      — set when a rebuild from Postgres finished (until then, reads use Postgres)
//   token      — the rebuild in progress; a rebuild whose token was replaced or lost
//                (Redis flushed) does not mark the feed ready
//   floorScore, floorId — every fanned-out post of the feed at or above this key is in
//                the set; below it (trimmed past FEED_MAX_ENTRIES) nothing is promised.
//                Absent: the set holds the whole feed.
// The meta key exists only while the user is active (its TTL is FEED_ACTIVE_DAYS,
// renewed by each read): fan-out writes only to feeds whose meta exists, so a feed
// left alone expires and is rebuilt on its next read instead of going stale.
//
// A rebuild writes its token before reading Postgres: a post committed after that read
// began is fanned out after it committed, and finds the meta there, so no post falls
// between the snapshot and the fan-out.

const LIB = `
local function below(s, id, fs, fid) return s < fs or (s == fs and id < fid) end
local function floorOf(meta)
  local fs = redis.call('HGET', meta, 'floorScore')
  if not fs then return nil, nil end
  return tonumber(fs), redis.call('HGET', meta, 'floorId')
end
local function raiseFloor(meta, score, id)
  local fs, fid = floorOf(meta)
  if fs == nil or below(fs, fid, tonumber(score), id) then
    redis.call('HSET', meta, 'floorScore', score, 'floorId', id)
  end
end
local function trim(meta, zset, cap)
  local n = redis.call('ZCARD', zset)
  if n <= cap then return end
  redis.call('ZREMRANGEBYRANK', zset, 0, n - cap - 1)
  local low = redis.call('ZRANGE', zset, 0, 0, 'WITHSCORES')
  raiseFloor(meta, low[2], low[1])
end
local function expireWith(meta, key)
  local ttl = redis.call('PTTL', meta)
  if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
end
local function addAboveFloor(meta, zset, score, id)
  local fs, fid = floorOf(meta)
  if fs ~= nil and below(tonumber(score), id, fs, fid) then return 0 end
  return redis.call('ZADD', zset, score, id)
end
`

/**
 * One post into many feeds, in one call. KEYS: meta, zset, unseen of each feed in turn;
 * ARGV score, id, cap, countUnseen. Answers per feed: -1 no feed (its owner is not
 * active); else the unseen count (0: not counted).
 */
const ADD = `${LIB}
local out = {}
for f = 1, #KEYS, 3 do
  local meta, zset, unseen = KEYS[f], KEYS[f + 1], KEYS[f + 2]
  local r = -1
  if redis.call('EXISTS', meta) == 1 then
    local added = addAboveFloor(meta, zset, ARGV[1], ARGV[2])
    trim(meta, zset, tonumber(ARGV[3]))
    expireWith(meta, zset)
    r = 0
    if added == 1 and ARGV[4] == '1' then
      r = redis.call('INCR', unseen)
      expireWith(meta, unseen)
    end
  end
  out[#out + 1] = r
end
return out`

/**
 * KEYS meta, zset; ARGV cap, complete, floorScore, floorId, then score, id pairs. When the
 * pairs are not all there is (`complete` 0), nothing below the last is promised: the
 * floor rises to it. -1: no feed; else how many were added.
 */
const ADD_MANY = `${LIB}
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local added = 0
for i = 5, #ARGV, 2 do added = added + addAboveFloor(KEYS[1], KEYS[2], ARGV[i], ARGV[i + 1]) end
if ARGV[2] == '0' then raiseFloor(KEYS[1], ARGV[3], ARGV[4]) end
trim(KEYS[1], KEYS[2], tonumber(ARGV[1]))
expireWith(KEYS[1], KEYS[2])
return added`

/** KEYS meta; ARGV token, ttlMs. 0: already ready; 1: this rebuild holds the token. */
const BEGIN_REBUILD = `
if redis.call('HGET', KEYS[1], 'ready') == '1' then return 0 end
redis.call('HSET', KEYS[1], 'token', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`

/** KEYS meta, zset; ARGV token, cap, complete, floorScore, floorId, then score, id pairs. 1: ready. */
const FINISH_REBUILD = `${LIB}
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
for i = 6, #ARGV, 2 do redis.call('ZADD', KEYS[2], ARGV[i], ARGV[i + 1]) end
if ARGV[3] == '0' then raiseFloor(KEYS[1], ARGV[4], ARGV[5]) end
trim(KEYS[1], KEYS[2], tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'ready', '1')
expireWith(KEYS[1], KEYS[2])
return 1`

/** Feeds per call of the fan-out script: large enough to save round trips, small enough not to hold Redis up. */
const ADD_BATCH = 200

class Script {
  readonly sha: string
  constructor(readonly source: string) {
    this.sha = new Bun.CryptoHasher('sha1').update(source).digest('hex')
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<number> {
    return Number(await this.reply(redis, keys, args))
  }

  async reply(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    const options = { keys, arguments: args.map(String) }
    try {
      return await redis.client.evalSha(this.sha, options)
    } catch (err) {
      if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err
      return await redis.client.eval(this.source, options)
    }
  }
}

const scripts = {
  add: new Script(ADD),
  addMany: new Script(ADD_MANY),
  beginRebuild: new Script(BEGIN_REBUILD),
  finishRebuild: new Script(FINISH_REBUILD),
}

export interface FeedState {
  ready: boolean
  /** Null: the set holds the whole feed. */
  floor: Key | null
}

export class FeedStore {
  constructor(private readonly deps: { redis: Redis; feed: Pick<FeedConfig, 'maxEntries' | 'activeDays'> }) {}

  private get ttlMs(): number {
    return this.deps.feed.activeDays * 86_400_000
  }

  keys(userId: string) {
    const base = this.deps.redis.key('feed', userId)
    return { zset: base, meta: `${base}:meta`, unseen: `${base}:unseen` }
  }

  /**
   * The feed's state (null: none in Redis), renewing its lease on activity. Reading the
   * first page also clears the count of unseen posts.
   */
  async open(userId: string, opts: { firstPage: boolean }): Promise<FeedState | null> {
    const k = this.keys(userId)
    const tx = this.deps.redis.client.multi().hGetAll(k.meta).pExpire(k.meta, this.ttlMs).pExpire(k.zset, this.ttlMs)
    if (opts.firstPage) tx.del(k.unseen)
    const [meta] = await tx.exec()
    return toState(meta as unknown as Record<string, string>)
  }

  async state(userId: string): Promise<FeedState | null> {
    return toState(await this.deps.redis.client.hGetAll(this.keys(userId).meta))
  }

  /**
   * Adds one post to the feeds of `userIds` that are kept (their owners are active), in
   * calls of ADD_BATCH feeds. Per user: -1 not kept; else the unseen count.
   */
  async add(userIds: string[], entry: Key, opts: { countUnseen: boolean }): Promise<number[]> {
    const args = [entry.at, entry.id, this.deps.feed.maxEntries, opts.countUnseen ? 1 : 0]
    const calls = []
    for (let i = 0; i < userIds.length; i += ADD_BATCH) {
      const keys = userIds.slice(i, i + ADD_BATCH).flatMap((id) => {
        const k = this.keys(id)
        return [k.meta, k.zset, k.unseen]
      })
      calls.push(scripts.add.reply(this.deps.redis, keys, args) as Promise<number[]>)
    }
    return (await Promise.all(calls)).flat().map(Number)
  }

  /**
   * Adds posts (a follow's backfill, newest first) if the feed is kept; `complete`: they
   * are all the posts of their source at or above the floor. -1: not kept.
   */
  async addMany(userId: string, entries: Key[], opts: { complete: boolean }): Promise<number> {
    const k = this.keys(userId)
    let added = 0
    for (let i = 0; i < entries.length; i += 500) {
      const chunk = entries.slice(i, i + 500)
      const last = chunk[chunk.length - 1]!
      const complete = opts.complete || i + 500 < entries.length
      const n = await scripts.addMany.run(this.deps.redis, [k.meta, k.zset], [
        this.deps.feed.maxEntries,
        complete ? 1 : 0,
        last.at,
        last.id,
        ...pairs(chunk),
      ])
      if (n < 0) return -1
      added += n
    }
    return added
  }

  remove(userId: string, postIds: string[]): Promise<number> {
    if (postIds.length === 0) return Promise.resolve(0)
    return this.deps.redis.client.zRem(this.keys(userId).zset, postIds)
  }

  /** Starts a rebuild: a token, or null when the feed is already ready. */
  async beginRebuild(userId: string): Promise<string | null> {
    const token = crypto.randomUUID()
    const ok = await scripts.beginRebuild.run(this.deps.redis, [this.keys(userId).meta], [token, this.ttlMs])
    return ok ? token : null
  }

  /**
   * Ends a rebuild with the feed's newest posts from Postgres (newest first); `complete`:
   * they are the whole feed. False when the token was lost (Redis flushed, or another
   * rebuild took over): the feed is not marked ready.
   */
  async finishRebuild(userId: string, token: string, entries: Key[], complete: boolean): Promise<boolean> {
    const k = this.keys(userId)
    const last = entries[entries.length - 1]
    const floor = complete || !last ? ['', ''] : [last.at, last.id]
    return (
      (await scripts.finishRebuild.run(this.deps.redis, [k.meta, k.zset], [token, this.deps.feed.maxEntries, complete ? 1 : 0, ...floor, ...pairs(entries)])) === 1
    )
  }

  /**
   * Entries older than `before` (all when null) and not below `floor`, newest first,
   * skipping `offset` of those at or under `before`'s score.
   */
  async range(userId: string, opts: { before: Key | null; floor: Key | null; offset: number; count: number }): Promise<{ entries: Key[]; scanned: number }> {
    const raw = await this.deps.redis.client.zRangeWithScores(
      this.keys(userId).zset,
      opts.before ? opts.before.at : '+inf',
      opts.floor ? opts.floor.at : '-inf',
      { BY: 'SCORE', REV: true, LIMIT: { offset: opts.offset, count: opts.count } },
    )
    const entries = raw
      .map((r) => ({ at: r.score, id: String(r.value) }))
      .filter((e) => (!opts.before || newer(opts.before, e)) && (!opts.floor || !newer(opts.floor, e)))
    return { entries, scanned: raw.length }
  }

  /** The number of posts fanned into the feed since its first page was last read. */
  async unseen(userId: string): Promise<number> {
    return Number((await this.deps.redis.client.get(this.keys(userId).unseen)) ?? 0)
  }

  /** Drops the user's feed from Redis (the next read rebuilds it). */
  async drop(userId: string): Promise<void> {
    const k = this.keys(userId)
    await this.deps.redis.client.del([k.meta, k.zset, k.unseen])
  }
}

const pairs = (entries: Key[]) => entries.flatMap((e) => [e.at, e.id])

function toState(meta: Record<string, string> | null | undefined): FeedState | null {
  if (!meta || Object.keys(meta).length === 0) return null
  const floor = meta.floorScore !== undefined && meta.floorId ? { at: Number(meta.floorScore), id: meta.floorId } : null
  return { ready: meta.ready === '1', floor }
}

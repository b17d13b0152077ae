import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { AppError } from '../../../src/lib/errors'
import { decodeCursor } from '../../../src/modules/social/keys'
import { toPostPage } from '../../../src/modules/social/posts'
import { insertUsers, socialApp } from './harness'
import { prng, SocialModel } from './model'

// The home feed read through Redis equals the feed computed from Postgres, and both
// equal a model of the graph kept in plain data, page by page, for every user — after
// random follows, unfollows, blocks, unblocks, posts and deletes, with Redis feeds
// trimmed (a small FEED_MAX_ENTRIES), authors crossing the pull threshold, readers who
// never read (no feed in Redis), and Redis flushed mid-way. The feeds are kept by the real
// pipeline: the outbox relay, the reactions and the fan-out jobs in a worker thread.

setDefaultTimeout(60_000)

const SEED = Number(process.env.FEED_SEED ?? 20_251_128)
const USERS = 200
const OPS = Number(process.env.FEED_OPS ?? 500)

const h = await socialApp({ FEED_MAX_ENTRIES: '16', FEED_PULL_THRESHOLD: '10', FEED_UPDATE_COALESCE_MS: '5' })
const { app, social } = h

async function flushFeeds() {
  const keys: string[] = []
  for await (const batch of app.res.redis.client.scanIterator({ MATCH: `${app.res.redis.prefix}feed:*`, COUNT: 1000 })) keys.push(...batch)
  if (keys.length) await app.res.redis.client.del(keys)
  return keys.length
}

/** Pages through one user's feed both ways; fails on the first page where they differ. */
async function compareFeed(viewerId: string, rand: ReturnType<typeof prng>, opts: { between?: () => Promise<void> } = {}) {
  const ids: string[] = []
  const sources: string[] = []
  let cursor: string | undefined
  for (let page = 0; page < 200; page++) {
    const limit = 2 + rand.int(13)
    const before = cursor ? decodeCursor(cursor) : null
    const reference = toPostPage(await social.feed.fromPostgres(viewerId, before, limit + 1), limit)
    const read = await social.feed.readPage({ viewerId, cursor, limit })
    sources.push(read.source)
    expect({ viewerId, page, ids: read.page.posts.map((p) => p.id), next: read.page.nextCursor !== null }).toEqual({
      viewerId,
      page,
      ids: reference.posts.map((p) => p.id),
      next: reference.nextCursor !== null,
    })
    ids.push(...read.page.posts.map((p) => p.id))
    if (!read.page.nextCursor) break
    cursor = read.page.nextCursor
    await opts.between?.()
  }
  return { ids, sources }
}

describe('home feed: Redis equals Postgres equals the model', () => {
  test(`random graphs (seed ${SEED}): every user's feed, page by page, with a flush mid-way`, async () => {
    const rand = prng(SEED)
    const users = await insertUsers(app.res.db, USERS)
    const model = new SocialModel()
    const live = () => [...model.posts.values()].filter((p) => !p.deleted)
    let refusedFollows = 0
    let pulledPosts = 0

    const step = async () => {
      const r = rand.next()
      const a = rand.pick(users)
      if (r < 0.36) {
        const b = rand.skewed(users)
        if (a === b) return
        try {
          await social.graph.follow({ followerId: a, followeeId: b })
          expect(model.blockedBetween(a, b)).toBe(false)
          model.follow(a, b)
        } catch (err) {
          expect((err as AppError).code).toBe('blocked')
          expect(model.blockedBetween(a, b)).toBe(true)
          refusedFollows++
        }
      } else if (r < 0.44) {
        const b = rand.skewed(users)
        if (a === b) return
        await social.graph.unfollow({ followerId: a, followeeId: b })
        model.unfollow(a, b)
      } else if (r < 0.47) {
        const b = rand.skewed(users)
        if (a === b) return
        await social.graph.block({ blockerId: a, blockedId: b })
        model.block(a, b)
        // The blocked user tries to follow back, and is refused.
        if (rand.next() < 0.5) {
          const refused = await social.graph.follow({ followerId: b, followeeId: a }).catch((err: AppError) => err.code)
          expect(refused).toBe('blocked')
          refusedFollows++
        }
      } else if (r < 0.49) {
        const b = rand.pick(users)
        if (a === b) return
        await social.graph.unblock({ blockerId: a, blockedId: b })
        model.unblock(a, b)
      } else if (r < 0.82) {
        // Mostly the popular users post, so some cross the pull threshold mid-run.
        const author = rand.next() < 0.5 ? rand.skewed(users.slice(0, 20)) : a
        const visibility = rand.next() < 0.3 ? 'followers' : 'public'
        const post = await social.posts.create({ userId: author, body: `p${model.posts.size}`, visibility })
        if (model.followers(author) >= h.feed.pullThreshold) pulledPosts++
        model.posts.set(post.id, { id: post.id, authorId: author, at: Date.parse(post.createdAt), visibility, deleted: false })
      } else if (r < 0.88) {
        const posts = live()
        if (!posts.length) return
        const p = rand.pick(posts)
        await social.posts.remove({ userId: p.authorId, postId: p.id })
        p.deleted = true
      } else {
        // A reader opens their feed: it is built in Redis and receives fan-out from now on.
        await social.feed.read({ viewerId: a, limit: 5 })
      }
    }

    // The relay is held back while a burst of writes commits, then lets their events through
    // at once (as when it picks up another node's commits on its timer): fan-out lags the
    // writes, and each burst is relayed as one batch, which keeps the run short.
    const run = async (ops: number) => {
      let burst = 0
      await app.hearth.relay.stop()
      for (let i = 0; i < ops; i++) {
        await step()
        if (++burst > rand.int(40)) {
          app.hearth.relay.start()
          await h.settle()
          await app.hearth.relay.stop()
          burst = 0
        }
      }
      app.hearth.relay.start()
      await h.settle()
    }

    // Users are checked 8 at a time (reads only; each user's page sizes from its own seed).
    const check = async (viewers: string[]) => {
      const counts: Record<string, number> = {}
      const queue = viewers.map((viewerId) => ({ viewerId, rand: prng(SEED + users.indexOf(viewerId)) }))
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const { ids, sources } = await compareFeed(next.viewerId, next.rand)
          expect({ viewerId: next.viewerId, ids }).toEqual({ viewerId: next.viewerId, ids: model.feed(next.viewerId) })
          for (const s of sources) counts[s] = (counts[s] ?? 0) + 1
        }
      }
      await Promise.all(Array.from({ length: 8 }, worker))
      return counts
    }


    await run(OPS / 2)
    // Half the users mid-way (their feeds are then in Redis), everyone at the end.
    const first = await check(users.filter((_, i) => i % 2 === 0))
    expect(await flushFeeds()).toBeGreaterThan(0)
    await run(OPS / 2)
    const second = await check(users)

    // The run exercised what it claims to: pulled authors, refused follows, trimmed feeds
    // (pages past the floor from Postgres), and most pages served by Redis.
    expect(pulledPosts).toBeGreaterThan(10)
    expect(refusedFollows).toBeGreaterThan(0)
    const fromRedis = (first.redis ?? 0) + (second.redis ?? 0)
    const fromPostgres = (first.postgres ?? 0) + (second.postgres ?? 0)
    expect(fromPostgres).toBeGreaterThan(0)
    expect(fromRedis).toBeGreaterThan(fromPostgres * 2)
    const feedLengths = users.map((u) => model.feed(u).length)
    expect(Math.max(...feedLengths)).toBeGreaterThan(h.feed.maxEntries)
  })

  test('a cursor neither skips nor repeats while posts arrive and Redis is flushed between pages', async () => {
    const rand = prng(SEED + 1)
    const [reader, ...authors] = await insertUsers(app.res.db, 8)
    for (const a of authors) await social.graph.follow({ followerId: reader!, followeeId: a })
    for (let i = 0; i < 60; i++) await social.posts.create({ userId: rand.pick(authors), body: `old ${i}`, visibility: 'public' })
    await h.settle()
    const before = (await social.feed.fromPostgres(reader!, null, 1000)).map((p) => p.view.id)
    let between = 0
    const { ids } = await compareFeed(reader!, rand, {
      between: async () => {
        between++
        await social.posts.create({ userId: rand.pick(authors), body: `new ${between}`, visibility: 'public' })
        if (between % 3 === 0) await flushFeeds()
        await h.settle()
      },
    })
    expect(between).toBeGreaterThan(3)
    expect(ids).toEqual(before)
  })
})

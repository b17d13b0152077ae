import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../../src/db/tx'
import { FeedPulse } from '../../../src/modules/social/fanout'
import { eventually } from '../../helpers/wait'
import { insertUsers, socialApp } from './harness'

// How the home feed is kept: who gets fan-out, who is pulled, what a follow, an unfollow
// or a block does to a feed in Redis, and the races a rebuild must survive.

setDefaultTimeout(30_000)
const h = await socialApp({ FEED_MAX_ENTRIES: '10', FEED_PULL_THRESHOLD: '4', FEED_UPDATE_COALESCE_MS: '30' })
const { app, social } = h
const store = social.feed.store
const { client } = app.res.redis

const users = (n: number) => insertUsers(app.res.db, n)
const held = async (userId: string) => (await client.zRange(store.keys(userId).zset, 0, -1)).map(String).reverse()
const feed = async (viewerId: string, limit = 100) => social.feed.readPage({ viewerId, limit })
const feedIds = async (viewerId: string) => (await feed(viewerId)).page.posts.map((p) => p.id)
async function posts(authorId: string, n: number, visibility: 'public' | 'followers' = 'public') {
  const made: string[] = []
  for (let i = 0; i < n; i++) made.push((await social.posts.create({ userId: authorId, body: `post ${i}`, visibility })).id)
  return made.reverse()
}
const follow = (followerId: string, followeeId: string) => social.graph.follow({ followerId, followeeId })

describe('fan-out on write', () => {
  test('a post reaches the feeds of active followers only; an inactive follower’s feed is built on their next read', async () => {
    const [author, active, inactive] = await users(3)
    await follow(active!, author!)
    await follow(inactive!, author!)
    await feed(active!) // opening the feed makes it kept in Redis
    const [p] = await posts(author!, 1)
    await h.settle()
    expect(await held(active!)).toEqual([p!])
    expect(await held(author!)).toEqual([])
    expect(await client.exists(store.keys(inactive!).meta)).toBe(0)
    const read = await feed(inactive!)
    expect(read.page.posts.map((x) => x.id)).toEqual([p!])
    expect(read.source).toBe('redis')
    expect(await held(inactive!)).toEqual([p!])
  })

  test('a feed nobody read for FEED_ACTIVE_DAYS leaves Redis; each read renews it', async () => {
    const [reader] = await users(1)
    await feed(reader!)
    const ttl = await client.pTTL(store.keys(reader!).meta)
    expect(ttl).toBeGreaterThan(h.feed.activeDays * 86_400_000 - 60_000)
    expect(ttl).toBeLessThanOrEqual(h.feed.activeDays * 86_400_000)
    await client.pExpire(store.keys(reader!).meta, 5_000)
    await feed(reader!)
    expect(await client.pTTL(store.keys(reader!).meta)).toBeGreaterThan(5_000)
  })

  test('a feed holds at most FEED_MAX_ENTRIES; older pages come from Postgres, the whole list is the same', async () => {
    const [author, reader] = await users(2)
    await follow(reader!, author!)
    await feed(reader!)
    const made = await posts(author!, 25)
    await h.settle()
    expect((await held(reader!)).length).toBe(h.feed.maxEntries)
    expect(await held(reader!)).toEqual(made.slice(0, h.feed.maxEntries))
    const sources: string[] = []
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const r = await social.feed.readPage({ viewerId: reader!, cursor, limit: 4 })
      sources.push(r.source)
      seen.push(...r.page.posts.map((p) => p.id))
      cursor = r.page.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toEqual(made)
    expect(sources.slice(0, 2)).toEqual(['redis', 'redis'])
    expect(sources.at(-1)).toBe('postgres')
  })

  test('feed.updated carries the unseen count, coalesced; reading the first page starts it again', async () => {
    const [author, reader] = await users(2)
    await follow(reader!, author!)
    await feed(reader!)
    await h.settle()
    const pushes = () => h.pushes.filter((p) => p.userId === reader && p.type === 'feed.updated')
    await posts(author!, 3)
    await h.settle()
    await eventually('a push with 3 unseen', async () => pushes().at(-1)?.data.count === 3)
    expect(pushes().length).toBeLessThan(3)
    // The author's own feed gets the post, not a push about it.
    expect(h.pushes.filter((p) => p.userId === author && p.type === 'feed.updated')).toEqual([])
    await feed(reader!)
    expect(await store.unseen(reader!)).toBe(0)
    const before = pushes().length
    await posts(author!, 1)
    await h.settle()
    await eventually('a push with 1 unseen', async () => pushes().length > before)
    expect(pushes().at(-1)!.data).toEqual({ count: 1 })
  })

  test('FeedPulse: adds within a window make one push with the latest count', async () => {
    const sent: { userId: string; event: unknown }[] = []
    const pulse = new FeedPulse({ live: { publishToUser: async (userId, event) => void sent.push({ userId, event }) }, windowMs: 20, log: app.res.log })
    pulse.add('u1', 1)
    pulse.add('u2', 1)
    pulse.add('u1', 2)
    pulse.add('u1', 3)
    expect(sent).toEqual([])
    await eventually('the flush', async () => sent.length === 2)
    expect(sent).toEqual([
      { userId: 'u1', event: { type: 'feed.updated', data: { count: 3 } } },
      { userId: 'u2', event: { type: 'feed.updated', data: { count: 1 } } },
    ])
    pulse.add('u1', 4)
    await eventually('the next window', async () => sent.length === 3)
    expect(sent[2]).toEqual({ userId: 'u1', event: { type: 'feed.updated', data: { count: 4 } } })
  })
})

describe('pulled authors (at or above FEED_PULL_THRESHOLD followers)', () => {
  test('their posts are not fanned out but merged at read time, in order with the rest', async () => {
    const [star, friend, reader, ...fans] = await users(3 + h.feed.pullThreshold)
    for (const f of [reader!, ...fans]) await follow(f, star!)
    await follow(reader!, friend!)
    await feed(reader!)
    const early = await posts(friend!, 1)
    const starPosts = await posts(star!, 2)
    const late = await posts(friend!, 1)
    await h.settle()
    const [flags] = await queryRows<{ pulled: boolean[] }>(app.res.db, sql`select array_agg(pulled) as pulled from posts where id in ${starPosts}`)
    expect(flags!.pulled).toEqual([true, true])
    // Not even queued: the reaction declines pulled posts in the relay (a fanned-out post's job is there to compare).
    const created = (id: string) => h.events.find((e) => e.type === 'post.created' && (e.data as { postId: string }).postId === id)!.id
    const fanoutJob = (id: string) => app.res.jobs.queues.fanout.getJob(`feed.${created(id)}`)
    expect(await Promise.all(starPosts.map(fanoutJob))).toEqual([undefined, undefined])
    expect(await app.res.jobs.queues.events.getJob(`social.${created(starPosts[0]!)}`)).toBeUndefined()
    expect((await fanoutJob(late[0]!))?.name).toBe('feed.fanout')
    expect(await held(reader!)).toEqual([...late, ...early])
    const read = await feed(reader!)
    expect(read.source).toBe('redis')
    expect(read.page.posts.map((p) => p.id)).toEqual([...late, ...starPosts, ...early])
    // The author's own feed merges their pulled posts too.
    expect(await feedIds(star!)).toEqual(starPosts)
  })

  test('an author crossing the threshold: earlier posts stay fanned out, later ones are pulled, the feed is whole', async () => {
    const [author, reader, ...others] = await users(2 + h.feed.pullThreshold)
    await follow(reader!, author!)
    await feed(reader!)
    const before = await posts(author!, 2)
    for (const o of others) await follow(o, author!)
    const after = await posts(author!, 2)
    await h.settle()
    expect(await held(reader!)).toEqual(before)
    expect(await feedIds(reader!)).toEqual([...after, ...before])
  })
})

describe('follows, unfollows and blocks change the feeds in Redis', () => {
  test('a follow backfills the followed user’s posts; an unfollow takes them out', async () => {
    const [author, reader] = await users(2)
    const made = await posts(author!, 3)
    await feed(reader!)
    await follow(reader!, author!)
    await h.settle()
    expect(await held(reader!)).toEqual(made)
    expect(await feedIds(reader!)).toEqual(made)
    await social.graph.unfollow({ followerId: reader!, followeeId: author! })
    expect(await feedIds(reader!)).toEqual([])
    await h.settle()
    expect(await held(reader!)).toEqual([])
  })

  test('a block takes each user’s posts out of the other’s feed', async () => {
    const [alice, bob] = await users(2)
    await follow(alice!, bob!)
    await follow(bob!, alice!)
    await feed(alice!)
    await feed(bob!)
    const [fromAlice] = await posts(alice!, 1)
    const [fromBob] = await posts(bob!, 1)
    await h.settle()
    expect(await feedIds(alice!)).toEqual([fromBob!, fromAlice!])
    await social.graph.block({ blockerId: bob!, blockedId: alice! })
    expect(await feedIds(alice!)).toEqual([fromAlice!])
    expect(await feedIds(bob!)).toEqual([fromBob!])
    await h.settle()
    expect(await held(alice!)).toEqual([fromAlice!])
    expect(await held(bob!)).toEqual([fromBob!])
  })

  test('a follow backfill bigger than a feed keeps the feed whole (the floor rises)', async () => {
    const [author, reader] = await users(2)
    const made = await posts(author!, h.feed.maxEntries + 5)
    await feed(reader!)
    await follow(reader!, author!)
    await h.settle()
    expect(await store.state(reader!)).toMatchObject({ ready: true, floor: { id: made[h.feed.maxEntries - 1] } })
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const r = await social.feed.read({ viewerId: reader!, cursor, limit: 6 })
      seen.push(...r.posts.map((p) => p.id))
      cursor = r.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toEqual(made)
  })
})

describe('rebuilds', () => {
  test('a post fanned out while a rebuild reads Postgres is not lost', async () => {
    const [author, reader] = await users(2)
    await follow(reader!, author!)
    const old = await posts(author!, 1)
    // The rebuild has taken its token and read its snapshot...
    const token = await store.beginRebuild(reader!)
    const snapshot = (await social.feed.fromPostgres(reader!, null, 10)).map((p) => p.key)
    // ...when a new post commits and is fanned out...
    const fresh = await posts(author!, 1)
    await h.settle()
    // ...then it finishes with its older snapshot.
    expect(await store.finishRebuild(reader!, token!, snapshot, true)).toBe(true)
    expect(await held(reader!)).toEqual([...fresh, ...old])
    expect(await feedIds(reader!)).toEqual([...fresh, ...old])
  })

  test('Redis flushed during a rebuild: it does not mark the feed ready; the read is served from Postgres', async () => {
    const [author, reader] = await users(2)
    await follow(reader!, author!)
    const made = await posts(author!, 2)
    const token = await store.beginRebuild(reader!)
    await store.drop(reader!)
    expect(await store.finishRebuild(reader!, token!, [], true)).toBe(false)
    expect(await store.state(reader!)).toBeNull()
    // Another rebuild took over meanwhile: the first one's finish is refused too.
    const first = await store.beginRebuild(reader!)
    const second = await store.beginRebuild(reader!)
    expect(await store.finishRebuild(reader!, first!, [], true)).toBe(false)
    await store.drop(reader!)
    const read = await feed(reader!)
    expect(read.page.posts.map((p) => p.id)).toEqual(made)
    expect(second).not.toBeNull()
  })

  test('a feed flushed from Redis is rebuilt on the next read, whole', async () => {
    const [author, reader] = await users(2)
    await follow(reader!, author!)
    await feed(reader!)
    const made = await posts(author!, 4)
    await h.settle()
    await store.drop(reader!)
    const read = await feed(reader!)
    expect(read.source).toBe('redis')
    expect(read.page.posts.map((p) => p.id)).toEqual(made)
    expect(await held(reader!)).toEqual(made)
  })
})

// The home feed: fan-out of one post to an author's active followers through the real
// pipeline (the outbox relay, the social reactions and the fan-out job in the worker
// threads), a post by an author above the pull threshold, and feed reads
// of a user following 500 accounts through Redis against the pure-Postgres pull query.
//   bun scripts/bench/feed.ts [--reads 300]
// Needs Postgres (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL); uses a scratch database
// and its own Redis prefix. Seeding 100,000 users and 110,000 follows takes most of the time.
import { sql } from 'drizzle-orm'
import { loadConfig } from '../../src/config'
import type { Database } from '../../src/db/client'
import type { DomainEvent } from '../../src/domain-events/types'
import { FEATURE_JOBS } from '../../src/features'
import { createHearth } from '../../src/hearth'
import { loadSigningKeys } from '../../src/modules/auth/keys'
import { FeedStore } from '../../src/modules/social/feed-store'
import { decodeCursor } from '../../src/modules/social/keys'
import { queryRows } from '../../src/db/tx'
import { createSocial } from '../../src/modules/social/service'
import { scratchDatabase } from '../lib/scratch'
import { closeResources, openResources } from '../../src/resources'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../test/helpers/app'
import { Histogram } from './stats'

const READS = Number(process.argv[process.argv.indexOf('--reads') + 1]) || 300
const CROWD = 100_000 // followers of the big author; the first 10,000 also follow the mid author
const MID_FOLLOWERS = 10_000
const ACTIVE_SHARE = 0.5 // of the mid author's followers, those with a feed kept in Redis
const READER_FOLLOWS = 500
const POSTS_PER_AUTHOR = 20
const RUNS = 3

const database = scratchDatabase(TEST_DATABASE_URL, 'hearth_bench_')
await database.create()
const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`
const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', JOB_WORKERS: '2' })
const res = await openResources(config, { keys: await loadSigningKeys({ privateKey: undefined, file: undefined }) })
const hearth = createHearth(res)
const db = res.db as Database
const store = new FeedStore({ redis: res.redis, feed: config.feed })
const out: string[] = []
const say = (line: string) => {
  console.log(line)
  out.push(line)
}

try {
  const t0 = performance.now()
  const { crowd, mid, big, reader, authors } = await seed()
  say(`seeded ${CROWD.toLocaleString()} users, ${(CROWD + MID_FOLLOWERS + READER_FOLLOWS + 1).toLocaleString()} follows, ${(READER_FOLLOWS * POSTS_PER_AUTHOR).toLocaleString()} posts in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

  await hearth.start()
  await res.jobs.startWorkers({ modules: [FEATURE_JOBS] })
  const social = createSocial(hearth.core)
  const created = new Map<string, DomainEvent<'post.created'>>()
  hearth.core.events.on('post.created', (e) => void created.set(e.data.postId, e))

  // Active followers: their feeds are kept in Redis (opened, empty).
  const active = crowd.slice(0, MID_FOLLOWERS).filter((_, i) => i % Math.round(1 / ACTIVE_SHARE) === 0)
  for (let i = 0; i < active.length; i += 500) {
    await Promise.all(
      active.slice(i, i + 500).map(async (id) => {
        const token = await store.beginRebuild(id)
        await store.finishRebuild(id, token!, [], true)
      }),
    )
  }

  // 1. One post by the mid author: from commit until every active follower's feed holds it.
  say(`\n## Fan-out: author with ${MID_FOLLOWERS.toLocaleString()} followers, ${active.length.toLocaleString()} active (FEED_PULL_THRESHOLD ${config.feed.pullThreshold.toLocaleString()})`)
  say('| run | commit → every active feed holds it | of which relay + reaction until the fan-out job starts | the fan-out job | feeds written |')
  say('|---|---|---|---|---|')
  for (let run = 1; run <= RUNS; run++) {
    const post = await social.posts.create({ userId: mid, body: `fan-out ${run}` })
    const committed = performance.now()
    const committedAt = Date.now()
    const held = await waitUntilHeld(active, post.id)
    const job = await waitForJob(`feed.${created.get(post.id)!.id}`)
    const jobMs = job.finishedOn! - job.processedOn!
    say(`| ${run} | ${(held - committed).toFixed(0)} ms | ${job.processedOn! - committedAt} ms | ${jobMs.toFixed(0)} ms | ${(job.returnvalue as any)?.readers ?? '?'} |`)
  }

  // 2. One post by the big author: above the threshold, nothing is written; readers pull it.
  const jobsBefore = await res.jobs.queues.fanout.getJobCountByTypes('completed', 'active', 'waiting', 'prioritized', 'delayed', 'failed')
  const bigPost = await social.posts.create({ userId: big, body: 'to the crowd' })
  const bigCommitted = performance.now()
  await outboxEmpty()
  const jobsAfter = await res.jobs.queues.fanout.getJobCountByTypes('completed', 'active', 'waiting', 'prioritized', 'delayed', 'failed')
  const firstRead = await social.feed.readPage({ viewerId: crowd[1]!, limit: 20 })
  say(`\n## Author with ${CROWD.toLocaleString()} followers (above the threshold)`)
  say(`post pulled: ${(await queryRows<{ pulled: boolean }>(db, sql`select pulled from posts where id = ${bigPost.id}`))[0]!.pulled}; fan-out jobs queued: ${jobsAfter - jobsBefore}; ` +
    `a follower's first read (feed built then) shows it: ${firstRead.page.posts.some((p) => p.id === bigPost.id)}, ${(performance.now() - bigCommitted).toFixed(0)} ms after the commit`)

  // 3. Reads of a user following 500 accounts (and the big one): Redis path vs Postgres pull.
  const rebuildStart = performance.now()
  await social.feed.rebuild(reader)
  const rebuildMs = performance.now() - rebuildStart
  const deepCursor = await cursorAfter(social, reader, 3)
  const cases = [
    { name: 'first page (20)', cursor: undefined },
    { name: 'fourth page (20)', cursor: deepCursor },
  ]
  say(`\n## Feed reads: a user following ${READER_FOLLOWS} accounts (${POSTS_PER_AUTHOR} posts each) and one pulled author, ${READS} reads each, alternating`)
  say(`rebuild of that feed from Postgres (${config.feed.maxEntries} entries): ${rebuildMs.toFixed(1)} ms`)
  say('| page | Redis feed p50 | p99 | Postgres pull p50 | p99 |')
  say('|---|---|---|---|---|')
  for (const c of cases) {
    const redis = new Histogram()
    const pull = new Histogram()
    const before = c.cursor ? decodeCursor(c.cursor) : null
    for (let i = 0; i < READS; i++) {
      let s = performance.now()
      const viaRedis = await social.feed.readPage({ viewerId: reader, cursor: c.cursor, limit: 20 })
      redis.record(performance.now() - s)
      if (viaRedis.source !== 'redis') throw new Error(`read ${i} was not served by Redis`)
      s = performance.now()
      await social.feed.fromPostgres(reader, before, 21)
      pull.record(performance.now() - s)
    }
    const f = (h: Histogram, p: number) => `${h.percentile(p).toFixed(2)} ms`
    say(`| ${c.name} | ${f(redis, 0.5)} | ${f(redis, 0.99)} | ${f(pull, 0.5)} | ${f(pull, 0.99)} |`)
  }
  void authors
} finally {
  await hearth.stop()
  await res.jobs.close({ timeoutMs: 5000 })
  for await (const keys of res.redis.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await res.redis.client.del(keys)
  await closeResources(res)
  await database.drop()
}
const header = [
  '# scripts/bench/feed.ts — results',
  '',
  `${new Date().toISOString().slice(0, 10)}, Bun ${Bun.version}, ${navigator.hardwareConcurrency} vCPUs, load average ${(await Bun.file('/proc/loadavg').text().catch(() => '?')).split(' ').slice(0, 3).join(' ')} at the end; ` +
    `Postgres and Redis on the same machine, JOB_WORKERS=2, the events relayed by the outbox relay (woken by the commit), FEED_MAX_ENTRIES ${config.feed.maxEntries}, FEED_PULL_THRESHOLD ${config.feed.pullThreshold.toLocaleString()}.`,
  '',
]
await Bun.write(new URL('./feed.results.md', import.meta.url), `${[...header, ...out].join('\n')}\n`)

async function waitUntilHeld(feeds: string[], postId: string): Promise<number> {
  while (true) {
    const multi = res.redis.client.multi()
    for (const id of feeds) multi.zScore(store.keys(id).zset, postId)
    const scores = await multi.exec()
    if (scores.every((s) => s !== null)) return performance.now()
    await Bun.sleep(5)
  }
}

async function waitForJob(jobId: string) {
  while (true) {
    const job = await res.jobs.queues.fanout.getJob(jobId)
    if (job?.finishedOn && job.processedOn) return job
    await Bun.sleep(5)
  }
}

/** Until the relay has taken every committed event. */
async function outboxEmpty() {
  while ((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from domain_events`))[0]!.n > 0) await Bun.sleep(5)
}

async function cursorAfter(social: ReturnType<typeof createSocial>, viewerId: string, pages: number): Promise<string> {
  let cursor: string | undefined
  for (let i = 0; i < pages; i++) cursor = (await social.feed.read({ viewerId, cursor, limit: 20 })).nextCursor!
  return cursor!
}


async function seed() {
  const ids = async (n: number, tag: string): Promise<string[]> =>
    (
      await queryRows<{ id: string }>(
        db,
        sql`insert into users (id, username, email, password_hash)
            select gen_random_uuid(), ${tag} || i, ${tag} || i || '@bench.test', 'x' from generate_series(1, ${n}::int) i
            returning id`,
      )
    ).map((r) => r.id)
  const crowd = await ids(CROWD, 'crowd')
  const [mid, big, reader] = await ids(3, 'star')
  const authors = await ids(READER_FOLLOWS, 'author')
  await db.transaction(async (tx) => {
    // Bulk rows without the per-row counter triggers; the counters are computed once after.
    await tx.execute(sql`set local session_replication_role = replica`)
    await bulkGraph(tx as unknown as Database, { crowd, mid: mid!, big: big!, reader: reader! })
    await tx.execute(sql`insert into user_stats (user_id, followers_count, following_count, posts_count)
      select u.id,
        (select count(*) from follows where followee_id = u.id),
        (select count(*) from follows where follower_id = u.id),
        (select count(*) from posts where author_id = u.id and deleted_at is null)
      from users u`)
  })
  await db.execute(sql`analyze`)
  return { crowd, mid: mid!, big: big!, reader: reader!, authors }
}

async function bulkGraph(db: Database, { crowd, mid, big, reader }: { crowd: string[]; mid: string; big: string; reader: string }) {
  await db.execute(sql`insert into follows (follower_id, followee_id, created_at)
    select u.id, ${big}::uuid, date_trunc('milliseconds', now()) from users u where u.username like 'crowd%'`)
  await db.execute(sql`insert into follows (follower_id, followee_id, created_at)
    select u.id, ${mid}::uuid, date_trunc('milliseconds', now()) from unnest(${sql.raw(`array[${crowd.slice(0, MID_FOLLOWERS).map((id) => `'${id}'`).join(',')}]::uuid[]`)}) u(id)`)
  await db.execute(sql`insert into follows (follower_id, followee_id, created_at)
    select ${reader}::uuid, a.id, date_trunc('milliseconds', now()) from users a where a.username like 'author%'`)
  // The reader also follows the big author, whose posts are pulled at read time.
  await db.execute(sql`insert into follows (follower_id, followee_id, created_at) values (${reader}::uuid, ${big}::uuid, date_trunc('milliseconds', now()))`)
  await db.execute(sql`insert into posts (id, author_id, body, visibility, pulled, created_at)
    select gen_random_uuid(), a.id, 'post ' || n, case when n % 4 = 0 then 'followers' else 'public' end, false,
           date_trunc('milliseconds', now() - random() * interval '10 days')
    from users a cross join generate_series(1, ${POSTS_PER_AUTHOR}::int) n where a.username like 'author%'`)
  await db.execute(sql`insert into posts (id, author_id, body, visibility, pulled, created_at)
    select gen_random_uuid(), ${big}::uuid, 'big ' || n, 'public', true, date_trunc('milliseconds', now() - random() * interval '10 days')
    from generate_series(1, ${POSTS_PER_AUTHOR}::int) n`)
}

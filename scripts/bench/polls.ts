// Votes per second on one hot poll with 1000 voters, with exact counts, and the time from a
// vote to the `poll.updated` that carries it at a WebSocket subscriber of the room.
//
//   bun scripts/bench/polls.ts [--seconds 5] [--voters 1000] [--in-flight 1000]
//
// Phases: (1) the poll service, votes group-committed (POLL_VOTE_BATCH_MAX, default 500);
// (2) the same with one transaction per vote (batch 1: every vote queues on the poll's row
// lock and its option counters); (3) over HTTP (auth guard, rate limits, JSON) from a load
// generator on its own thread. In each, every voter keeps switching between two options, so
// every vote writes. After each phase the counters are checked against the stored ballots.
// The app is the real one (every feature, src/features.ts): pushes go through its fan-out to a
// real WebSocket client subscribed to the room.
// Needs Postgres (BENCH_DATABASE_URL or the test server) and Redis; uses a scratch database.
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { SignJWT } from 'jose'
import { createApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import { scratchDatabase } from '../lib/scratch'
import { communities, communityMembers, roles, rooms, users } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { loadSigningKeys } from '../../src/modules/auth/keys'
import { DEFAULT_EVERYONE } from '../../src/modules/permissions/bits'
import { PollService } from '../../src/modules/polls/service'
import { rowsOf } from '../../src/db/tx'
import { closeResources, openResources } from '../../src/resources'
import { createHearth } from '../../src/hearth'
import { WsClient } from '../../test/helpers/ws'

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    voters: { type: 'string', default: '1000' },
    'in-flight': { type: 'string', default: '1000' },
  },
})
const SECONDS = Number(args.seconds)
const VOTERS = Number(args.voters)
const IN_FLIGHT = Number(args['in-flight'])
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

const database = scratchDatabase(serverUrl, 'hearth_bench_')
await database.create()
const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`
const config = loadConfig({
  DATABASE_URL: database.url,
  REDIS_URL: redisUrl,
  REDIS_PREFIX: prefix,
  LOG_LEVEL: 'warn',
  RATE_WRITES_PER_USER: '1000000/60',
  RATE_READS_PER_USER: '1000000/60',
  WS_MAX_BUFFERED_BYTES: String(64 << 20),
  POLL_LIVE_INTERVAL_MS: process.env.POLL_LIVE_INTERVAL_MS,
})
const keys = await loadSigningKeys({ privateKey: undefined, file: undefined })
const res = await openResources(config, { keys })
const hearth = createHearth(res)
await hearth.start()

/** The app's poll service (the feature's own) or one like it with another batch size. */
const pollService = (batchMax: number) =>
  new PollService({ ...hearth.core, messages: hearth.api('messages'), automod: hearth.api('automod'), config: { polls: { ...config.polls, voteBatchMax: batchMax } } })

interface Phase {
  name: string
  votes: number
  seconds: number
  exact: boolean
  latency?: { p50: number; p99: number; max: number; samples: number }
}
const phases: Phase[] = []

try {
  const world = await seed()
  const polls = hearth.api('polls')
  const server = createApp(hearth).listen({ port: 0, hostname: '127.0.0.1' })
  const base = `http://127.0.0.1:${server.server!.port}`
  const subscriber = await WsClient.open(base.replace('http', 'ws'), world.ownerToken)
  const subscribed = await subscriber.request('subscribe', { roomId: world.roomId })
  if (subscribed.op !== 'ack') throw new Error(`subscribe failed: ${JSON.stringify(subscribed)}`)
  /** When each version of a poll reached the subscriber. */
  const arrivals = new Map<string, { version: number; at: number }[]>()
  subscriber.socket.addEventListener('message', (e) => {
    const frame = JSON.parse(String(e.data))
    if (frame.op !== 'event' || frame.type !== 'poll.updated') return
    const list = arrivals.get(frame.data.id) ?? []
    list.push({ version: frame.data.version, at: performance.now() })
    arrivals.set(frame.data.id, list)
  })

  const newPoll = async (service: PollService) =>
    (await service.create({ userId: world.ownerId, roomId: world.roomId, body: { question: 'Hot?', options: ['left', 'right'] } })).poll

  // 0: every voter's first vote at once, with cold permission caches (each voter's member context is loaded).
  {
    const poll = await newPoll(polls)
    const started = performance.now()
    await Promise.all(world.voterIds.map((userId, i) => polls.vote({ userId, pollId: poll.id, choices: [poll.options[i % 2]!.id] })))
    const seconds = (performance.now() - started) / 1000
    phases.push({ name: `service, ${VOTERS} first votes at once, cold permission caches`, votes: VOTERS, seconds, exact: await exact(poll.id) })
  }

  // 1 and 2: the service, group-committed, then one transaction per vote.
  for (const [name, service] of [
    [`service, group commit (batch <= ${config.polls.voteBatchMax})`, polls],
    ['service, one transaction per vote', pollService(1)],
  ] as const) {
    const poll = await newPoll(service)
    const sent: { at: number; version: number }[] = []
    const { votes, seconds } = await hammer(async (voter, k) => {
      const at = performance.now()
      const view = await service.vote({ userId: world.voterIds[voter]!, pollId: poll.id, choices: [poll.options[k % 2]!.id] })
      sent.push({ at, version: view.version! })
    })
    await Bun.sleep(config.polls.liveIntervalMs * 3)
    phases.push({ name, votes, seconds, exact: await exact(poll.id), latency: latency(sent, arrivals.get(poll.id) ?? []) })
    if (service !== polls) service.stop()
  }

  // 3: over HTTP, from a load generator on its own thread.
  let hotPollId = ''
  {
    const poll = await newPoll(polls)
    hotPollId = poll.id
    const loadgen = new Worker(new URL('./polls-loadgen.ts', import.meta.url).href)
    const result = await new Promise<{ votes: number; seconds: number; errors: number; sent: { at: number; version: number }[] }>(
      (resolve, reject) => {
        loadgen.onmessage = (e) => resolve(e.data)
        loadgen.onerror = (e) => reject(e)
        loadgen.postMessage({
          base,
          pollId: poll.id,
          options: poll.options.map((o) => o.id),
          tokens: world.voterTokens,
          seconds: SECONDS,
          inFlight: IN_FLIGHT,
          origin: performance.timeOrigin,
        })
      },
    )
    loadgen.terminate()
    await Bun.sleep(config.polls.liveIntervalMs * 3)
    if (result.errors) console.log(`http: ${result.errors} votes failed`)
    phases.push({
      name: 'HTTP (auth, rate limits, JSON), load generator on another thread',
      votes: result.votes,
      seconds: result.seconds,
      exact: await exact(poll.id),
      latency: latency(result.sent, arrivals.get(poll.id) ?? []),
    })
  }
  // Reading the counts: the trigger-kept counters against counting the ballots at read.
  const reads = await readCosts(hotPollId)

  subscriber.close()
  await server.stop(true)

  console.log(`one poll, ${VOTERS} voters switching between two options, ${IN_FLIGHT} votes in flight, ${SECONDS}s per phase`)
  console.log(`live: POLL_LIVE_INTERVAL_MS=${config.polls.liveIntervalMs} (coalesced poll.updated to the room), subscriber on a real WebSocket`)
  for (const p of phases) {
    const l = p.latency
    console.log(
      `${p.name}: ${Math.round(p.votes / p.seconds).toLocaleString()} votes/s (${p.votes} in ${p.seconds.toFixed(1)}s), counts exact: ${p.exact}` +
        (l ? `; vote -> poll.updated p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms, max ${l.max.toFixed(0)} ms (${l.samples} votes)` : ''),
    )
  }
  console.log(`reading one poll's counts (${reads.ballots} ballots): counters ${reads.counters.toFixed(2)} ms, counted from the ballots ${reads.counted.toFixed(2)} ms (mean of ${reads.runs})`)
} finally {
  await hearth.stop()
  await closeResources(res)
  await database.drop()
}

/** Every voter votes again as soon as their last vote is answered, switching options, for SECONDS. */
async function hammer(vote: (voter: number, k: number) => Promise<void>) {
  let votes = 0
  const started = performance.now()
  const deadline = started + SECONDS * 1000
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, lane) => {
      for (let k = 0; performance.now() < deadline; k++) {
        await vote(lane % VOTERS, k + lane)
        votes++
      }
    }),
  )
  return { votes, seconds: (performance.now() - started) / 1000 }
}

/** For each vote: from its start to the first room push of a version that includes it. */
function latency(sent: { at: number; version: number }[], arrived: { version: number; at: number }[]) {
  const byVersion = [...arrived].sort((a, b) => a.version - b.version)
  // earliest[i]: the first arrival among pushes of version >= byVersion[i].version
  const earliest = byVersion.map((a) => a.at)
  for (let i = earliest.length - 2; i >= 0; i--) earliest[i] = Math.min(earliest[i]!, earliest[i + 1]!)
  const ms: number[] = []
  for (const s of sent) {
    let lo = 0
    let hi = byVersion.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (byVersion[mid]!.version < s.version) lo = mid + 1
      else hi = mid
    }
    if (lo < byVersion.length) ms.push(earliest[lo]! - s.at)
  }
  if (ms.length === 0) return undefined
  ms.sort((a, b) => a - b)
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!
  return { p50: q(0.5), p99: q(0.99), max: ms.at(-1)!, samples: ms.length }
}

async function readCosts(pollId: string) {
  const runs = 200
  const time = async (query: () => Promise<unknown>) => {
    const started = performance.now()
    for (let i = 0; i < runs; i++) await query()
    return (performance.now() - started) / runs
  }
  const counters = await time(() => res.db.execute(sql`select id, votes from poll_options where poll_id = ${pollId}`))
  const counted = await time(() =>
    res.db.execute(sql`select x, count(*) from poll_ballots b, unnest(b.option_ids) x where b.poll_id = ${pollId} group by x`),
  )
  const [row] = rowsOf<{ n: number }>(await res.db.execute(sql`select count(*)::int as n from poll_ballots where poll_id = ${pollId}`))
  return { counters, counted, runs, ballots: row!.n }
}

/** The counters against the ballots, counted from scratch. */
async function exact(pollId: string): Promise<boolean> {
  const [row] = rowsOf<{ ok: boolean }>(
    await res.db.execute(sql`
      select (select jsonb_object_agg(id, votes) from poll_options where poll_id = ${pollId})
           = (select jsonb_object_agg(o.id, (select count(*) from poll_ballots b where b.poll_id = o.poll_id and o.id = any(b.option_ids)))
                from poll_options o where o.poll_id = ${pollId})
         and (select voter_count from polls where id = ${pollId}) = (select count(*) from poll_ballots where poll_id = ${pollId}) as ok`),
  )
  return Boolean(row?.ok)
}

async function seed() {
  const ownerId = newId()
  const voterIds = Array.from({ length: VOTERS }, () => newId())
  const all = [ownerId, ...voterIds]
  for (let i = 0; i < all.length; i += 500) {
    await res.db.insert(users).values(all.slice(i, i + 500).map((id) => ({ id, username: `b${id.slice(-12)}`, email: `${id}@bench.test`, passwordHash: 'x' })))
  }
  const communityId = newId()
  await res.db.insert(communities).values({ id: communityId, name: 'bench', createdBy: ownerId })
  await res.db.insert(roles).values({ id: newId(), communityId, name: 'everyone', permissions: DEFAULT_EVERYONE, position: 0, isDefault: true })
  for (let i = 0; i < all.length; i += 500) {
    await res.db.insert(communityMembers).values(all.slice(i, i + 500).map((userId) => ({ communityId, userId })))
  }
  const roomId = newId()
  await res.db.insert(rooms).values({ id: roomId, communityId, kind: 'text', name: 'hot' })
  const token = (sub: string) =>
    new SignJWT({ sid: newId() })
      .setProtectedHeader({ alg: 'EdDSA', kid: keys.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(config.jwt.issuer)
      .setAudience(config.jwt.audience)
      .setIssuedAt()
      .setExpirationTime('900s')
      .sign(keys.privateKey)
  return { ownerId, ownerToken: await token(ownerId), voterIds, voterTokens: await Promise.all(voterIds.map(token)), roomId }
}

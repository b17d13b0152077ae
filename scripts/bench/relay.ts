// The outbox relay on scenario 2's traffic: 500 rooms with a message each per batch, so each
// outbox row (`messages.committed`) stands for one message. Relays the same backlog two ways,
// interleaved round after round in one run: the expanders given all of a batch's rows at
// once (the code), and given one row at a time (as the relay did before 2026-11-28 20:20 UTC,
// two reads per row). Real Postgres (a scratch database) and Redis; the events go to the
// real `events` queue (no worker consumes them here; the queue is emptied after each round).
//   bun scripts/bench/relay.ts [--rows 5000] [--rounds 3]
import { sql } from 'drizzle-orm'
import { parseArgs } from 'node:util'
import { loadConfig } from '../../src/config'
import type { Database } from '../../src/db/client'
import { queryRows } from '../../src/db/tx'
import { OutboxRelay } from '../../src/domain-events/relay'
import type { Expander } from '../../src/domain-events/types'
import { consumers, expanders } from '../../src/features'
import { loadSigningKeys } from '../../src/modules/auth/keys'
import { closeResources, openResources } from '../../src/resources'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../test/helpers/app'
import { scratchDatabase } from '../lib/scratch'
import { CpuMeter } from './processes'

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '3' } } })
const ROWS = Number(args.rows)
const ROUNDS = Number(args.rounds)
const ROOMS = 500

const database = scratchDatabase(TEST_DATABASE_URL, 'hearth_bench_')
await database.create()
const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`
const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' })
const res = await openResources(config, { keys: await loadSigningKeys({ privateKey: undefined, file: undefined }) })
const db = res.db as Database
const meter = new CpuMeter(process.pid, database.name)

/** The expanders as the relay used them before: each outbox row read alone. */
const oneAtATime = Object.fromEntries(
  Object.entries(expanders).map(([type, expand]): [string, Expander] => [
    type,
    async (tx, rows) => {
      const lists = []
      for (const row of rows) lists.push(...(await expand(tx, [row])))
      return lists
    },
  ]),
)

try {
  const { userId, roomIds } = await seed()
  const modes = { 'all rows of a batch at once': expanders, 'one row at a time (before)': oneAtATime }
  const results = new Map<string, { rowsPerSecond: number; clientMicros: number; postgresMicros: number }[]>()
  let seq = 0
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [mode, table] of Object.entries(modes)) {
      seq = await backlog(userId, roomIds, seq)
      const relay = new OutboxRelay(res, { consumers, expanders: table, intervalMs: 60_000 })
      const before = await meter.snapshot()
      const started = performance.now()
      let relayed = 0
      for (let n; (n = await relay.relayOnce()) > 0; ) relayed += n
      const seconds = (performance.now() - started) / 1000
      const cpu = CpuMeter.between(before, await meter.snapshot())
      if (relayed !== ROWS) throw new Error(`relayed ${relayed} rows, not ${ROWS}`)
      const r = { rowsPerSecond: Math.round(ROWS / seconds), clientMicros: Math.round((cpu.serverSeconds * 1e6) / ROWS), postgresMicros: Math.round((cpu.postgresSeconds * 1e6) / ROWS) }
      results.set(mode, [...(results.get(mode) ?? []), r])
      console.log(`round ${round}, ${mode}: ${r.rowsPerSecond} rows/s; CPU per row: relay process ${r.clientMicros} µs, Postgres ${r.postgresMicros} µs`)
      await res.jobs.queues.events.obliterate({ force: true })
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  console.log(`\n${ROWS} outbox rows of one message each, ${ROOMS} rooms; medians of ${ROUNDS} rounds:`)
  console.log('| expanders | rows/s | relay process µs/row | Postgres µs/row |\n|---|---:|---:|---:|')
  for (const [mode, rs] of results) console.log(`| ${mode} | ${median(rs.map((r) => r.rowsPerSecond))} | ${median(rs.map((r) => r.clientMicros))} | ${median(rs.map((r) => r.postgresMicros))} |`)
} finally {
  await meter.close()
  await closeResources(res)
  await database.drop()
}

/** A user, a community and its rooms. */
async function seed() {
  const userId = crypto.randomUUID()
  const communityId = crypto.randomUUID()
  await db.execute(sql`insert into users (id, username, email, password_hash) values (${userId}, 'relay-bench', 'relay-bench@example.com', 'x')`)
  await db.execute(sql`insert into communities (id, name, created_by) values (${communityId}, 'relay bench', ${userId})`)
  await db.execute(sql`insert into rooms (id, community_id, kind, name) select gen_random_uuid(), ${communityId}, 'text', 'room ' || n from generate_series(1, ${ROOMS}::int) n`)
  const rows = await queryRows<{ id: string }>(db, sql`select id from rooms order by name`)
  return { userId, roomIds: rows.map((r) => r.id) }
}

/**
 * ROWS messages spread over the rooms, each with its own `messages.committed` row, as scenario
 * 2's sends leave them: the rooms in turn (each room's second message after every room's first),
 * so a relay batch of 500 rows holds 500 rooms' rows, not 50 rooms' 10 each.
 */
async function backlog(userId: string, roomIds: string[], afterSeq: number): Promise<number> {
  const perRoom = Math.ceil(ROWS / roomIds.length)
  await db.execute(sql`
    with m as (
      insert into messages (id, room_id, seq, author_id, nonce, body)
      select gen_random_uuid(), r.id, ${afterSeq}::bigint + k, ${userId}, r.id || ':' || (${afterSeq}::bigint + k), 'a message of about the size people send in a busy room'
      from unnest(${sql.raw(`array[${roomIds.map((id) => `'${id}'`).join(',')}]::uuid[]`)}) with ordinality r(id, n) cross join generate_series(1, ${perRoom}::int) k
      order by k, r.n
      limit ${ROWS}
      returning room_id, seq
    )
    insert into domain_events (id, type, room_id, data, created_at)
    select gen_random_uuid(), 'messages.committed', room_id, jsonb_build_object('fromSeq', seq, 'toSeq', seq), clock_timestamp() from m`)
  // Planner statistics as autovacuum would have them for tables this size.
  await db.execute(sql`analyze messages`)
  await db.execute(sql`analyze domain_events`)
  return afterSeq + perRoom
}

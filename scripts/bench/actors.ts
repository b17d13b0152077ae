// Acked sends per second through the room actors (group commit) against real Postgres,
// one room and 100 rooms, next to a baseline that commits one transaction per message.
//
//   bun scripts/bench/actors.ts [--messages 20000] [--concurrency 256] [--pool 20] [--batches-in-flight 1,2] [--rooms 1,100] [--no-baseline]
//
// --batches-in-flight runs the room actors once per value (a room's send batches in the
// pipeline at once: 1 waits for each commit, 2 plans the next behind the one in flight),
// side by side in one run.
//
// Uses a scratch database on BENCH_DATABASE_URL (default: the local test server), dropped after.
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { scratchDatabase } from '../lib/scratch'
import { cpuSecondsOr0 } from './processes'
import { RoomHost, type RoomResources } from '../../rooms'
import { loadConfig } from '../../src/config'
import { openDatabase, type Database } from '../../src/db/client'
import { messages, users } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { createLogger } from '../../src/lib/log'

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '256' },
    pool: { type: 'string', default: '20' },
    'batches-in-flight': { type: 'string', default: '2' },
    rooms: { type: 'string', default: '1,100' },
    'no-baseline': { type: 'boolean', default: false },
  },
})
const roomCounts = args.rooms!.split(',').map(Number)
const depths = args['batches-in-flight']!.split(',').map(Number)
const total = Number(args.messages)
const concurrency = Number(args.concurrency)
const poolSize = Number(args.pool)
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

interface Result {
  name: string
  sends: number
  seconds: number
  commits: number
  /** CPU of this process and of Postgres (its backends for this database, its WAL writer, checkpointer and background writer), µs. */
  cpuMicros: number
}

/** CPU so far of the Postgres processes that serve this database, by pid (µs; from /proc, so Postgres must run on this machine). */
async function postgresCpu(db: Database): Promise<Map<number, number>> {
  const pids = (await db.execute(sql`select pid from pg_stat_activity
      where datname = current_database() or backend_type in ('walwriter', 'checkpointer', 'background writer')`)) as unknown as {
    pid: number
  }[]
  return new Map(pids.map(({ pid }) => [pid, cpuSecondsOr0(pid) * 1e6]))
}

/** Runs `work` and answers its CPU: this process's and Postgres's, in µs. */
async function measured<T>(db: Database, work: () => Promise<T>): Promise<{ result: T; cpuMicros: number }> {
  const pgBefore = await postgresCpu(db)
  const before = process.cpuUsage()
  const result = await work()
  const own = process.cpuUsage(before)
  let pg = 0
  for (const [pid, after] of await postgresCpu(db)) pg += after - (pgBefore.get(pid) ?? 0)
  return { result, cpuMicros: own.user + own.system + pg }
}

/** Runs `total` sends with `concurrency` in flight; `roomFor(i)` spreads them over rooms. */
async function drive(send: (roomId: string, authorId: string, nonce: string) => Promise<unknown>, rooms: string[], authors: string[]) {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = next++; i < total; i = next++) {
        await send(rooms[i % rooms.length]!, authors[worker % authors.length]!, `b${i}`)
      }
    }),
  )
  return (performance.now() - started) / 1000
}

async function actors(resources: RoomResources, name: string, rooms: string[], authors: string[], batchesInFlight: number): Promise<Result> {
  const host = new RoomHost(resources, { batchesInFlight })
  const { result: seconds, cpuMicros } = await measured(resources.db, () =>
    drive(
      (roomId, authorId, nonce) =>
        host.send({ type: 'send', roomId, authorId, nonce, body: `hello from ${nonce}` }),
      rooms,
      authors,
    ),
  )
  const commits = host.store.commits
  await host.stop()
  return { name, sends: total, seconds, commits, cpuMicros }
}

/** The naive path: every send is its own transaction (take the next seq under the row lock, insert). */
async function oneTransactionPerMessage(db: Database, name: string, rooms: string[], authors: string[]): Promise<Result> {
  let commits = 0
  const { result: seconds, cpuMicros } = await measured(db, () =>
    drive(
      async (roomId, authorId, nonce) => {
        await db.transaction(async (tx) => {
          const [state] = (await tx.execute(sql`
          insert into room_state (room_id, last_seq, epoch) values (${roomId}, 1, 1)
          on conflict (room_id) do update set last_seq = room_state.last_seq + 1
          returning last_seq`)) as unknown as { last_seq: string }[]
          await tx.insert(messages).values({
            id: newId(),
            roomId,
            seq: Number(state!.last_seq),
            authorId,
            nonce,
            body: `hello from ${nonce}`,
          })
        })
        commits++
      },
      rooms,
      authors,
    ),
  )
  return { name, sends: total, seconds, commits, cpuMicros }
}

async function main() {
  const database = scratchDatabase(serverUrl, 'hearth_bench_')
  await database.create()
  const handle = await openDatabase({
    url: database.url,
    dataDir: '',
    poolSize,
  })
  try {
    await handle.migrate()
    const resources: RoomResources = {
      db: handle.db,
      log: createLogger('warn'),
      config: loadConfig({ NODE_ID: 'bench' }),
    }
    const authors = Array.from({ length: 256 }, () => newId())
    await handle.db.insert(users).values(
      authors.map((id) => ({
        id,
        username: `b_${id.slice(-12)}`,
        email: `${id}@bench.test`,
        passwordHash: 'x',
      })),
    )
    const roomSet = (n: number) => Array.from({ length: n }, () => newId())

    const results: Result[][] = []
    for (const n of roomCounts) {
      const label = n === 1 ? '1 room' : `${n} rooms`
      const runs: Result[] = []
      // Interleaved twice, so background load on a shared machine falls on each alike.
      for (const pass of [1, 2]) {
        for (const depth of depths)
          runs.push(
            await actors(resources, `room actors, ${label}, ${depth} batch${depth > 1 ? 'es' : ''} in flight (pass ${pass})`, roomSet(n), authors, depth),
          )
      }
      if (!args['no-baseline']) runs.push(await oneTransactionPerMessage(handle.db, `baseline, ${label}`, roomSet(n), authors))
      results.push(runs)
    }

    console.log(`\n${total} sends per run, ${concurrency} in flight, pool ${poolSize}, Postgres ${await version(handle.db)}\n`)
    console.log('| run | acked sends/s | commits/s | mean batch | CPU µs per send (bench + Postgres) |')
    console.log('|---|---:|---:|---:|---:|')
    for (const r of results.flat()) {
      console.log(
        `| ${r.name} | ${Math.round(r.sends / r.seconds)} | ${Math.round(r.commits / r.seconds)} | ${(r.sends / r.commits).toFixed(1)} | ${(r.cpuMicros / r.sends).toFixed(1)} |`,
      )
    }
  } finally {
    await handle.close()
    await database.drop()
  }
}

async function version(db: Database) {
  const rows = (await db.execute(sql`show server_version`)) as unknown as {
    server_version: string
  }[]
  return rows[0]?.server_version ?? '?'
}

await main()

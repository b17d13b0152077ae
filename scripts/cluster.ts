// `bun run cluster -- 3`: three Hearth nodes on this machine sharing one Postgres and one
// Redis (CLUSTER=redis), on ports 3000, 3001, 3002 (BASE_PORT to change). Ctrl-C stops
// them gracefully (rooms handed over, sockets closed with 4012).
//
//   DATABASE_URL  shared Postgres (default postgres://postgres@127.0.0.1:5432/hearth)
//   REDIS_URL     shared Redis (default redis://127.0.0.1:6379)
//   JWT_PRIVATE_KEY  the cluster's signing key (default: a new one per run)
import postgres from 'postgres'
import { launchNodes } from './lib/nodes'

const count = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3)
if (!Number.isInteger(count) || count < 1 || count > 32) {
  console.error('usage: bun run cluster -- <nodes 1..32>')
  process.exit(1)
}
const basePort = Number(process.env.BASE_PORT ?? 3000)
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hearth'

await createDatabaseIfMissing(databaseUrl)
const cluster = await launchNodes({ count, basePort, databaseUrl, env: { HOST: process.env.HOST ?? '127.0.0.1' } }).catch((err) => {
  console.error(`hearth cluster: ${err instanceof Error ? err.message : err}`)
  process.exit(1)
})
console.log(`hearth cluster: ${count} nodes up — ${cluster.nodes.map((n) => `${n.nodeId} ${n.url}`).join(', ')}`)
console.log(`hearth cluster: a platform admin's token for GET /cluster (15 min): ${cluster.adminToken}`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  console.log('hearth cluster: stopping')
  await cluster.stop()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
await Promise.race(cluster.nodes.map((n) => n.proc.exited))
if (!stopping) {
  console.error('hearth cluster: a node exited; stopping the others')
  await stop()
}

async function createDatabaseIfMissing(url: string) {
  const name = new URL(url).pathname.slice(1)
  if (!/^[A-Za-z0-9_]+$/.test(name)) return
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql`select 1 from pg_database where datname = ${name}`
    if (!row) await sql.unsafe(`CREATE DATABASE ${name}`)
  } finally {
    await sql.end()
  }
}

// Cross-node end-to-end latency and deliveries per second for 1, 2 and 3 nodes, in one run.
//
//   bun run bench:cluster [--rooms 20] [--seconds 8] [--window 4]
//
// Each cluster is started fresh (scratch database on BENCH_DATABASE_URL, own Redis
// prefix). Every room has one subscriber socket on every node and one sender on a node
// that does not own the room (when there is one), keeping `window` sends in flight.
// Latency is send -> delivery at a subscriber (all measured in this process).
import { parseArgs } from 'node:util'
import { scratchDatabase } from '../lib/scratch'
import { launchNodes, type LocalNode } from '../lib/nodes'

const { values: args } = parseArgs({
  options: {
    rooms: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '8' },
    window: { type: 'string', default: '4' },
    nodes: { type: 'string', default: '1,2,3' },
  },
})
const ROOMS = Number(args.rooms)
const SECONDS = Number(args.seconds)
const WINDOW = Number(args.window)
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

interface Result {
  nodes: number
  sends: number
  deliveries: number
  seconds: number
  p50: number
  p99: number
}


async function api(node: LocalNode, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(node.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return res.json() as Promise<any>
}

function socket(node: LocalNode, token: string, onFrame: (f: any) => void): Promise<WebSocket> {
  const ws = new WebSocket(`${node.url.replace('http', 'ws')}/ws?token=${token}`)
  ws.onmessage = (e) => onFrame(JSON.parse(String(e.data)))
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws)
    ws.onerror = () => reject(new Error(`socket to ${node.nodeId} failed`))
  })
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN

async function run(count: number): Promise<Result> {
  const database = scratchDatabase(serverUrl, 'hearth_bench_')
  await database.create()
  const cluster = await launchNodes({
    count,
    basePort: 4100 + count * 10,
    databaseUrl: database.url,
    output: 'ignore',
    env: {
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: `bench:${crypto.randomUUID().slice(0, 8)}:`,
      ROLE: 'api',
      LOG_LEVEL: 'warn',
      PASSWORD_MEMORY_KIB: '4096',
      RATE_AUTH_PER_IP: '100000/60',
      RATE_WRITES_PER_USER: '1000000/60',
      WS_RATE_LIMIT: '1000000/10',
    },
  })
  const sockets: WebSocket[] = []
  try {
    const [first] = cluster.nodes as [LocalNode]
    const user = await api(first, 'POST', '/v1/auth/register', { username: `bench_${count}`, email: `bench${count}@example.test`, password: 'correct horse battery' })
    const token = user.accessToken as string
    const community = await api(first, 'POST', '/v1/communities', { name: 'bench' }, token)
    const rooms: string[] = []
    for (let i = 0; i < ROOMS; i++) rooms.push((await api(first, 'POST', `/v1/communities/${community.id}/rooms`, { name: `r${i}` }, token)).id)

    const sentAt = new Map<string, number>()
    const latencies: number[] = []
    let deliveries = 0
    let measuring = false
    for (const node of cluster.nodes) {
      const ws = await socket(node, token, (f) => {
        if (f.op !== 'event' || f.type !== 'message.created' || !measuring) return
        const at = sentAt.get(f.data.message.nonce)
        if (at === undefined) return
        deliveries++
        latencies.push(performance.now() - at)
      })
      sockets.push(ws)
      for (const roomId of rooms) ws.send(JSON.stringify({ op: 'subscribe', id: roomId, roomId }))
    }
    await Bun.sleep(500)

    let sends = 0
    const senders = await Promise.all(
      rooms.map(async (roomId, r) => {
        const owner = (await api(first, 'GET', `/cluster?roomId=${roomId}`, undefined, cluster.adminToken)).owner as string
        const ownerIndex = cluster.nodes.findIndex((n) => n.nodeId === owner)
        const node = cluster.nodes[(ownerIndex + 1) % count]!
        const acks = new Map<string, () => void>()
        const ws = await socket(node, token, (f) => {
          if (f.op === 'ack' || f.op === 'error') acks.get(f.id)?.()
        })
        sockets.push(ws)
        return { roomId, r, ws, acks }
      }),
    )
    measuring = true
    const started = performance.now()
    const until = started + SECONDS * 1000
    await Promise.all(
      senders.flatMap(({ roomId, r, ws, acks }) =>
        Array.from({ length: WINDOW }, async (_, w) => {
          for (let k = 0; performance.now() < until; k++) {
            const nonce = `${r}-${w}-${k}`
            sentAt.set(nonce, performance.now())
            await new Promise<void>((resolve) => {
              acks.set(nonce, resolve)
              ws.send(JSON.stringify({ op: 'send', id: nonce, roomId, nonce, body: 'bench' }))
            })
            acks.delete(nonce)
            sends++
          }
        }),
      ),
    )
    const seconds = (performance.now() - started) / 1000
    await Bun.sleep(300)
    measuring = false
    latencies.sort((x, y) => x - y)
    return { nodes: count, sends, deliveries, seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) }
  } finally {
    for (const ws of sockets) ws.close()
    await cluster.stop()
    await database.drop()
  }
}

const results: Result[] = []
for (const n of args.nodes.split(',').map(Number)) {
  const result = await run(n)
  results.push(result)
  console.log(JSON.stringify(result))
}
console.log(`\n${ROOMS} rooms, ${WINDOW} sends in flight per room, ${SECONDS} s, one subscriber per node per room\n`)
console.log('| nodes | acked sends/s | deliveries/s | p50 ms | p99 ms |')
console.log('|---|---|---|---|---|')
for (const r of results) {
  console.log(
    `| ${r.nodes} | ${Math.round(r.sends / r.seconds)} | ${Math.round(r.deliveries / r.seconds)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`,
  )
}
process.exit(0)

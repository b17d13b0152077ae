import { afterAll, expect, setDefaultTimeout, test } from 'bun:test'
import { startHearthCluster, type HearthCluster, type HearthNode } from '../helpers/cluster-procs'
import { newCommunity } from '../helpers/community'
import { WsClient } from '../helpers/ws'
import { eventually } from '../helpers/wait'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

// Clients send across 50 rooms for 32 s on three nodes while one node is SIGKILLed,
// another is stopped and restarted, and the killed one comes back. At the end: no acked
// message lost, no duplicates, every room's seqs gap-free and ordered in Postgres and
// at every observer.
const ROOMS = 50
const SEND_MS = 32_000
const KILL_AT = 8_000
const RESTART_AT = 16_000
const REVIVE_AT = 22_000

let cluster: HearthCluster | undefined
const sockets = new Set<WsClient>()
afterAll(async () => {
  for (const ws of sockets) ws.close()
  await cluster?.stop()
}, 30_000)

const live = new Map<string, HearthNode>()
const down = new Set<string>()

async function connect(token: string): Promise<WsClient> {
  for (let attempt = 0; ; attempt++) {
    const nodes = [...live.values()].filter((n) => !down.has(n.nodeId))
    const node = nodes[(Math.random() * nodes.length) | 0]
    if (node) {
      try {
        const ws = await WsClient.open(node.wsUrl, token)
        sockets.add(ws)
        return ws
      } catch {}
    }
    if (attempt > 200) throw new Error('no node takes sockets')
    await Bun.sleep(50)
  }
}

const closedOf = (ws: WsClient) =>
  new Promise<{ op: 'closed' }>((resolve) => {
    if (ws.closeCode !== undefined) return resolve({ op: 'closed' })
    ws.socket.addEventListener('close', () => resolve({ op: 'closed' }))
  })

test('chaos: SIGKILL one node, restart another, while 50 rooms keep sending', async () => {
  // One user holds every socket here (50 senders, 3 observers): more than a person's cap per node.
  cluster = await startHearthCluster(['node-a', 'node-b', 'node-c'], { WS_MAX_SOCKETS_PER_USER: '200' })
  for (const n of cluster.nodes) live.set(n.nodeId, n)
  const [a] = cluster.nodes as [HearthNode]
  const world = await newCommunity(a.http)
  const rooms: string[] = []
  for (let i = 0; i < ROOMS; i++) rooms.push((await world.room(`chaos-${i}`)).id)
  const token = world.owner.accessToken

  // Observers: one per node, each in every room; on a lost socket they resume with sinceSeq.
  const seen = Array.from({ length: 3 }, () => new Map<string, number[]>(rooms.map((r) => [r, []])))
  const trail = Array.from({ length: 3 }, () => new Map<string, string[]>(rooms.map((r) => [r, []])))
  const observe = async (i: number, until: () => boolean) => {
    for (let connection = 0; !until(); connection++) {
      const ws = await connect(token)
      const closed = closedOf(ws)
      const at = new URL(ws.socket.url).port
      ws.socket.addEventListener('message', (e) => {
        const f = JSON.parse(String(e.data))
        if (f.op === 'event' && f.type === 'message.created') {
          seen[i]!.get(f.roomId)?.push(f.seq)
          trail[i]!.get(f.roomId)?.push(`${f.seq}@${at}#${connection}:${Math.round(performance.now() - start)}`)
        }
      })
      for (const roomId of rooms) {
        const got = seen[i]!.get(roomId)!
        ws.send({ op: 'subscribe', id: `s-${roomId}`, roomId, sinceSeq: got.at(-1) ?? 0 })
      }
      while (!until() && ws.closeCode === undefined) await Promise.race([closed, Bun.sleep(100)])
      if (ws.closeCode === undefined) return
    }
  }

  const acked = new Map<string, { roomId: string; seq: number }>()
  const ackTimes = new Map<string, number[]>(rooms.map((r) => [r, []]))
  let errors = 0
  let reconnects = 0
  let start = performance.now()
  const sendUntil = start + SEND_MS
  const sender = async (roomIndex: number) => {
    const roomId = rooms[roomIndex]!
    let ws = await connect(token)
    for (let k = 0; performance.now() < sendUntil; ) {
      const nonce = `c${roomIndex}-${k}`
      const answer = await Promise.race([
        ws.request('send', { roomId, nonce, body: `chaos ${nonce}` }, 15_000).catch(() => ({ op: 'timeout' })),
        closedOf(ws),
      ])
      if (answer.op === 'ack') {
        acked.set(nonce, { roomId, seq: answer.seq })
        ackTimes.get(roomId)!.push(performance.now() - start)
        k++
        await Bun.sleep(80)
      } else if (answer.op === 'error') {
        errors++
        await Bun.sleep(100)
      } else {
        // Closed or unanswered: reconnect and send the same nonce again.
        reconnects++
        ws.close()
        ws = await connect(token)
      }
    }
    ws.close()
  }

  start = performance.now()
  let observing = true
  const observers = [0, 1, 2].map((i) => observe(i, () => !observing))
  const senders = rooms.map((_, i) => sender(i))

  await Bun.sleep(KILL_AT)
  const b = live.get('node-b')!
  const bRooms = (await Promise.all(rooms.map(async (r) => ((await a.status(r)).owner === 'node-b' ? r : undefined)))).filter(Boolean) as string[]
  const killedAt = performance.now() - start
  down.add('node-b')
  b.proc.kill('SIGKILL')

  await Bun.sleep(RESTART_AT - KILL_AT)
  const c = live.get('node-c')!
  down.add('node-c')
  c.proc.kill('SIGTERM')
  await c.proc.exited
  live.set('node-c', await cluster.start('node-c'))
  down.delete('node-c')

  await Bun.sleep(REVIVE_AT - RESTART_AT)
  live.set('node-b', await cluster.start('node-b'))
  down.delete('node-b')

  await Promise.all(senders)
  const sendMs = performance.now() - start
  await cluster.settle(['node-a', 'node-b', 'node-c'])

  // Postgres: every room 1..n, every acked nonce at its acked seq.
  const rows = await cluster.sql<{ room_id: string; seq: number; nonce: string }[]>`
    select room_id, seq, nonce from messages where room_id in ${cluster.sql(rooms)} order by room_id, seq`
  const byRoom = new Map<string, { seq: number; nonce: string }[]>(rooms.map((r) => [r, []]))
  for (const r of rows) byRoom.get(r.room_id)!.push({ seq: Number(r.seq), nonce: r.nonce })
  for (const [roomId, list] of byRoom) {
    expect({ roomId, seqs: list.map((m) => m.seq) }).toEqual({ roomId, seqs: list.map((_, i) => i + 1) })
    expect(new Set(list.map((m) => m.nonce)).size).toBe(list.length)
  }
  const bySeq = new Map(rows.map((r) => [`${r.room_id}:${Number(r.seq)}`, r.nonce]))
  let lost = 0
  for (const [nonce, { roomId, seq }] of acked) if (bySeq.get(`${roomId}:${seq}`) !== nonce) lost++
  expect(lost).toBe(0)

  // Observers: each saw every room's messages exactly once, in order.
  await eventually(
    'observers to catch up',
    async () => seen.every((m) => rooms.every((r) => (m.get(r)!.at(-1) ?? 0) >= byRoom.get(r)!.length)),
    15_000,
  ).catch(() => {})
  observing = false
  await Promise.all(observers)
  for (const [i, m] of seen.entries()) {
    for (const roomId of rooms) {
      const got = m.get(roomId)!
      const want = byRoom.get(roomId)!.map((x) => x.seq)
      if (got.join() !== want.join()) {
        const k = want.findIndex((seq, j) => got[j] !== seq)
        const t = trail[i]!.get(roomId)!
        console.log(`observer ${i} room ${roomId}: got ${got.length} of ${want.length}, first difference at ${k}: ${t.slice(Math.max(0, k - 4), k + 6).join(' ')}`)
      }
      expect({ observer: i, roomId, seqs: got }).toEqual({ observer: i, roomId, seqs: byRoom.get(roomId)!.map((x) => x.seq) })
    }
  }

  // Recovery: for the killed node's rooms, the longest wait from the kill to the next ack.
  const waits = bRooms.map((r) => (ackTimes.get(r)!.find((t) => t > killedAt) ?? Infinity) - killedAt)
  const recoveryMs = Math.round(Math.max(0, ...waits))
  console.log(
    `chaos: ${acked.size} acked sends in ${Math.round(sendMs)} ms across ${ROOMS} rooms (${rows.length} committed); ` +
      `${bRooms.length} rooms on the killed node, recovered in ${recoveryMs} ms after SIGKILL (lease 3000 ms); ` +
      `lost 0, duplicates 0; ${errors} error answers, ${reconnects} resends after a lost socket`,
  )
  expect(recoveryMs).toBeLessThan(3000 + 5000)
}, 120_000)

// The client under chaos: several clients send a few hundred messages into two rooms through
// a proxy that delays traffic, cuts WebSocket connections in the middle of frames and loses
// a few message events, while
// the server process (a real `bun src/main.ts`) is stopped twice — SIGTERM (sockets closed
// with 4012) and SIGKILL (nothing said) — and started again on the same port, database and
// key. In the end every client has every message of both rooms exactly once, in seq order,
// every send settled `sent` exactly once, and the rooms hold each message once.
import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportPKCS8, generateKeyPair } from 'jose'
import postgres from 'postgres'
import { HearthClient, type Message, type OutboxEntry } from '../../client/src'
import { createTestDatabase, TEST_REDIS_URL } from '../helpers/app'
import { newCommunity } from '../helpers/community'
import { HttpClient } from '../helpers/http'
import { childEnv, freePort } from '../helpers/process'
import { eventually } from '../helpers/wait'
import { ChaosProxy } from './proxy'

setDefaultTimeout(90_000)

const CLIENTS = 4
const PER_CLIENT = 75 // 300 messages in all
const SEND_EVERY_MS = 60

const root = new URL('../..', import.meta.url).pathname
const database = await createTestDatabase()
const port = freePort()
const prefix = `test:${crypto.randomUUID().slice(0, 8)}:`
const dataDir = await mkdtemp(join(tmpdir(), 'hearth-chaos-'))
const jwtKey = await exportPKCS8((await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })).privateKey)
const server = new HttpClient(`http://127.0.0.1:${port}`)

let proc: ReturnType<typeof Bun.spawn> | undefined
async function startServer() {
  proc = Bun.spawn(['bun', 'src/main.ts'], {
    cwd: root,
    env: childEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      JWT_PRIVATE_KEY: jwtKey,
      DATA_DIR: dataDir,
      ROLE: 'api',
      LOG_LEVEL: 'warn',
      PASSWORD_MEMORY_KIB: '4096',
      RATE_AUTH_PER_IP: '10000/60',
      RATE_WRITES_PER_USER: '100000/60',
      RATE_READS_PER_USER: '100000/60',
      WS_RATE_LIMIT: '100000/10',
    }),
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'inherit',
  })
  await eventually('the server to answer', async () => (await server.get('/health').catch(() => undefined))?.status === 200, 30_000)
}

async function restartServer(signal: 'SIGTERM' | 'SIGKILL') {
  proc!.kill(signal)
  await proc!.exited
  await startServer()
}

afterAll(async () => {
  proc?.kill('SIGKILL')
  await proc?.exited
  const { createClient } = await import('redis')
  const redis = createClient({ url: TEST_REDIS_URL })
  await redis.connect()
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) await redis.del(keys)
  await redis.close()
  await database.drop()
  await rm(dataDir, { recursive: true, force: true })
})

await startServer()

/** A random whole number in [min, max]. */
const between = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1))

describe('the client under chaos', () => {
  test('every client gets every message once, in seq order; every send is acked once', async () => {
    const started = Date.now()
    const world = await newCommunity(server)
    const users = [world.owner, ...(await Promise.all(Array.from({ length: CLIENTS - 1 }, () => world.join())))]
    const rooms = [(await world.room('chaos-a')).id, (await world.room('chaos-b')).id]

    const proxy = new ChaosProxy({
      target: { host: '127.0.0.1', port },
      // A third of the chunks wait a little (order kept), so acks and events come late.
      delayMs: () => (Math.random() < 0.3 ? between(1, 25) : 0),
      // Each socket is cut after 1-6 KB from its client (in the middle of a send's frame),
      // or 8-60 KB from the server (in the middle of an event or an ack), whichever comes first.
      cutAfterClientBytes: () => between(1_000, 6_000),
      cutAfterServerBytes: () => between(8_000, 60_000),
      // One message event in a hundred never arrives (as if a node's pub/sub lost it): a gap.
      serverFrame: (frame) => (frame.json?.type === 'message.created' && Math.random() < 0.01 ? [] : [frame.bytes]),
    }).start()

    const clients = users.map(
      (user) =>
        new HearthClient({
          baseUrl: proxy.url,
          session: { accessToken: user.accessToken, refreshToken: user.refreshToken },
          realtime: { baseMs: 50, capMs: 400, gapWaitMs: 150, auditMs: 1_000, heartbeatMs: 2_000, heartbeatTimeoutMs: 2_000 },
        }),
    )
    const seen = clients.map((client) => {
      const messages = new Map<string, Message[]>(rooms.map((r) => [r, []]))
      const outbox: OutboxEntry[] = []
      const reconnects = { count: 0, codes: new Map<number, number>() }
      let fromHistory = 0
      client.realtime.onMessage((m, meta) => {
        messages.get(meta.roomId)!.push(m)
        if (meta.source === 'history') fromHistory++
      })
      client.realtime.onOutbox((entry) => outbox.push(entry))
      client.realtime.onState((state, info) => {
        if (state !== 'reconnecting') return
        reconnects.count++
        if (info.code) reconnects.codes.set(info.code, (reconnects.codes.get(info.code) ?? 0) + 1)
      })
      return { messages, outbox, reconnects, fromHistory: () => fromHistory }
    })
    afterAll(() => {
      for (const c of clients) c.dispose()
      proxy.stop()
    })

    for (const client of clients) client.realtime.connect()
    await Promise.all(clients.flatMap((client) => rooms.map((roomId) => client.realtime.subscribe(roomId, { sinceSeq: 0 }))))

    // Each client sends its messages at a steady pace, alternating rooms; the server is
    // stopped gracefully a third of the way in, and killed two thirds of the way in.
    const sends = clients.map(async (client, c) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        client.realtime.send(rooms[i % 2]!, { body: `client ${c} message ${i}`, nonce: `c${c}-m${i}` })
        await Bun.sleep(SEND_EVERY_MS)
      }
    })
    const sendingMs = PER_CLIENT * SEND_EVERY_MS
    const restarts = (async () => {
      await Bun.sleep(sendingMs / 3)
      await restartServer('SIGTERM')
      await Bun.sleep(sendingMs / 3)
      await restartServer('SIGKILL')
    })()
    await Promise.all([...sends, restarts])

    const nonces = clients.flatMap((_, c) => Array.from({ length: PER_CLIENT }, (_, i) => `c${c}-m${i}`))
    const settled = await Promise.all(clients.flatMap((client, c) => nonces.filter((n) => n.startsWith(`c${c}-`)).map((n) => client.realtime.settled(n))))
    const total = CLIENTS * PER_CLIENT
    const perRoom = rooms.map((_, r) => nonces.filter((n) => Number(n.split('-m')[1]) % 2 === r).length)
    await eventually(
      'every client to have every message',
      async () => seen.every((s) => rooms.every((roomId, r) => s.messages.get(roomId)!.length >= perRoom[r]!)),
      40_000,
    ).catch((err) => {
      // Say where each client stands, so a failure explains itself.
      const where = clients.map((c, i) => `client ${i}: ${c.realtime.state}, positions ${rooms.map((r) => c.realtime.position(r)).join('/')} of ${perRoom.join('/')}, outbox ${c.realtime.outbox.length}`)
      throw new Error(`${(err as Error).message}\n${where.join('\n')}`)
    })
    await Bun.sleep(500) // anything late (a duplicate) would show now
    const elapsed = Date.now() - started

    // Every send was acked once: one `sent` per nonce, nothing failed.
    expect(settled.map((e) => e?.state)).toEqual(Array(total).fill('sent'))
    for (const [c, s] of seen.entries()) {
      const sent = s.outbox.filter((e) => e.state === 'sent').map((e) => e.nonce)
      expect(sent.length).toBe(PER_CLIENT)
      expect(new Set(sent).size).toBe(PER_CLIENT)
      expect(s.outbox.filter((e) => e.state === 'failed').map((e) => `${c}:${e.nonce}:${e.error?.code}`)).toEqual([])
    }

    // Every client has every message exactly once, in seq order, and the same as the others.
    for (const s of seen) {
      for (const [r, roomId] of rooms.entries()) {
        const list = s.messages.get(roomId)!
        expect(list.map((m) => m.seq)).toEqual(Array.from({ length: perRoom[r]! }, (_, i) => i + 1))
        expect(new Set(list.map((m) => m.nonce)).size).toBe(perRoom[r]!)
        expect(list.map((m) => m.id)).toEqual(seen[0]!.messages.get(roomId)!.map((m) => m.id))
      }
    }
    const everyNonce = rooms.flatMap((roomId) => seen[0]!.messages.get(roomId)!.map((m) => m.nonce)).sort()
    expect(everyNonce).toEqual([...nonces].sort())

    // Each ack names the message the rooms hold for it.
    const bySeq = new Map<string, Message>(rooms.flatMap((roomId) => seen[0]!.messages.get(roomId)!.map((m) => [`${roomId}:${m.seq}`, m] as const)))
    for (const entry of settled) expect(bySeq.get(`${entry!.roomId}:${entry!.seq}`)?.nonce).toBe(entry!.nonce)

    // And the database holds each message once.
    const sql = postgres(database.url, { max: 1, onnotice: () => {} })
    const rows = await sql`select room_id, count(*)::int as n, count(distinct nonce)::int as nonces, max(seq)::int as last from messages group by room_id`
    await sql.end()
    expect(rows.map((r) => [r.n, r.nonces, r.last]).sort()).toEqual(perRoom.map((n) => [n, n, n]).sort())

    const resent = seen.reduce((sum, s) => sum + s.outbox.filter((e) => e.state === 'sent' && e.attempts > 1).length, 0)
    const codes = new Map<number, number>()
    for (const s of seen) for (const [code, n] of s.reconnects.codes) codes.set(code, (codes.get(code) ?? 0) + n)
    console.log(
      `chaos: ${total} messages from ${CLIENTS} clients into ${rooms.length} rooms in ${(elapsed / 1000).toFixed(1)} s; ` +
        `proxy: ${proxy.stats.websockets} sockets, ${proxy.stats.cuts} cut; server restarted 2x (SIGTERM, SIGKILL); ` +
        `reconnects ${seen.map((s) => s.reconnects.count).join('/')} (close codes ${JSON.stringify(Object.fromEntries(codes))}); ` +
        `sends written more than once: ${resent}; messages filled over REST: ${seen.map((s) => s.fromHistory()).join('/')}`,
    )
    expect(proxy.stats.cuts).toBeGreaterThan(0)
    expect(codes.get(4012) ?? 0).toBeGreaterThan(0)
  })
})

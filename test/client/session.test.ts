// The realtime session against a real server, with a proxy in between where the network
// must misbehave: rooms in seq order and each message once (duplicates dropped, gaps and
// resyncs filled over REST), the outbox's states, the backoff's bounds, the close codes.
import { afterEach, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { Backoff, CloseCode, type EventMap } from '../../client/src'
import { startTestApp } from '../helpers/app'
import { newCommunity, ok, type World } from '../helpers/community'
import { registerUser } from '../helpers/http'
import { WsClient } from '../helpers/ws'
import { eventually } from '../helpers/wait'
import { clientOf, FetchLog, record, tampered } from './harness'
import { ChaosProxy, type ServerFrame } from './proxy'

const app = await startTestApp({ WS_RATE_LIMIT: '10000/10', RATE_WRITES_PER_USER: '10000/60', RATE_READS_PER_USER: '10000/60' })
const target = { host: '127.0.0.1', port: Number(new URL(app.url).port) }

function proxy(opts: Partial<ConstructorParameters<typeof ChaosProxy>[0]> = {}) {
  const p = new ChaosProxy({ target, ...opts }).start()
  proxies.push(p)
  return p
}
const proxies: ChaosProxy[] = []
afterEach(() => {
  for (const p of proxies.splice(0)) p.stop()
})

async function roomWith(name = 'r'): Promise<{ world: World; roomId: string }> {
  const world = await newCommunity(app.http)
  const room = await world.room(name)
  return { world, roomId: room.id }
}

async function postMessages(world: World, roomId: string, n: number, from = 0) {
  for (let i = from; i < from + n; i++) {
    ok(await app.http.post(`/v1/rooms/${roomId}/messages`, { body: `m${i}`, nonce: `rest-${i}` }, world.as(world.owner)), 201)
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const isCreated = (frame: ServerFrame) => frame.json?.op === 'event' && frame.json.type === 'message.created'

describe('rooms: seq order, each message once', () => {
  test('messages sent while the socket is down arrive after the reconnect, in order, once', async () => {
    const { world, roomId } = await roomWith()
    const p = proxy()
    const client = clientOf(p.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    await postMessages(world, roomId, 3)
    await eventually('3 messages', async () => seen.seqs(roomId).length === 3)
    p.refuse(true)
    p.cutAll()
    await postMessages(world, roomId, 4, 3)
    p.refuse(false)
    await eventually('7 messages', async () => seen.seqs(roomId).length === 7)
    await Bun.sleep(200)
    expect(seen.seqs(roomId)).toEqual(range(1, 7))
    expect(seen.bodies(roomId)).toEqual(range(0, 6).map((i) => `m${i}`))
  })

  test('a room followed from a seq gets what came after it, then live', async () => {
    const { world, roomId } = await roomWith()
    await postMessages(world, roomId, 5)
    const client = clientOf(app.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    expect(await client.realtime.subscribe(roomId, { sinceSeq: 2 })).toEqual({ lastSeq: 5 })
    await postMessages(world, roomId, 1, 5)
    await eventually('4 messages', async () => seen.seqs(roomId).length === 4)
    expect(seen.seqs(roomId)).toEqual([3, 4, 5, 6])
  })

  test('without a seq the room is followed from its current end', async () => {
    const { world, roomId } = await roomWith()
    await postMessages(world, roomId, 3)
    const client = clientOf(app.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    expect(await client.realtime.subscribe(roomId)).toEqual({ lastSeq: 3 })
    await postMessages(world, roomId, 1, 3)
    await eventually('1 message', async () => seen.seqs(roomId).length === 1)
    expect(seen.seqs(roomId)).toEqual([4])
    expect(client.realtime.position(roomId)).toBe(4)
  })

  test('a message delivered twice reaches the app once', async () => {
    const { world, roomId } = await roomWith()
    const p = proxy({ serverFrame: (frame) => (isCreated(frame) ? [frame.bytes, frame.bytes] : [frame.bytes]) })
    const client = clientOf(p.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    await postMessages(world, roomId, 5)
    await eventually('5 messages', async () => seen.seqs(roomId).length >= 5)
    await Bun.sleep(200)
    expect(seen.seqs(roomId)).toEqual(range(1, 5))
  })

  test('a lost message is filled over REST, and the ones after it wait for it', async () => {
    const { world, roomId } = await roomWith()
    const lost = new Set([2, 3])
    const p = proxy({ serverFrame: (frame) => (isCreated(frame) && lost.has(frame.json.seq) ? [] : [frame.bytes]) })
    const log = new FetchLog()
    const client = clientOf(p.url, world.owner, { fetch: log.fetch })
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    await postMessages(world, roomId, 3)
    await eventually('the first message', async () => seen.seqs(roomId).length === 1)
    await Bun.sleep(300)
    // Nothing tells the client 2 and 3 exist until 4 arrives: 4 waits for them.
    expect(seen.seqs(roomId)).toEqual([1])
    await postMessages(world, roomId, 1, 3)
    await eventually('4 messages', async () => seen.seqs(roomId).length === 4)
    await postMessages(world, roomId, 1, 4)
    await eventually('5 messages', async () => seen.seqs(roomId).length === 5)
    expect(seen.seqs(roomId)).toEqual(range(1, 5))
    // (4 came over REST too: the page after 1 had it, and its live copy was dropped.)
    expect(seen.sources).toEqual(['1:live', '2:history', '3:history', '4:history', '5:live'])
    expect(log.count(`GET /v1/rooms/${roomId}/messages`)).toBe(1)
  })

  test("the lost last message of a quiet room is found by the periodic check of the rooms' last seqs", async () => {
    const { world, roomId } = await roomWith()
    const p = proxy({ serverFrame: (frame) => (isCreated(frame) && frame.json.seq === 2 ? [] : [frame.bytes]) })
    const client = clientOf(p.url, world.owner, { realtime: { auditMs: 200 } })
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    await postMessages(world, roomId, 2)
    await eventually('both messages', async () => seen.seqs(roomId).length === 2, 5_000)
    expect(seen.sources).toEqual(['1:live', '2:history'])
  })

  test("the ack of one's own send brings the message when its event is lost", async () => {
    const { world, roomId } = await roomWith()
    const p = proxy({ serverFrame: (frame) => (isCreated(frame) ? [] : [frame.bytes]) })
    const client = clientOf(p.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    client.realtime.send(roomId, { body: 'mine' })
    await eventually('the message', async () => seen.seqs(roomId).length === 1, 5_000)
    expect(seen.sources).toEqual(['1:history'])
  })

  test('messages arriving out of order are handed over in order', async () => {
    const { world, roomId } = await roomWith()
    let held: Uint8Array | undefined
    const p = proxy({
      serverFrame: (frame) => {
        if (isCreated(frame) && frame.json.seq === 1) return (held = frame.bytes), []
        if (isCreated(frame) && frame.json.seq === 2 && held) return [frame.bytes, held]
        return [frame.bytes]
      },
    })
    const log = new FetchLog()
    const client = clientOf(p.url, world.owner, { fetch: log.fetch, realtime: { gapWaitMs: 2_000 } })
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    await postMessages(world, roomId, 2)
    await eventually('2 messages', async () => seen.seqs(roomId).length === 2)
    expect(seen.sources).toEqual(['1:live', '2:live'])
    expect(log.count(`GET /v1/rooms/${roomId}/messages`)).toBe(0)
  })

  test('a resync (more missed than the server replays) pages the history over REST, then goes on live', async () => {
    const { world, roomId } = await roomWith()
    const MISSED = 5_150 // beyond the server's replay limit (5000)
    await app.res.db.execute(sql`
      insert into messages (id, room_id, seq, author_id, nonce, body)
      select gen_random_uuid(), ${roomId}, g, ${world.owner.id}, 'bulk-' || g, 'bulk ' || g from generate_series(1, ${MISSED}) g`)
    await app.res.db.execute(sql`
      insert into room_state (room_id, last_seq) values (${roomId}, ${MISSED})
      on conflict (room_id) do update set last_seq = excluded.last_seq`)
    const log = new FetchLog()
    const client = clientOf(app.url, world.owner, { fetch: log.fetch })
    const seen = record(client)
    const resyncs: EventMap['subscription.resync'][] = []
    client.realtime.onEvent('subscription.resync', (data) => resyncs.push(data))
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    await postMessages(world, roomId, 2, MISSED)
    await eventually('every message', async () => seen.seqs(roomId).length === MISSED + 2, 30_000)
    expect(resyncs).toEqual([{ roomId, sinceSeq: 0, lastSeq: MISSED, limit: 5000 }])
    expect(seen.seqs(roomId)).toEqual(range(1, MISSED + 2))
    // 100 a page; the last page may also carry the two sent after the subscribe.
    expect(log.count(`GET /v1/rooms/${roomId}/messages`)).toBe(Math.ceil(MISSED / 100))
  }, 60_000)

  test('a room the user loses access to is dropped and the app told', async () => {
    const { world, roomId } = await roomWith()
    const member = await world.join()
    const client = clientOf(app.url, member)
    const revoked: string[] = []
    client.realtime.onEvent('subscription.revoked', (data) => revoked.push(data.roomId))
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    await world.overwrite({ room: roomId }, { member: member.id }, { deny: ['view'] })
    await eventually('revoked', async () => revoked.length === 1)
    expect(client.realtime.rooms).toEqual([])
  })

  test('subscribing to a room one cannot see is refused with the server code', async () => {
    const { roomId } = await roomWith()
    const outsider = await registerUser(app.http)
    const client = clientOf(app.url, outsider)
    client.realtime.connect()
    const error = await client.realtime.subscribe(roomId).catch((e) => e)
    expect(error.code).toBe('not_found')
    expect(client.realtime.rooms).toEqual([])
  })
})

describe('typed events', () => {
  test('message.updated carries the whole message, absent fields filled with their defaults', async () => {
    const { world, roomId } = await roomWith()
    const client = clientOf(app.url, world.owner)
    const updates: EventMap['message.updated'][] = []
    client.realtime.onEvent('message.updated', (data) => updates.push(data))
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    const sent = await client.realtime.settled(client.realtime.send(roomId, { body: 'first' }).nonce)
    await client.realtime.edit(sent!.messageId!, 'second')
    await eventually('an update', async () => updates.length === 1)
    const { message } = updates[0]!
    expect([message.id, message.roomId, message.seq, message.body, message.replyTo, message.attachments, message.kind]).toEqual([
      sent!.messageId!,
      roomId,
      1,
      'second',
      null,
      [],
      'text',
    ])
    expect(message.editedAt).toBeString()
  })

  test('a live message has the same shape as the same message from history', async () => {
    const { world, roomId } = await roomWith()
    const client = clientOf(app.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    client.realtime.send(roomId, { body: 'hello' })
    await eventually('the message', async () => seen.seqs(roomId).length === 1)
    const history = ok(await app.http.get(`/v1/rooms/${roomId}/messages`, world.as(world.owner))).body.messages
    expect(seen.messages.get(roomId)).toEqual(history)
  })

  test('reactions and typing arrive typed', async () => {
    const { world, roomId } = await roomWith()
    const member = await world.join()
    const owner = clientOf(app.url, world.owner)
    const other = clientOf(app.url, member)
    const reactions: EventMap['reaction.added'][] = []
    const typing: EventMap['typing'][] = []
    owner.realtime.onEvent('reaction.added', (d) => reactions.push(d))
    owner.realtime.onEvent('typing', (d) => typing.push(d))
    owner.realtime.connect()
    other.realtime.connect()
    await owner.realtime.subscribe(roomId, { sinceSeq: 0 })
    await other.realtime.subscribe(roomId, { sinceSeq: 0 })
    const sent = await owner.realtime.settled(owner.realtime.send(roomId, { body: 'react to me' }).nonce)
    await other.realtime.react(sent!.messageId!, '👍')
    await other.realtime.typing(roomId)
    await eventually('both events', async () => reactions.length === 1 && typing.length === 1)
    expect(reactions[0]).toEqual({ messageId: sent!.messageId!, userId: member.id, emoji: '👍', count: 1 })
    expect(typing[0]!.userId).toBe(member.id)
  })
})

describe('community events', () => {
  test('member.joined reaches the members of the community, typed', async () => {
    const { world } = await roomWith()
    const client = clientOf(app.url, world.owner)
    const joined: EventMap['member.joined'][] = []
    client.realtime.onEvent('member.joined', (data) => joined.push(data))
    client.realtime.connect()
    await eventually('open', async () => client.realtime.state === 'open')
    const newcomer = await world.join()
    await eventually('the event', async () => joined.length === 1)
    expect(joined[0]).toEqual({ communityId: world.id, userId: newcomer.id, via: 'invite' })
  })
})

describe('the outbox', () => {
  test('a send goes pending, then sent with its id and seq', async () => {
    const { world, roomId } = await roomWith()
    const client = clientOf(app.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    const entry = client.realtime.send(roomId, { body: 'hi', nonce: 'n-1' })
    expect([entry.state, entry.nonce]).toEqual(['pending', 'n-1'])
    const done = await client.realtime.settled('n-1')
    expect([done?.state, done?.seq, typeof done?.messageId]).toEqual(['sent', 1, 'string'])
    expect(seen.trail('n-1')).toEqual(['pending', 'sent'])
    expect(client.realtime.outbox).toEqual([])
  })

  test('sends made while disconnected stay pending, then go in order once the socket is back', async () => {
    const { world, roomId } = await roomWith()
    const p = proxy()
    p.refuse(true)
    const client = clientOf(p.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    const nonces = ['a', 'b', 'c'].map((n) => client.realtime.send(roomId, { body: n, nonce: n }).nonce)
    await Bun.sleep(150)
    expect(client.realtime.outbox.map((e) => e.state)).toEqual(['pending', 'pending', 'pending'])
    p.refuse(false)
    const settled = await Promise.all(nonces.map((n) => client.realtime.settled(n)))
    expect(settled.map((e) => [e?.state, e?.seq])).toEqual([
      ['sent', 1],
      ['sent', 2],
      ['sent', 3],
    ])
    for (const n of nonces) expect(seen.trail(n)).toEqual(['pending', 'sent'])
  })

  test('a send whose ack and echo were lost is sent again after the reconnect, and committed once', async () => {
    const { world, roomId } = await roomWith()
    let first: number | undefined
    const p = proxy({
      serverFrame: (frame, conn) => {
        const f = frame.json
        const mine = (f?.op === 'ack' && f.messageId) || (isCreated(frame) && f.data.message.nonce === 'lost-ack')
        if (!mine) return [frame.bytes]
        first ??= conn.id
        if (conn.id !== first) return [frame.bytes]
        setTimeout(() => conn.cut(), 30) // the ack and the echo never reach the client; then the line drops
        return []
      },
    })
    const client = clientOf(p.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    client.realtime.send(roomId, { body: 'once', nonce: 'lost-ack' })
    const done = await client.realtime.settled('lost-ack')
    expect([done?.state, done?.seq, done?.attempts]).toEqual(['sent', 1, 2])
    expect(seen.trail('lost-ack')).toEqual(['pending', 'sent'])
    await eventually('the message', async () => seen.seqs(roomId).length === 1)
    const history = ok(await app.http.get(`/v1/rooms/${roomId}/messages`, world.as(world.owner))).body.messages
    expect(history.map((m: { nonce: string }) => m.nonce)).toEqual(['lost-ack'])
    await Bun.sleep(100)
    expect(seen.seqs(roomId)).toEqual([1])
  })

  test('a send the server refuses fails with its code, and can be retried or discarded', async () => {
    const { world, roomId } = await roomWith()
    const client = clientOf(app.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    const tooLong = client.realtime.send(roomId, { body: 'x'.repeat(4001), nonce: 'too-long' })
    const failed = await client.realtime.settled(tooLong.nonce)
    expect([failed?.state, failed?.error?.code]).toEqual(['failed', 'validation_failed'])
    expect(client.realtime.outbox.map((e) => [e.nonce, e.state])).toEqual([['too-long', 'failed']])
    client.realtime.retry('too-long')
    expect((await client.realtime.settled('too-long'))?.state).toBe('failed')
    expect(seen.trail('too-long')).toEqual(['pending', 'failed', 'pending', 'failed'])
    client.realtime.discard('too-long')
    expect(client.realtime.outbox).toEqual([])
  })

  test('a send into a room the user cannot see fails as not found', async () => {
    const { roomId } = await roomWith()
    const outsider = await registerUser(app.http)
    const client = clientOf(app.url, outsider)
    client.realtime.connect()
    const entry = client.realtime.send(roomId, { body: 'let me in' })
    const failed = await client.realtime.settled(entry.nonce)
    expect([failed?.state, failed?.error?.code]).toEqual(['failed', 'not_found'])
  })

  test('sends refused as rate limited wait, then go one at a time, until every one is sent (the socket is not closed)', async () => {
    const limited = await startTestApp({ WS_RATE_LIMIT: '6/1' })
    const world = await newCommunity(limited.http)
    const room = await world.room('r')
    const client = clientOf(limited.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    await eventually('open', async () => client.realtime.state === 'open')
    const nonces = Array.from({ length: 16 }, (_, i) => client.realtime.send(room.id, { body: `burst ${i}`, nonce: `b${i}` }).nonce)
    const settled = await Promise.all(nonces.map((n) => client.realtime.settled(n)))
    expect(settled.map((e) => e?.state)).toEqual(Array(16).fill('sent'))
    expect(seen.states.map((s) => s.state)).toEqual(['connecting', 'open'])
    const history = ok(await limited.http.get(`/v1/rooms/${room.id}/messages`, world.as(world.owner))).body.messages
    expect(history.map((m: { body: string }) => m.body)).toEqual(nonces.map((_, i) => `burst ${i}`))
    await limited.stop()
  }, 30_000)

  test('the same nonce twice is one entry and one message', async () => {
    const { world, roomId } = await roomWith()
    const client = clientOf(app.url, world.owner)
    client.realtime.connect()
    const a = client.realtime.send(roomId, { body: 'dup', nonce: 'same' })
    const b = client.realtime.send(roomId, { body: 'dup', nonce: 'same' })
    expect(a).toEqual(b)
    await client.realtime.settled('same')
    const history = ok(await app.http.get(`/v1/rooms/${roomId}/messages`, world.as(world.owner))).body.messages
    expect(history).toHaveLength(1)
  })
})

describe('backoff', () => {
  test('full jitter: each wait is between 0 and the ceiling, which doubles up to the cap', () => {
    const at = (r: number) => {
      const b = new Backoff({ baseMs: 100, capMs: 1000, random: () => r })
      return Array.from({ length: 6 }, () => b.next())
    }
    expect(at(0)).toEqual([0, 0, 0, 0, 0, 0])
    expect(at(1)).toEqual([100, 200, 400, 800, 1000, 1000])
    expect(at(0.5)).toEqual([50, 100, 200, 400, 500, 500])
  })

  test('reconnect waits against a server that is down stay within the ceilings', async () => {
    const { world } = await roomWith()
    const p = proxy()
    p.refuse(true)
    const client = clientOf(p.url, world.owner, { realtime: { baseMs: 10, capMs: 80, random: () => 1 } })
    const seen = record(client)
    client.realtime.connect()
    await eventually('6 attempts', async () => seen.states.filter((s) => s.state === 'reconnecting').length >= 6)
    client.realtime.close()
    const waits = seen.states.filter((s) => s.state === 'reconnecting').map((s) => s.delayMs)
    expect(waits.slice(0, 6)).toEqual([10, 20, 40, 80, 80, 80])
  })

  test('a connection that stays open for the stable time resets the backoff', async () => {
    const { world } = await roomWith()
    const p = proxy()
    p.refuse(true)
    const client = clientOf(p.url, world.owner, { realtime: { baseMs: 10, capMs: 80, stableMs: 300, random: () => 1 } })
    const seen = record(client)
    client.realtime.connect()
    await eventually('4 attempts', async () => seen.states.filter((s) => s.state === 'reconnecting').length >= 4)
    p.refuse(false)
    await eventually('open', async () => client.realtime.state === 'open')
    expect(client.realtime.reconnectAttempts).toBeGreaterThan(0)
    await eventually('reset', async () => client.realtime.reconnectAttempts === 0, 2_000)
    const before = seen.states.length
    p.cutAll()
    await eventually('reconnecting', async () => seen.states.slice(before).some((s) => s.state === 'reconnecting'))
    expect(seen.states.slice(before).find((s) => s.state === 'reconnecting')?.delayMs).toBe(10)
  })
})

describe('close codes', () => {
  test('4001: the client refreshes its token, then reconnects at once', async () => {
    const user = await registerUser(app.http)
    const log = new FetchLog()
    const client = clientOf(app.url, { ...user, accessToken: tampered(user.accessToken) }, { fetch: log.fetch })
    const seen = record(client)
    client.realtime.connect()
    await eventually('open on a fresh token', async () => client.realtime.state === 'open' && seen.states.some((s) => s.code === 4001))
    expect(log.count('POST /v1/auth/refresh')).toBe(1)
    const closed = seen.states.find((s) => s.code === 4001)!
    expect([closed.state, closed.delayMs]).toEqual(['reconnecting', 0])
    expect(seen.states.filter((s) => s.state === 'reconnecting').map((s) => s.delayMs)).toEqual([0, 0])
  })

  test('4008: the client backs off (at least the rate-limited wait)', async () => {
    const limited = await startTestApp({ WS_MAX_SOCKETS_PER_USER: '1' })
    const user = await registerUser(limited.http)
    const other = await WsClient.open(limited.wsUrl, user.accessToken)
    // Its token checked and its place taken before the client comes (open is before that:
    // a client whose check finished first took the only place, and never saw a 4008).
    await other.request('ping')
    const client = clientOf(limited.url, user, { realtime: { rateLimitedMinMs: 400 } })
    const seen = record(client)
    client.realtime.connect()
    await eventually('a 4008', async () => seen.states.some((s) => s.code === CloseCode.rateLimited))
    const closed = seen.states.find((s) => s.code === CloseCode.rateLimited)!
    expect(closed.state).toBe('reconnecting')
    expect(closed.delayMs).toBeGreaterThanOrEqual(400)
    other.close()
    await eventually('open once the other socket is gone', async () => client.realtime.state === 'open', 5_000)
    const opened = seen.states.slice(seen.states.indexOf(closed)).find((s) => s.state === 'open')!
    expect(opened.at - closed.at).toBeGreaterThanOrEqual(390)
    await limited.stop()
  }, 15_000) // its own app, then the backoff after each 4008: 2.7-3.2 s alone, 5.1 s once in a full run (over Bun's 5 s default)

  test.each([
    [CloseCode.tooSlow, 'too slow to read'],
    [CloseCode.goingAway, 'server going away'],
  ])('%d: the client reconnects at once (no backoff wait), and resumes', async (code, reason) => {
    const { world, roomId } = await roomWith()
    const p = proxy()
    const client = clientOf(p.url, world.owner, { realtime: { baseMs: 1000, capMs: 5000 } })
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    await postMessages(world, roomId, 2)
    await eventually('2 messages', async () => seen.seqs(roomId).length === 2)
    p.closeClients(code, reason)
    await postMessages(world, roomId, 2, 2)
    await eventually('4 messages', async () => seen.seqs(roomId).length === 4, 10_000)
    const closed = seen.states.find((s) => s.code === code)!
    expect([closed.state, closed.delayMs]).toEqual(['reconnecting', 0])
    expect(seen.seqs(roomId)).toEqual([1, 2, 3, 4])
  })

  test('a server that closes every new socket with 4012 is not hammered: the second close in a row backs off', async () => {
    const { world } = await roomWith()
    const p = proxy({ serverFrame: (_frame, conn) => (conn.closeClient(CloseCode.goingAway, 'going away'), []) })
    const client = clientOf(p.url, world.owner, { realtime: { baseMs: 200, capMs: 200, random: () => 1 } })
    const seen = record(client)
    client.realtime.connect()
    await eventually('two closes', async () => seen.states.filter((s) => s.code === CloseCode.goingAway).length >= 2)
    client.realtime.close()
    const waits = seen.states.filter((s) => s.code === CloseCode.goingAway).map((s) => s.delayMs)
    expect(waits.slice(0, 2)).toEqual([0, 200])
  })

  test('a socket that stops answering is given up after the heartbeat timeout, and replaced', async () => {
    const { world, roomId } = await roomWith()
    let silent = false
    const p = proxy({ serverFrame: (frame) => (silent ? [] : [frame.bytes]) })
    const client = clientOf(p.url, world.owner, { realtime: { heartbeatMs: 100, heartbeatTimeoutMs: 150 } })
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(roomId, { sinceSeq: 0 })
    silent = true
    await eventually('given up', async () => seen.states.some((s) => s.code === 4000), 10_000)
    silent = false
    await postMessages(world, roomId, 1)
    await eventually('the message on the new socket', async () => seen.seqs(roomId).length === 1, 10_000)
  })
})

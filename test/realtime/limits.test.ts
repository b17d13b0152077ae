import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { SignJWT } from 'jose'
import { createLogger } from '../../src/lib/log'
import { startTestApp } from '../helpers/app'
import { newCommunity, ok } from '../helpers/community'
import { WsClient } from '../helpers/ws'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

// Tight limits so the tests reach them quickly.
const app = await startTestApp({ WS_RATE_LIMIT: '10/10', WS_MAX_VIOLATIONS: '5' })
// A generous op budget but a small send buffer: only backpressure can close a socket here.
const firehose = await startTestApp({ WS_RATE_LIMIT: '100000/1', WS_MAX_BUFFERED_BYTES: '65536' })
const { http } = app
const open: WsClient[] = []
const connect = async (token: string, on = app) => {
  const c = await WsClient.open(on.wsUrl, token)
  open.push(c)
  return c
}
afterEach(() => {
  for (const c of open.splice(0)) c.close()
})

describe('slow mode', () => {
  test('one message per interval for members; moderators exempt; a retry of a sent nonce passes', async () => {
    const w = await newCommunity(http)
    const room = await w.room('slow')
    const m = await w.join()
    const c = await connect(m.accessToken)
    // Sent (and the room's rules cached) before slow mode is on; the change applies at once.
    expect((await c.request('send', { roomId: room.id, nonce: 'early', body: 'before' })).op).toBe('ack')
    ok(await http.patch(`/v1/rooms/${room.id}`, { slowModeSeconds: 30 }, w.as(w.owner)))
    const first = await c.request('send', { roomId: room.id, nonce: 'a', body: 'first' })
    expect(first.op).toBe('ack')
    const second = await c.request('send', { roomId: room.id, nonce: 'b', body: 'too soon' })
    expect(second).toMatchObject({ op: 'error', code: 'rate_limited' })
    expect(second.retryAfter).toBeGreaterThan(20)
    expect(await c.request('send', { roomId: room.id, nonce: 'a', body: 'first' })).toMatchObject({ op: 'ack', seq: first.seq, duplicate: true })
    const owner = await connect(w.owner.accessToken)
    for (let i = 0; i < 3; i++) expect((await owner.request('send', { roomId: room.id, nonce: `o${i}`, body: 'mod' })).op).toBe('ack')
    const rest = await http.post(`/v1/rooms/${room.id}/messages`, { body: 'rest too', nonce: 'c' }, w.as(m))
    expect(rest.status).toBe(429)
    expect(Number(rest.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('slow mode spends only on messages that were sent', () => {
  test.each([
    ['a reply to a message that does not exist', { replyTo: '00000000-0000-4000-8000-000000000000' }],
    ['@everyone without mention_everyone', { body: 'hey @everyone' }],
    ['a word an automod rule blocks', { body: 'this is forbidden' }],
  ])('a send refused for %s leaves the next one free', async (_n, change) => {
    const w = await newCommunity(http)
    const room = await w.room('slow')
    const m = await w.join()
    ok(await http.patch(`/v1/rooms/${room.id}`, { slowModeSeconds: 600 }, w.as(w.owner)))
    await w.overwrite({ room: room.id }, { role: await w.defaultRoleId() }, { deny: ['mention_everyone'] })
    const rule = { name: 'no forbidden', trigger: { kind: 'keywords', terms: ['forbidden'] }, action: { kind: 'block' } }
    ok(await http.post(`/v1/communities/${w.id}/automod/rules`, rule, w.as(w.owner)), 201)
    const refused = await http.post(`/v1/rooms/${room.id}/messages`, { body: 'first try', nonce: 'a', ...change }, w.as(m))
    expect([403, 404, 422]).toContain(refused.status)
    ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'second try', nonce: 'b' }, w.as(m)), 201)
    expect((await http.post(`/v1/rooms/${room.id}/messages`, { body: 'too soon', nonce: 'c' }, w.as(m))).status).toBe(429)
  })
})

describe('op budget', () => {
  test('ops past the budget are refused; persisting closes the socket with 4008', async () => {
    const w = await newCommunity(http)
    const c = await connect(w.owner.accessToken)
    const answers = await Promise.all(Array.from({ length: 12 }, () => c.request('ping').catch(() => ({ op: 'none' }))))
    expect(answers.filter((a) => a.op === 'pong').length).toBeLessThanOrEqual(10)
    expect(answers.some((a) => a.op === 'error' && a.code === 'rate_limited')).toBe(true)
    for (let i = 0; i < 10; i++) c.send({ op: 'ping', id: `f${i}` })
    expect(await c.closed()).toBe(4008)
  })

  test('malformed frames spend the budget too: a flood of them closes the socket with 4008', async () => {
    const w = await newCommunity(http)
    const c = await connect(w.owner.accessToken)
    for (let i = 0; i < 40; i++) c.socket.send(i % 2 ? 'not json' : JSON.stringify({ op: 'no-such-op', id: `m${i}` }))
    expect(await c.closed()).toBe(4008)
  })
})

describe('sockets per user', () => {
  test('past WS_MAX_SOCKETS_PER_USER the next socket is closed with 4008; the open ones stay, others are unaffected', async () => {
    const capped = await startTestApp({ WS_MAX_SOCKETS_PER_USER: '3' })
    try {
      const w = await newCommunity(capped.http)
      const member = await w.join()
      const open = await Promise.all(Array.from({ length: 3 }, () => connect(w.owner.accessToken, capped)))
      for (const c of open) await c.request('ping') // each answered: each is registered
      const fourth = await connect(w.owner.accessToken, capped)
      expect(await fourth.closed()).toBe(4008)
      expect((await open[0]!.request('ping')).op).toBe('pong')
      expect((await (await connect(member.accessToken, capped)).request('ping')).op).toBe('pong')
      open[1]!.close()
      await Bun.sleep(100)
      expect((await (await connect(w.owner.accessToken, capped)).request('ping')).op).toBe('pong')
    } finally {
      await capped.stop()
    }
  })
})

describe('tokens on a live socket', () => {
  const shortToken = async (userId: string, seconds: number) =>
    new SignJWT({ sid: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'EdDSA', kid: app.res.keys.kid })
      .setSubject(userId)
      .setIssuer(app.res.config.jwt.issuer)
      .setAudience(app.res.config.jwt.audience)
      .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
      .sign(app.res.keys.privateKey)

  test('the socket closes with 4001 when its token expires', async () => {
    const w = await newCommunity(http)
    // exp has whole seconds: 2 s from now is 1–2 s of life, never a token already spent on arrival.
    const c = await connect(await shortToken(w.owner.id, 2))
    expect((await c.request('ping')).op).toBe('pong')
    expect(await c.closed(5000)).toBe(4001)
  })

  test('an auth op with a fresh token keeps it open; a token of another user is refused', async () => {
    const w = await newCommunity(http)
    const other = await w.join()
    const c = await connect(await shortToken(w.owner.id, 2))
    expect(await c.request('auth', { token: other.accessToken })).toMatchObject({ op: 'error', code: 'forbidden' })
    expect(await c.request('auth', { token: w.owner.accessToken })).toMatchObject({ op: 'ack' })
    await Bun.sleep(2500)
    expect(c.closeCode).toBeUndefined()
    expect((await c.request('ping')).op).toBe('pong')
  })
})

describe('backpressure', () => {
  test('a reader that cannot keep up is closed with 4009; the others keep receiving', async () => {
    const w = await newCommunity(firehose.http)
    const room = await w.room('firehose')
    const slow = await w.join()
    const fast = await w.join()
    // The slow reader is another process that subscribes, then stops reading.
    const child = Bun.spawn(['bun', '-e', slowReaderScript(firehose.wsUrl, slow.accessToken, room.id)], { stdout: 'pipe', stderr: 'inherit' })
    try {
      const reader = child.stdout.getReader()
      const { value } = await reader.read()
      expect(new TextDecoder().decode(value)).toContain('subscribed')
      const f = await connect(fast.accessToken, firehose)
      await f.request('subscribe', { roomId: room.id })
      expect(firehose.hearth.realtime.gateway.connections).toBe(2)
      const sender = await connect(w.owner.accessToken, firehose)
      const body = 'x'.repeat(3900)
      const total = 4000
      for (let i = 0; i < total; i += 200) {
        await Promise.all(Array.from({ length: 200 }, (_, j) => sender.request('send', { roomId: room.id, nonce: `b${i + j}`, body }, 10_000)))
      }
      const got = await f.waitForEvents('message.created', total, 20_000)
      expect(got).toHaveLength(total)
      const deadline = Date.now() + 5000
      while (firehose.hearth.realtime.gateway.connections > 2 && Date.now() < deadline) await Bun.sleep(50)
      // The fast reader and the sender remain; the slow reader was closed for being too slow.
      expect(firehose.hearth.realtime.gateway.connections).toBe(2)
      expect(firehose.hearth.realtime.gateway.closes.tooSlow).toBe(1)
      expect(firehose.hearth.realtime.gateway.closes.tooSlow).toBe(1)
    } finally {
      child.kill('SIGKILL')
    }
  }, 60_000)
})

describe('after a storm of opens', () => {
  test('the node collects its garbage once, when the opens stop, and not again while it stays quiet', async () => {
    const lines: string[] = []
    const stormy = await startTestApp({ WS_GC_AFTER_OPENS: '20', WS_MAX_SOCKETS_PER_USER: '50' }, { log: createLogger('info', {}, (line) => lines.push(line)) })
    const collections = () => lines.filter((l) => l.includes('collected garbage after a storm')).map((l) => JSON.parse(l))
    try {
      const w = await newCommunity(stormy.http)
      // Opens that fail authentication do not count: a flood of bad tokens cannot make the node collect.
      const refused = await Promise.all(Array.from({ length: 25 }, () => connect('not-a-token', stormy)))
      for (const c of refused) expect(await c.closed()).toBe(4001)
      await Bun.sleep(2500)
      expect(collections()).toEqual([])
      const sockets = await Promise.all(Array.from({ length: 25 }, () => connect(w.owner.accessToken, stormy)))
      expect(collections()).toEqual([]) // not while sockets are still opening
      const deadline = Date.now() + 5000
      while (collections().length === 0 && Date.now() < deadline) await Bun.sleep(100)
      expect(collections()).toHaveLength(1)
      expect(collections()[0]).toMatchObject({ sockets: 25, pauseMs: expect.any(Number) })
      await Bun.sleep(2500)
      expect(collections()).toHaveLength(1)
      expect((await sockets[0]!.request('ping')).op).toBe('pong')
    } finally {
      await stormy.stop()
    }
  }, 20_000)
})

function slowReaderScript(wsUrl: string, token: string, roomId: string) {
  return `
    const ws = new WebSocket(${JSON.stringify(`${wsUrl}/ws?token=${token}`)})
    ws.onopen = () => ws.send(JSON.stringify({ op: 'subscribe', id: 's', roomId: ${JSON.stringify(roomId)} }))
    ws.onmessage = (e) => {
      if (String(e.data).includes('"ack"')) {
        console.log('subscribed')
        // Never read again: block this thread.
        setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000), 50)
      }
    }
  `
}

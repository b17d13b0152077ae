import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { MAX_REPLAY } from '../../src/realtime/session'
import { startTestApp } from '../helpers/app'
import { newCommunity, ok } from '../helpers/community'
import { WsClient } from '../helpers/ws'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp()
const { http } = app
const open: WsClient[] = []
const connect = async (token: string | undefined) => {
  const c = await WsClient.open(app.wsUrl, token)
  open.push(c)
  return c
}
afterEach(() => {
  for (const c of open.splice(0)) c.close()
})

async function chatRoom() {
  const w = await newCommunity(http)
  const room = await w.room('general')
  const alice = await w.join()
  const bob = await w.join()
  return { w, room, alice, bob }
}

describe('connecting', () => {
  test.each([
    ['no token', undefined],
    ['a garbage token', 'not-a-jwt'],
  ])('%s: closed with 4001', async (_n, token) => {
    const c = await connect(token)
    expect(await c.closed()).toBe(4001)
  })

  test('a plain GET of /ws (no upgrade) is a 400 that says what is expected', async () => {
    const res = await fetch(`${app.url}/ws?token=x`)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('WebSocket upgrade') })
  })

  test('ping is answered with pong', async () => {
    const { alice } = await chatRoom()
    const c = await connect(alice.accessToken)
    expect(await c.request('ping')).toEqual({ op: 'pong', id: expect.any(String) })
  })

  test('bad frames get clear errors and the socket stays usable', async () => {
    const { alice } = await chatRoom()
    const c = await connect(alice.accessToken)
    c.send('not json')
    expect(await c.next((f) => f.op === 'error')).toMatchObject({ code: 'bad_request' })
    expect(await c.request('fly')).toMatchObject({ op: 'error', code: 'bad_request' })
    expect(await c.request('subscribe', { roomId: 'nope' })).toMatchObject({ op: 'error', code: 'validation_failed' })
    const { room } = await chatRoom()
    expect(await c.request('subscribe', { roomId: room.id, sinceSeq: 1e20 })).toMatchObject({ op: 'error', code: 'validation_failed' })
    expect((await c.request('ping')).op).toBe('pong')
  })

  test('ids are lower case, as Hearth writes them: an upper-case copy is refused, never a second room', async () => {
    const { w, room, alice } = await chatRoom()
    const c = await connect(alice.accessToken)
    const upper = room.id.toUpperCase()
    expect(await c.request('send', { roomId: upper, nonce: 'u1', body: 'hi' })).toMatchObject({ op: 'error', code: 'validation_failed' })
    expect((await http.get(`/v1/rooms/${upper}/messages`, w.as(alice))).status).toBe(422)
    expect(await c.request('send', { roomId: room.id, nonce: 'u1', body: 'hi' })).toMatchObject({ op: 'ack', seq: 1 })
  })

  test('a frame over the size limit closes the socket', async () => {
    const { alice } = await chatRoom()
    const c = await connect(alice.accessToken)
    c.send({ op: 'ping', id: 'x', pad: 'x'.repeat(20 * 1024) })
    expect(await c.closed()).toBe(1009)
  })
})

describe('messages over the socket', () => {
  test('send is acked after commit with a seq; subscribers get it, in order', async () => {
    const { room, alice, bob } = await chatRoom()
    const a = await connect(alice.accessToken)
    const b = await connect(bob.accessToken)
    expect(await b.request('subscribe', { roomId: room.id })).toMatchObject({ op: 'ack', roomId: room.id, lastSeq: 0 })
    const acks = []
    for (let i = 1; i <= 3; i++) acks.push(await a.request('send', { roomId: room.id, nonce: `n${i}`, body: `hello ${i}` }))
    expect(acks.map((x) => x.seq)).toEqual([1, 2, 3])
    const got = await b.waitForEvents('message.created', 3)
    expect(got.map((e) => [e.seq, e.data.message.body, e.data.message.authorId])).toEqual([
      [1, 'hello 1', alice.id],
      [2, 'hello 2', alice.id],
      [3, 'hello 3', alice.id],
    ])
    // The message is in history, as committed.
    const history = ok(await http.get(`/v1/rooms/${room.id}/messages`, { token: bob.accessToken })).body.messages
    expect(history.map((m: any) => m.id)).toEqual(acks.map((x) => x.messageId))
    const metrics = (await http.get('/metrics')).body as string
    expect(metrics).toMatch(/hearth_ws_connections\{[^}]*\} [1-9]/)
    expect(metrics).toMatch(/hearth_ws_events_out_total\{[^}]*type="message.created"[^}]*\} [1-9]/)
    expect(metrics).toMatch(/hearth_fanout_latency_seconds_count\{[^}]*\} [1-9]/)
    expect(metrics).toMatch(/hearth_rooms_active\{[^}]*\} [1-9]/)
    expect(metrics).toMatch(/hearth_ws_frames_in_total\{[^}]*\} [1-9]/)
  })

  test('message.created carries what the reader uses: no nulls, no empty fields, not the room or seq the event carries', async () => {
    const { room, alice, bob } = await chatRoom()
    const a = await connect(alice.accessToken)
    const b = await connect(bob.accessToken)
    await b.request('subscribe', { roomId: room.id })
    const root = await a.request('send', { roomId: room.id, nonce: 'root', body: 'plain' })
    await a.request('send', { roomId: room.id, nonce: 'reply', body: 're', replyTo: root.messageId })
    const [plain, reply] = await b.waitForEvents('message.created', 2)
    expect(plain).toEqual({
      op: 'event',
      type: 'message.created',
      roomId: room.id,
      seq: 1,
      data: { message: { id: root.messageId, authorId: alice.id, nonce: 'root', body: 'plain', createdAt: expect.any(String) } },
    })
    expect(reply!.data.message).toMatchObject({ replyTo: root.messageId, threadRootId: root.messageId })
    // An edit carries the message's seq (the event has none) and when it was edited.
    await a.request('edit', { messageId: root.messageId, body: 'plain, edited' })
    const edited = (await b.event('message.updated')).data.message
    expect(edited).toMatchObject({ id: root.messageId, seq: 1, body: 'plain, edited', editedAt: expect.any(String) })
    expect(Object.values(edited)).not.toContain(null)
  })

  test('a retried send (same nonce) returns the original ack and no second message', async () => {
    const { room, alice, bob } = await chatRoom()
    const a = await connect(alice.accessToken)
    const b = await connect(bob.accessToken)
    await b.request('subscribe', { roomId: room.id })
    const first = await a.request('send', { roomId: room.id, nonce: 'same', body: 'once' })
    const again = await a.request('send', { roomId: room.id, nonce: 'same', body: 'once' })
    expect(again).toMatchObject({ messageId: first.messageId, seq: first.seq, duplicate: true })
    const rest = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'once', nonce: 'same' }, { token: alice.accessToken }), 201)
    expect(rest.body.id).toBe(first.messageId)
    await Bun.sleep(100)
    expect(b.events('message.created', room.id)).toHaveLength(1)
  })

  test('many concurrent senders: seqs gap-free, every subscriber sees the same order', async () => {
    const w = await newCommunity(http)
    const room = await w.room('busy')
    const people = await Promise.all(Array.from({ length: 8 }, () => w.join()))
    const sockets = await Promise.all(people.map((p) => connect(p.accessToken)))
    await Promise.all(sockets.map((s) => s.request('subscribe', { roomId: room.id })))
    const perSender = 15
    const acks = await Promise.all(
      sockets.map((s, i) => Promise.all(Array.from({ length: perSender }, (_, j) => s.request('send', { roomId: room.id, nonce: `${i}-${j}`, body: `m ${i}-${j}` })))),
    )
    const seqs = acks.flat().map((a) => a.seq).sort((x, y) => x - y)
    expect(seqs).toEqual(Array.from({ length: 8 * perSender }, (_, i) => i + 1))
    // Each socket's own messages were committed in the order it sent them.
    for (const mine of acks) expect(mine.map((a) => a.seq)).toEqual([...mine.map((a) => a.seq)].sort((x, y) => x - y))
    for (const s of sockets) {
      const got = await s.waitForEvents('message.created', 8 * perSender)
      expect(got.map((e) => e.seq)).toEqual(seqs)
    }
  })

  test('edits, deletes and reactions reach subscribers and history', async () => {
    const { w, room, alice, bob } = await chatRoom()
    const a = await connect(alice.accessToken)
    const b = await connect(bob.accessToken)
    await b.request('subscribe', { roomId: room.id })
    const sent = await a.request('send', { roomId: room.id, nonce: 'e1', body: 'typo' })
    expect(await a.request('edit', { messageId: sent.messageId, body: 'fixed' })).toMatchObject({ op: 'ack' })
    expect((await b.event('message.updated')).data.message.body).toBe('fixed')
    expect(await b.request('react', { messageId: sent.messageId, emoji: '👍', on: true })).toMatchObject({ count: 1 })
    expect((await a.request('react', { messageId: sent.messageId, emoji: '👍', on: true })).count).toBe(2)
    expect((await b.event('reaction.added')).data).toMatchObject({ emoji: '👍', userId: bob.id })
    // Timed out, Alice may not edit her own message either (editing is speaking).
    ok(await http.put(`/v1/communities/${w.id}/members/${alice.id}/timeout`, { seconds: 60 }, w.as(w.owner)))
    expect(await a.request('edit', { messageId: sent.messageId, body: 'sneaky' })).toMatchObject({ op: 'error', code: 'missing_permission' })
    ok(await http.put(`/v1/communities/${w.id}/members/${alice.id}/timeout`, { seconds: 0 }, w.as(w.owner)))
    // Bob cannot edit or delete Alice's message.
    expect(await b.request('edit', { messageId: sent.messageId, body: 'mine now' })).toMatchObject({ op: 'error', code: 'forbidden' })
    expect(await b.request('delete', { messageId: sent.messageId })).toMatchObject({ op: 'error', code: 'missing_permission' })
    await a.request('delete', { messageId: sent.messageId })
    expect((await b.event('message.deleted')).data.messageId).toBe(sent.messageId)
    const [tomb] = ok(await http.get(`/v1/rooms/${room.id}/messages`, { token: bob.accessToken })).body.messages
    expect(tomb).toMatchObject({ id: sent.messageId, body: '', deletedAt: expect.any(String) })
  })

  test('resume after a disconnect: sinceSeq replays exactly what was missed, then live', async () => {
    const { room, alice, bob } = await chatRoom()
    const a = await connect(alice.accessToken)
    let b = await connect(bob.accessToken)
    await b.request('subscribe', { roomId: room.id })
    for (let i = 1; i <= 3; i++) await a.request('send', { roomId: room.id, nonce: `x${i}`, body: `before ${i}` })
    await b.waitForEvents('message.created', 3)
    b.close()
    for (let i = 4; i <= 7; i++) await a.request('send', { roomId: room.id, nonce: `x${i}`, body: `missed ${i}` })
    b = await connect(bob.accessToken)
    const ack = await b.request('subscribe', { roomId: room.id, sinceSeq: 3 })
    expect(ack.lastSeq).toBe(7)
    const sending = a.request('send', { roomId: room.id, nonce: 'x8', body: 'live 8' })
    await sending
    const got = await b.waitForEvents('message.created', 5)
    expect(got.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8])
  })
})

describe('a resume from past the end of the room', () => {
  test("a sinceSeq beyond the room's last seq stops no one else's live messages", async () => {
    const { room, alice, bob } = await chatRoom()
    const a = await connect(alice.accessToken)
    await a.request('subscribe', { roomId: room.id })
    await a.request('send', { roomId: room.id, nonce: 'e1', body: 'one' })
    await a.event('message.created')
    const b = await connect(bob.accessToken)
    expect(await b.request('subscribe', { roomId: room.id, sinceSeq: Number.MAX_SAFE_INTEGER })).toMatchObject({ op: 'ack', lastSeq: 1 })
    await a.request('send', { roomId: room.id, nonce: 'e2', body: 'two' })
    expect((await a.event('message.created', 3000)).seq).toBe(2)
  })
})

describe('a long absence', () => {
  test('more than MAX_REPLAY missed: no replay but a resync event (page over REST), then live; less: replayed', async () => {
    const { room, alice, bob } = await chatRoom()
    const total = MAX_REPLAY + 2
    for (let start = 0; start < total; start += 500) {
      const n = Math.min(500, total - start)
      await Promise.all(Array.from({ length: n }, (_, i) => app.hearth.api('messages').send(alice.id, room.id, { nonce: `l${start + i}`, body: 'x' })))
    }
    const b = await connect(bob.accessToken)
    expect(await b.request('subscribe', { roomId: room.id, sinceSeq: 1 })).toMatchObject({ op: 'ack', lastSeq: total })
    const resync = await b.event('subscription.resync', 5000)
    expect(resync).toMatchObject({ roomId: room.id, data: { roomId: room.id, sinceSeq: 1, lastSeq: total, limit: MAX_REPLAY } })
    const a = await connect(alice.accessToken)
    await a.request('send', { roomId: room.id, nonce: 'after', body: 'live' })
    const [live] = await b.waitForEvents('message.created', 1)
    expect(live.seq).toBe(total + 1)
    expect(b.frames.filter((f) => f.type === 'message.created')).toHaveLength(1)
    // Subscribing again on the same socket: the ack, nothing replayed and no second resync.
    expect(await b.request('subscribe', { roomId: room.id, sinceSeq: 1 })).toMatchObject({ op: 'ack', lastSeq: total + 1 })
    expect((await b.request('ping')).op).toBe('pong')
    expect(b.events('subscription.resync')).toHaveLength(1)
    expect(b.frames.filter((f) => f.type === 'message.created')).toHaveLength(1)

    const c = await connect(bob.accessToken)
    await c.request('subscribe', { roomId: room.id, sinceSeq: total - 10 })
    expect((await c.waitForEvents('message.created', 11)).map((e) => e.seq)).toEqual(Array.from({ length: 11 }, (_, i) => total - 9 + i))
  }, 60_000)
})

describe('permissions per op', () => {
  test.each([
    ['subscribe to a hidden room', 'view', async (s: any) => s.c.request('subscribe', { roomId: s.room.id }), 'not_found'],
    ['send without send', 'send', async (s: any) => s.c.request('send', { roomId: s.room.id, nonce: 'p1', body: 'hi' }), 'missing_permission'],
    ['attach without attach', 'attach', async (s: any) => s.c.request('send', { roomId: s.room.id, nonce: 'p2', body: 'file', attachments: [crypto.randomUUID()] }), 'missing_permission'],
    ['@everyone without mention_everyone', 'mention_everyone', async (s: any) => s.c.request('send', { roomId: s.room.id, nonce: 'p3', body: 'hey @everyone' }), 'missing_permission'],
    ['react without react', 'react', async (s: any) => s.c.request('react', { messageId: s.msg, emoji: '🎉', on: true }), 'missing_permission'],
    ['typing without send', 'send', async (s: any) => s.c.request('typing', { roomId: s.room.id }), 'missing_permission'],
  ])('%s is refused', async (_n, denied, attempt, code) => {
    const { w, room, alice, bob } = await chatRoom()
    const first = await connect(alice.accessToken)
    const msg = (await first.request('send', { roomId: room.id, nonce: 'seed', body: 'seed' })).messageId
    const everyone = await w.defaultRoleId()
    await w.overwrite({ room: room.id }, { member: bob.id }, { deny: [denied] })
    if (denied === 'mention_everyone') await w.overwrite({ room: room.id }, { role: everyone }, { deny: ['mention_everyone'] })
    const c = await connect(bob.accessToken)
    const answer = await attempt({ c, room, msg })
    expect(answer).toMatchObject({ op: 'error', code })
  })

  test("a room's events never reach a socket that is not subscribed and allowed", async () => {
    const w = await newCommunity(http)
    const open = await w.room('open')
    const secret = await w.room('secret', { private: true })
    const insider = await w.join()
    const outsider = await w.join()
    ok(await http.post(`/v1/rooms/${secret.id}/members`, { userId: insider.id }, w.as(w.owner)), 201)
    const i = await connect(insider.accessToken)
    const o = await connect(outsider.accessToken)
    await i.request('subscribe', { roomId: secret.id })
    expect(await o.request('subscribe', { roomId: secret.id })).toMatchObject({ op: 'error', code: 'not_found' })
    await o.request('subscribe', { roomId: open.id })
    const ownerSocket = await connect(w.owner.accessToken)
    await ownerSocket.request('send', { roomId: secret.id, nonce: 's1', body: 'top secret' })
    await ownerSocket.request('typing', { roomId: secret.id })
    await i.waitForEvents('message.created', 1)
    await Bun.sleep(100)
    expect(JSON.stringify(o.frames)).not.toContain('top secret')
    expect(o.frames.filter((f) => f.roomId === secret.id)).toEqual([])
  })

  test('losing access ends the live subscription at once', async () => {
    const { w, room, alice, bob } = await chatRoom()
    const b = await connect(bob.accessToken)
    await b.request('subscribe', { roomId: room.id })
    await w.overwrite({ room: room.id }, { member: bob.id }, { deny: ['view'] })
    expect((await b.event('subscription.revoked')).roomId).toBe(room.id)
    const a = await connect(alice.accessToken)
    await a.request('send', { roomId: room.id, nonce: 'after', body: 'you should not see this' })
    await Bun.sleep(100)
    expect(JSON.stringify(b.frames)).not.toContain('you should not see this')
  })
})

describe('a block in an existing DM', () => {
  test('sends, edits, reactions and typing of either person answer an error frame (blocked); reading and subscribing stay allowed', async () => {
    const { w, alice, bob } = await chatRoom()
    const dm = ok(await http.post('/v1/dms', { userIds: [bob.id] }, w.as(alice)), 201).body
    const a = await connect(alice.accessToken)
    const b = await connect(bob.accessToken)
    await b.request('subscribe', { roomId: dm.id })
    const sent = await a.request('send', { roomId: dm.id, nonce: 'w1', body: 'hi bob' })
    expect(sent).toMatchObject({ op: 'ack' })
    await b.event('message.created')
    ok(await http.put(`/v1/users/${alice.id}/block`, undefined, w.as(bob)), 204)
    for (const [c, nonce] of [[a, 'w2'], [b, 'w3']] as const) {
      expect(await c.request('send', { roomId: dm.id, nonce, body: 'are you there?' })).toMatchObject({ op: 'error', code: 'blocked' })
      expect(await c.request('react', { messageId: sent.messageId, emoji: '👍', on: true })).toMatchObject({ op: 'error', code: 'blocked' })
      expect(await c.request('typing', { roomId: dm.id })).toMatchObject({ op: 'error', code: 'blocked' })
    }
    expect(await a.request('edit', { messageId: sent.messageId, body: 'hi?' })).toMatchObject({ op: 'error', code: 'blocked' })
    expect(await a.request('subscribe', { roomId: dm.id })).toMatchObject({ op: 'ack' })
    expect(b.events('message.created', dm.id)).toHaveLength(1)
    expect(b.events('typing', dm.id)).toHaveLength(0)
  })
})

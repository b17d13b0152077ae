import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { users } from '../../src/db/schema'
import { startTestApp } from '../helpers/app'
import { newCommunity, ok } from '../helpers/community'
import { registerUser } from '../helpers/http'
import { WsClient } from '../helpers/ws'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp()
const { http } = app
const open: WsClient[] = []
const connect = async (token: string) => {
  const c = await WsClient.open(app.wsUrl, token)
  open.push(c)
  // Answered once the server has set the socket up (its topics joined): no event can slip past it after this.
  await c.request('ping')
  return c
}
afterEach(() => {
  for (const c of open.splice(0)) c.close()
})

const unreadOf = async (token: string, roomId: string) =>
  ok(await http.get('/v1/me/unread', { token })).body.rooms.find((r: any) => r.roomId === roomId)

describe('unread and receipts', () => {
  test('exact counts: others\' messages after the read cursor, mentions among them; own and deleted ones do not count', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const alice = await w.join()
    const bob = await w.join()
    const a = await connect(alice.accessToken)
    const send = (body: string, nonce: string, c = a) => c.request('send', { roomId: room.id, nonce, body })
    await send('one', '1')
    await send(`hey <@${bob.id}>`, '2')
    await send(`@${bob.username} again`, '3')
    const doomed = await send('to be deleted', '4')
    await send('five', '5')
    const b = await connect(bob.accessToken)
    await send('my own', '6', b)
    await a.request('delete', { messageId: doomed.messageId })

    expect(await unreadOf(bob.accessToken, room.id)).toEqual({ roomId: room.id, unread: 4, mentions: 2, lastSeq: 6, readSeq: 0 })
    expect(await unreadOf(alice.accessToken, room.id)).toMatchObject({ unread: 1, mentions: 0 })

    // Reading up to seq 2 leaves 3 and 5 (4 is deleted, 6 is Bob's own).
    const second = await connect(bob.accessToken)
    const read = await b.request('read', { roomId: room.id, seq: 2 })
    expect(read).toMatchObject({ op: 'ack', readSeq: 2, unread: 2 })
    // Every socket of Bob's hears about it; Alice sees the receipt in the room.
    expect((await second.event('unread.updated')).data).toMatchObject({ roomId: room.id, unread: 2, mentions: 1, readSeq: 2 })
    expect(await unreadOf(bob.accessToken, room.id)).toMatchObject({ unread: 2, mentions: 1, readSeq: 2 })

    // A read cursor never moves back, and never past the end.
    ok(await http.post(`/v1/rooms/${room.id}/read`, { seq: 1 }, { token: bob.accessToken }), 204)
    expect((await unreadOf(bob.accessToken, room.id)).readSeq).toBe(2)
    ok(await http.post(`/v1/rooms/${room.id}/read`, { seq: 999 }, { token: bob.accessToken }), 204)
    expect(await unreadOf(bob.accessToken, room.id)).toMatchObject({ unread: 0, mentions: 0, readSeq: 6 })
  })

  test('read and delivered receipts reach the room', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const alice = await w.join()
    const bob = await w.join()
    const a = await connect(alice.accessToken)
    await a.request('subscribe', { roomId: room.id })
    const sent = await a.request('send', { roomId: room.id, nonce: 'r', body: 'did you get this?' })
    const b = await connect(bob.accessToken)
    expect(await b.request('delivered', { roomId: room.id, seq: sent.seq })).toMatchObject({ deliveredSeq: 1 })
    expect((await a.event('receipt.delivered')).data).toEqual({ userId: bob.id, seq: 1 })
    await b.request('read', { roomId: room.id, seq: sent.seq })
    expect((await a.event('receipt.read')).data).toEqual({ userId: bob.id, seq: 1 })
  })

  test('a mention pushes unread.updated to the mentioned user, subscribed or not', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const alice = await w.join()
    const bob = await w.join()
    const b = await connect(bob.accessToken)
    const a = await connect(alice.accessToken)
    await a.request('send', { roomId: room.id, nonce: 'm', body: `ping <@${bob.id}>` })
    expect((await b.event('unread.updated')).data).toMatchObject({ roomId: room.id, unread: 1, mentions: 1 })
  })

  test('hidden rooms are not listed; reading one is 404', async () => {
    const w = await newCommunity(http)
    const secret = await w.room('secret', { private: true })
    const m = await w.join()
    expect(await unreadOf(m.accessToken, secret.id)).toBeUndefined()
    expect((await http.post(`/v1/rooms/${secret.id}/read`, { seq: 1 }, w.as(m))).status).toBe(404)
  })
})

describe('typing', () => {
  test('typing reaches the room subscribers with an expiry, throttled, never stored', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const alice = await w.join()
    const bob = await w.join()
    const b = await connect(bob.accessToken)
    await b.request('subscribe', { roomId: room.id })
    const a = await connect(alice.accessToken)
    await a.request('typing', { roomId: room.id })
    await a.request('typing', { roomId: room.id })
    const event = await b.event('typing')
    expect(event).toMatchObject({ roomId: room.id, data: { userId: alice.id, expiresInMs: 8000 } })
    await Bun.sleep(100)
    expect(b.events('typing')).toHaveLength(1)
    expect(ok(await http.get(`/v1/rooms/${room.id}/messages`, w.as(bob))).body.messages).toEqual([])
  })
})

describe('presence', () => {
  test('online across devices; offline only when the last socket closes; last seen kept', async () => {
    const w = await newCommunity(http)
    const alice = await w.join()
    const watcher = await connect(w.owner.accessToken)
    const phone = await connect(alice.accessToken)
    expect((await watcher.event('presence.updated', 5000, (e) => e.data.userId === alice.id)).data.status).toBe('online')
    const laptop = await connect(alice.accessToken)
    expect(await laptop.request('presence', { status: 'dnd' })).toMatchObject({ op: 'ack', status: 'dnd' })
    expect((await watcher.event('presence.updated', 5000, (e) => e.data.status === 'dnd')).data.userId).toBe(alice.id)
    // Saying it again changes nothing, so it goes to nobody.
    for (let i = 0; i < 3; i++) expect(await laptop.request('presence', { status: 'dnd' })).toMatchObject({ op: 'ack', status: 'dnd' })
    await Bun.sleep(100)
    expect(watcher.frames.filter((f) => f.type === 'presence.updated' && f.data.userId === alice.id).map((f) => f.data.status)).toEqual(['online', 'dnd'])
    phone.close()
    await Bun.sleep(200)
    expect(ok(await http.get(`/v1/presence?userIds=${alice.id}`, w.as(w.owner))).body).toEqual([
      { userId: alice.id, status: 'dnd', lastSeenAt: null },
    ])
    laptop.close()
    expect((await watcher.event('presence.updated', 5000, (e) => e.data.status === 'offline')).data.userId).toBe(alice.id)
    const [row] = await app.res.db.select({ lastSeenAt: users.lastSeenAt }).from(users).where(eq(users.id, alice.id))
    expect(row!.lastSeenAt).toBeInstanceOf(Date)
    const after = ok(await http.get(`/v1/presence?userIds=${alice.id}`, w.as(w.owner))).body[0]
    expect(after).toMatchObject({ status: 'offline', lastSeenAt: expect.any(String) })
    // The status she chose outlives her sockets: coming back, she is announced as dnd.
    await connect(alice.accessToken)
    expect((await watcher.event('presence.updated', 5000, (e) => e.data.userId === alice.id && e.data.status !== 'offline')).data.status).toBe('dnd')
  })

  test("a dead node's sockets do not keep a user online: they count only while their node refreshes them", async () => {
    const w = await newCommunity(http)
    const alice = await w.join()
    const key = app.res.redis.key('presence', 'sockets', alice.id)
    // A socket on a node that crashed two minutes ago, and one that refreshed just now elsewhere.
    await app.res.redis.client.hSet(key, { 'node-gone/s1': String(Date.now() - 120_000) })
    const watcher = await connect(w.owner.accessToken)
    const phone = await connect(alice.accessToken)
    expect((await watcher.event('presence.updated', 5000, (e) => e.data.userId === alice.id)).data.status).toBe('online')
    expect(await app.res.redis.client.hKeys(key)).toEqual([expect.stringMatching(new RegExp(`^${app.res.config.nodeId}/`))])
    await app.res.redis.client.hSet(key, { 'node-gone/s2': String(Date.now() - 120_000) })
    phone.close()
    expect((await watcher.event('presence.updated', 5000, (e) => e.data.status === 'offline')).data.userId).toBe(alice.id)
    expect(ok(await http.get(`/v1/presence?userIds=${alice.id}`, w.as(w.owner))).body[0].status).toBe('offline')
    // A socket another live node refreshed does keep them online.
    await app.res.redis.client.hSet(key, { 'node-b/s3': String(Date.now()) })
    expect(ok(await http.get(`/v1/presence?userIds=${alice.id}`, w.as(w.owner))).body[0].status).toBe('online')
  })

  test('a node that leaves the members is reaped a lease later, unless it is back by then', async () => {
    const w = await newCommunity(http)
    const [alice, bob] = [await w.join(), await w.join()]
    const watcher = await connect(w.owner.accessToken)
    // Alice's socket is on node-flaky, Bob's on node-dead (neither this app): written as their nodes would, last beat a second ago.
    const onNode = async (nodeId: string, userId: string) => {
      await app.res.redis.client.hSet(app.res.redis.key('presence', 'sockets', userId), { [`${nodeId}/s`]: String(Date.now() - 1000) })
      await app.res.redis.client.sAdd(app.res.redis.key('presence', 'node', nodeId), userId)
    }
    await onNode('node-flaky', alice.id)
    await onNode('node-dead', bob.id)
    // The cluster's membership as this node hears it.
    let live = [app.res.config.nodeId, 'node-flaky', 'node-dead']
    const listeners: ((members: string[]) => void)[] = []
    const membership = { nodeId: app.res.config.nodeId, live: () => live, onChange: (l: (m: string[]) => void) => (listeners.push(l), () => {}) }
    const hear = (members: string[]) => ((live = members), listeners.forEach((l) => l(members)))
    app.hearth.realtime.presence.followNodes(membership, 300)
    hear([app.res.config.nodeId]) // both gone...
    await Bun.sleep(100)
    hear([app.res.config.nodeId, 'node-flaky']) // ...one back within the grace
    const offline = await watcher.event('presence.updated', 5000, (e) => e.data.status === 'offline')
    expect(offline.data.userId).toBe(bob.id)
    await Bun.sleep(400)
    expect(watcher.frames.filter((f) => f.type === 'presence.updated' && f.data.userId === alice.id)).toEqual([])
    const statuses = ok(await http.get(`/v1/presence?userIds=${alice.id},${bob.id}`, w.as(w.owner))).body
    expect(Object.fromEntries(statuses.map((p: any) => [p.userId, p.status]))).toEqual({ [alice.id]: 'online', [bob.id]: 'offline' })
  })

  test('a node that restarts under the same id takes the sockets of its earlier run offline', async () => {
    const w = await newCommunity(http)
    const alice = await w.join()
    const watcher = await connect(w.owner.accessToken)
    // The earlier run (same NODE_ID) was killed a second ago with Alice connected.
    const key = app.res.redis.key('presence', 'sockets', alice.id)
    await app.res.redis.client.hSet(key, { [`${app.res.config.nodeId}/before-the-crash`]: String(Date.now() - 1000) })
    await app.res.redis.client.sAdd(app.res.redis.key('presence', 'node', app.res.config.nodeId), alice.id)
    expect(ok(await http.get(`/v1/presence?userIds=${alice.id}`, w.as(w.owner))).body[0].status).toBe('online')
    await app.hearth.realtime.presence.startedAt(Date.now())
    expect((await watcher.event('presence.updated', 5000, (e) => e.data.userId === alice.id)).data.status).toBe('offline')
    expect(ok(await http.get(`/v1/presence?userIds=${alice.id}`, w.as(w.owner))).body[0].status).toBe('offline')
  })

  test("the node's heartbeat is what keeps its sockets counted", async () => {
    const w = await newCommunity(http)
    const [alice, bob] = [await w.join(), await w.join()]
    const watcher = await connect(w.owner.accessToken)
    await connect(alice.accessToken)
    await connect(bob.accessToken)
    for (const user of [alice, bob]) await watcher.event('presence.updated', 5000, (e) => e.data.userId === user.id)
    const statuses = async () =>
      ok(await http.get(`/v1/presence?userIds=${alice.id},${bob.id}`, w.as(w.owner))).body.map((p: any) => p.status).sort()
    expect(await statuses()).toEqual(['online', 'online'])
    // As if this node had stopped beating two minutes ago...
    for (const user of [alice, bob]) {
      const key = app.res.redis.key('presence', 'sockets', user.id)
      const fields = await app.res.redis.client.hKeys(key)
      await app.res.redis.client.hSet(key, Object.fromEntries(fields.map((f) => [f, String(Date.now() - 120_000)])))
    }
    expect(await statuses()).toEqual(['offline', 'offline'])
    // ...and one beat (all users in one MULTI) brings both back.
    await (app.hearth.realtime.gateway as unknown as { heartbeat(): Promise<void> }).heartbeat()
    expect(await statuses()).toEqual(['online', 'online'])
    // Sockets the beat had to write back are announced again, so watchers that saw them go see them back.
    for (const user of [alice, bob]) {
      expect((await watcher.event('presence.updated', 5000, (e) => e.data.userId === user.id)).data.status).toBe('online')
    }
  })

  test('a socket that drops while it is still connecting leaves nobody online', async () => {
    const w = await newCommunity(http)
    const alice = await w.join()
    for (let i = 0; i < 5; i++) {
      const ws = new WebSocket(`${app.wsUrl}/ws?token=${alice.accessToken}`)
      ws.onopen = () => ws.close()
    }
    await Bun.sleep(500)
    const [state] = ok(await http.get(`/v1/presence?userIds=${alice.id}`, w.as(w.owner))).body
    expect(state.status).toBe('offline')
    expect(app.hearth.realtime.gateway.connections).toBe(0)
  })

  test('only people who share a community or a DM see it', async () => {
    const w = await newCommunity(http)
    const alice = await w.join()
    const stranger = await registerUser(http)
    const s = await connect(stranger.accessToken)
    await connect(alice.accessToken)
    await Bun.sleep(200)
    expect(s.events('presence.updated').filter((e) => e.data.userId === alice.id)).toEqual([])
    expect(ok(await http.get(`/v1/presence?userIds=${alice.id}`, { token: stranger.accessToken })).body).toEqual([])
  })

  test('large communities get no presence broadcasts; their members ask for what they show', async () => {
    const small = await startTestApp({ PRESENCE_BROADCAST_MAX_MEMBERS: '2' })
    const w = await newCommunity(small.http)
    const alice = await w.join()
    await w.join() // three members: over the limit of 2
    const watcher = await WsClient.open(small.wsUrl, w.owner.accessToken)
    open.push(watcher)
    const phone = await WsClient.open(small.wsUrl, alice.accessToken)
    open.push(phone)
    await Bun.sleep(300)
    expect(watcher.events('presence.updated').filter((e) => e.data.userId === alice.id)).toEqual([])
    const asked = ok(await small.http.get(`/v1/presence?userIds=${alice.id}`, w.as(w.owner))).body
    expect(asked).toEqual([{ userId: alice.id, status: 'online', lastSeenAt: null }])
  })
})

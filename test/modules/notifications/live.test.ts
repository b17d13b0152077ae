import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { notificationMutes } from '../../../src/db/schema'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok } from '../../helpers/community'
import { WsClient } from '../../helpers/ws'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

// Job workers run, so notifications go the whole way: send -> queue -> worker thread -> Postgres -> socket.
const app = await startTestApp({ JOB_WORKERS: '1', JOB_BACKOFF_MS: '10' }, { jobs: {} })
const { http } = app
const open: WsClient[] = []
afterEach(() => {
  for (const c of open.splice(0)) c.close()
})
const connect = async (token: string) => {
  const c = await WsClient.open(app.wsUrl, token)
  open.push(c)
  return c
}

describe('notifications from messages', () => {
  test('a mention, a reply and a DM each notify their person, live and in the list', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const alice = await w.join()
    const bob = await w.join()
    const carol = await w.join()
    const b = await connect(bob.accessToken)
    const c = await connect(carol.accessToken)
    const a = await connect(alice.accessToken)

    await a.request('send', { roomId: room.id, nonce: 'm1', body: `hi @${bob.username}` })
    const mention = await b.event('notification.created', 10_000)
    expect(mention.data).toMatchObject({ type: 'mention', targetId: room.id, actors: [alice.id] })

    const carolsMessage = await c.request('send', { roomId: room.id, nonce: 'c1', body: 'a thought' })
    await a.request('send', { roomId: room.id, nonce: 'r1', body: 'agreed', replyTo: carolsMessage.messageId })
    expect((await c.event('notification.created', 10_000)).data).toMatchObject({ type: 'reply', actors: [alice.id] })

    const dm = ok(await http.post('/v1/dms', { userIds: [bob.id] }, w.as(alice)), 201).body
    await a.request('send', { roomId: dm.id, nonce: 'd1', body: 'psst' })
    await b.event('notification.created', 10_000, (e) => e.data.type === 'dm')

    const list = ok(await http.get('/v1/notifications', w.as(bob))).body
    expect(list.notifications.map((n: any) => n.type).sort()).toEqual(['dm', 'mention'])
    expect(list.unreadCount).toBe(2)
    // Alice, who caused them, and Carol's list hold nothing of Bob's.
    expect(ok(await http.get('/v1/notifications', w.as(alice))).body.notifications).toEqual([])
    expect(ok(await http.get('/v1/notifications', w.as(carol))).body.notifications.map((n: any) => n.type)).toEqual(['reply'])
  })

  test('a message in a group DM notifies each other member once; one who muted it gets nothing', async () => {
    const w = await newCommunity(http)
    const [alice, bob, carol, dave] = [await w.join(), await w.join(), await w.join(), await w.join()]
    const group = ok(await http.post('/v1/dms', { userIds: [bob.id, carol.id, dave.id] }, w.as(alice)), 201).body
    ok(await http.put(`/v1/notifications/mutes/room/${group.id}`, { muted: true }, w.as(dave)))
    const [b, c] = [await connect(bob.accessToken), await connect(carol.accessToken)]
    const a = await connect(alice.accessToken)
    await a.request('send', { roomId: group.id, nonce: 'g1', body: 'hello all' })
    for (const socket of [b, c]) {
      expect((await socket.event('notification.created', 10_000)).data).toMatchObject({ type: 'dm', targetId: group.id, actors: [alice.id] })
    }
    for (const person of [bob, carol]) expect(ok(await http.get('/v1/notifications', w.as(person))).body.unreadCount).toBe(1)
    await Bun.sleep(300)
    expect(ok(await http.get('/v1/notifications', w.as(dave))).body.notifications).toEqual([])
    expect(ok(await http.get('/v1/notifications', w.as(alice))).body.notifications).toEqual([])
  })

  test('what a notification shows is checked when it is read: lost rooms are left out, deleted messages lose their preview', async () => {
    const w = await newCommunity(http)
    const [general, backroom] = [await w.room('general'), await w.room('backroom')]
    const [alice, bob] = [await w.join(), await w.join()]
    const b = await connect(bob.accessToken)
    const a = await connect(alice.accessToken)
    const sent = await a.request('send', { roomId: general.id, nonce: 'p1', body: `@${bob.username} look at this` })
    await b.event('notification.created', 10_000, (e) => e.data.targetId === general.id)
    await a.request('send', { roomId: backroom.id, nonce: 'p2', body: `@${bob.username} secret stuff` })
    await b.event('notification.created', 10_000, (e) => e.data.targetId === backroom.id)
    // Bob loses the back room; Alice deletes her message in general.
    ok(await http.put(`/v1/rooms/${backroom.id}/overwrites/member/${bob.id}`, { allow: [], deny: ['view'] }, w.as(w.owner)), 204)
    ok(await http.delete(`/v1/messages/${sent.messageId}`, w.as(alice)), 204)
    const list = ok(await http.get('/v1/notifications', w.as(bob))).body.notifications
    expect(list.map((n: any) => n.targetId)).toEqual([general.id])
    expect(list[0].data).toMatchObject({ messageId: sent.messageId, preview: null })
    expect(JSON.stringify(list)).not.toContain('secret stuff')
  })

  test('a retried send does not notify twice', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const alice = await w.join()
    const bob = await w.join()
    const a = await connect(alice.accessToken)
    const b = await connect(bob.accessToken)
    await a.request('send', { roomId: room.id, nonce: 'same', body: `<@${bob.id}>` })
    await a.request('send', { roomId: room.id, nonce: 'same', body: `<@${bob.id}>` })
    await b.event('notification.created', 10_000)
    await Bun.sleep(300)
    const list = ok(await http.get('/v1/notifications', w.as(bob))).body
    expect(list.notifications).toHaveLength(1)
    expect(list.notifications[0].count).toBe(1)
  })
  test('mutes are inherited down the hierarchy; the nearest setting wins; they can expire', async () => {
    const w = await newCommunity(http)
    const g = await w.group('team')
    const sub = await w.group('sub', g.id)
    const quiet = await w.room('quiet', { groupId: sub.id })
    const loud = await w.room('loud', { groupId: sub.id })
    const alice = await w.join()
    const bob = await w.join()
    const a = await connect(alice.accessToken)
    const mention = (roomId: string, nonce: string) => a.request('send', { roomId, nonce, body: `<@${bob.id}> ${nonce}` })
    const rows = async () => ok(await http.get('/v1/notifications', w.as(bob))).body.notifications

    // Muting the community silences rooms two groups down...
    ok(await http.put(`/v1/notifications/mutes/community/${w.id}`, { muted: true }, w.as(bob)))
    // ...except where a nearer setting unmutes.
    ok(await http.put(`/v1/notifications/mutes/room/${loud.id}`, { muted: false }, w.as(bob)))
    await mention(quiet.id, 'q1')
    await mention(loud.id, 'l1')
    const b = await connect(bob.accessToken)
    await mention(loud.id, 'l2')
    await b.event('notification.created', 10_000)
    await Bun.sleep(300)
    // Both mentions in the unmuted room, grouped into one row; none from the muted one.
    expect((await rows()).map((n: any) => [n.targetId, n.count])).toEqual([[loud.id, 2]])

    const list = ok(await http.get('/v1/notifications/mutes', w.as(bob))).body
    expect(list).toContainEqual({ kind: 'community', id: w.id, muted: true, until: null })

    // A group mute with an end, and a mute of something one cannot see, refused.
    const timed = ok(await http.put(`/v1/notifications/mutes/group/${g.id}`, { muted: true, seconds: 60 }, w.as(bob))).body
    expect(timed.until).toEqual(expect.any(String))
    const other = await newCommunity(http)
    expect((await http.put(`/v1/notifications/mutes/community/${other.id}`, { muted: true }, w.as(bob))).status).toBe(404)
    const secret = await w.room('secret', { private: true })
    expect((await http.put(`/v1/notifications/mutes/room/${secret.id}`, { muted: true }, w.as(bob))).status).toBe(404)
    ok(await http.delete(`/v1/notifications/mutes/community/${w.id}`, w.as(bob)), 204)

    // The group mute alone silences the rooms under it (two levels down)...
    await mention(quiet.id, 'q-under-group')
    await Bun.sleep(300)
    expect((await rows()).map((n: any) => n.targetId)).not.toContain(quiet.id)
    // ...until it ends by itself.
    await app.res.db.update(notificationMutes).set({ until: new Date(Date.now() - 1000) }).where(eq(notificationMutes.scopeId, g.id))
    expect(ok(await http.get('/v1/notifications/mutes', w.as(bob))).body.map((m: any) => m.id)).not.toContain(g.id)
    await mention(quiet.id, 'q2')
    await b.event('notification.created', 10_000, (e) => e.data.targetId === quiet.id)
  })
})

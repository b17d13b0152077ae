import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { notifications } from '../../../src/db/schema'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok, type TestUser, type World } from '../../helpers/community'
import { eventually } from '../../helpers/wait'
import { WsClient } from '../../helpers/ws'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(30_000)

// Job workers run: send -> outbox -> relay -> worker thread -> Postgres -> the user's sockets.
const app = await startTestApp({ JOB_WORKERS: '1', JOB_BACKOFF_MS: '10' }, { jobs: {} })
const { http } = app
const open: WsClient[] = []
afterEach(() => {
  for (const c of open.splice(0)) c.close()
})
const connect = async (u: TestUser) => {
  const c = await WsClient.open(app.wsUrl, u.accessToken)
  open.push(c)
  return c
}

const rows = async (w: World, u: TestUser) => ok(await http.get('/v1/notifications', w.as(u))).body.notifications
const send = async (w: World, by: TestUser, roomId: string, body: string) =>
  ok(await http.post(`/v1/rooms/${roomId}/messages`, { body, nonce: crypto.randomUUID() }, w.as(by)), 201).body

/** A community whose `herald` may mention everyone, and a room in it. */
async function setUp(opts: { private?: boolean } = {}) {
  const w = await newCommunity(http)
  const room = await w.room('general', opts)
  const herald = await w.join()
  await w.grant(herald, (await w.role('herald', ['mention_everyone'])).id)
  if (opts.private) ok(await http.post(`/v1/rooms/${room.id}/members`, { userId: herald.id }, w.as(w.owner)), 201)
  return { w, room, herald }
}

/** Waits for the user's `everyone` notification of the message, and answers it. */
const notified = (w: World, u: TestUser, messageId: string) =>
  eventually(`an everyone notification for ${u.username}`, async () =>
    (await rows(w, u)).find((n: any) => n.type === 'everyone' && n.data.messageId === messageId),
  )

/**
 * Those who must get nothing get it after the others did, if ever: the job that notified
 * the others had every recipient in it, and a little more time covers its pushes. Nothing
 * listed, nothing counted as unread (a row the list leaves out would still count), and on
 * their sockets, when they have one open, nothing pushed.
 */
async function expectNone(w: World, people: TestUser[], sockets: WsClient[] = []) {
  await Bun.sleep(300)
  for (const u of people) {
    const page = ok(await http.get('/v1/notifications', w.as(u))).body
    expect(page.notifications.filter((n: any) => n.type === 'everyone')).toEqual([])
    expect(page.unreadCount).toBe(0)
  }
  for (const s of sockets) expect(s.events('notification.created')).toEqual([])
}

describe('@everyone', () => {
  test('notifies every other member who can view the room, live and in the list; not the author, not one who cannot view it', async () => {
    const { w, room, herald } = await setUp()
    const [bob, carol, dave] = [await w.join(), await w.join(), await w.join()]
    await w.overwrite({ room: room.id }, { member: dave.id }, { deny: ['view'] })
    const [b, d] = [await connect(bob), await connect(dave)]

    const sent = await send(w, herald, room.id, 'meeting in 5 @everyone')
    expect(sent.mentionEveryone).toBe(true)
    const live = await b.event('notification.created', 10_000)
    expect(live.data).toMatchObject({
      type: 'everyone',
      targetType: 'room',
      targetId: room.id,
      actors: [herald.id],
      count: 1,
      data: { roomId: room.id, messageId: sent.id, seq: sent.seq, preview: 'meeting in 5 @everyone', mention: 'everyone' },
    })
    for (const u of [bob, carol, w.owner]) await notified(w, u, sent.id)
    expect(ok(await http.get('/v1/notifications', w.as(carol))).body.unreadCount).toBe(1)
    await expectNone(w, [herald, dave], [d])
  })

  test('in a private room, only those who can view it', async () => {
    const { w, room, herald } = await setUp({ private: true })
    const [bob, carol] = [await w.join(), await w.join()]
    ok(await http.post(`/v1/rooms/${room.id}/members`, { userId: bob.id }, w.as(w.owner)), 201)
    const c = await connect(carol)

    const sent = await send(w, herald, room.id, '@everyone the plan')
    // Bob was added; the owner sees every room; Carol is a member of the community only.
    await notified(w, bob, sent.id)
    await notified(w, w.owner, sent.id)
    await expectNone(w, [carol, herald], [c])
    expect(JSON.stringify(c.frames)).not.toContain('the plan')
  })

  test('not one who blocks the author, nor one the author blocks', async () => {
    const { w, room, herald } = await setUp()
    const [bob, carol, dave] = [await w.join(), await w.join(), await w.join()]
    ok(await http.put(`/v1/users/${herald.id}/block`, undefined, w.as(bob)), 204)
    ok(await http.put(`/v1/users/${carol.id}/block`, undefined, w.as(herald)), 204)

    const sent = await send(w, herald, room.id, 'hello @everyone')
    await notified(w, dave, sent.id)
    await expectNone(w, [bob, carol])
  })

  test('not one who muted the room, nor one who muted the community', async () => {
    const { w, room, herald } = await setUp()
    const [bob, carol, dave] = [await w.join(), await w.join(), await w.join()]
    ok(await http.put(`/v1/notifications/mutes/room/${room.id}`, { muted: true }, w.as(bob)))
    ok(await http.put(`/v1/notifications/mutes/community/${w.id}`, { muted: true }, w.as(carol)))

    const sent = await send(w, herald, room.id, '@everyone quiet please')
    await notified(w, dave, sent.id)
    await expectNone(w, [bob, carol])
  })

  test("the room's rules decide: roles' overwrites (group and room), an administrator, one timed out (who may still view); not one banned or gone", async () => {
    const w = await newCommunity(http)
    // A staff group: the default role may not view it, the staff role may; in its room the role `out` may not.
    const group = await w.group('staff')
    const room = await w.room('backstage', { groupId: group.id })
    const [staffRole, outRole] = [(await w.role('staff', [])).id, (await w.role('out', [])).id]
    await w.overwrite({ group: group.id }, { role: await w.defaultRoleId() }, { deny: ['view'] })
    await w.overwrite({ group: group.id }, { role: staffRole }, { allow: ['view'] })
    await w.overwrite({ room: room.id }, { role: outRole }, { deny: ['view'] })
    const [herald, staff, denied, admin, quiet, banned, gone, plain] = (await Promise.all(Array.from({ length: 8 }, () => w.join()))) as [TestUser, TestUser, TestUser, TestUser, TestUser, TestUser, TestUser, TestUser]
    await w.grant(herald, (await w.role('herald', ['mention_everyone'])).id)
    for (const u of [herald, staff, denied, quiet, banned, gone]) await w.grant(u, staffRole)
    await w.grant(denied, outRole)
    await w.grant(admin, outRole)
    await w.grant(admin, (await w.role('admin', ['administrator'])).id)
    ok(await http.put(`/v1/communities/${w.id}/members/${quiet.id}/timeout`, { seconds: 600 }, w.as(w.owner)))
    ok(await http.post(`/v1/communities/${w.id}/bans`, { userId: banned.id }, w.as(w.owner)), 201)
    ok(await http.delete(`/v1/communities/${w.id}/members/${gone.id}`, w.as(gone)), 204)

    const sent = await send(w, herald, room.id, '@everyone the roster')
    for (const u of [staff, admin, quiet, w.owner]) await notified(w, u, sent.id)
    await expectNone(w, [denied, plain, herald])
    for (const u of [banned, gone]) expect(await app.res.db.select().from(notifications).where(eq(notifications.userId, u.id))).toEqual([])
  })

  test('one mentioned by name too gets one notification, the mention', async () => {
    const { w, room, herald } = await setUp()
    const [bob, carol] = [await w.join(), await w.join()]

    const sent = await send(w, herald, room.id, `@${bob.username} and @everyone`)
    await notified(w, carol, sent.id)
    await eventually('the mention', async () => (await rows(w, bob)).length > 0)
    await Bun.sleep(300)
    expect((await rows(w, bob)).map((n: any) => [n.type, n.count, n.data.messageId])).toEqual([['mention', 1, sent.id]])
    expect(ok(await http.get('/v1/notifications', w.as(bob))).body.unreadCount).toBe(1)
  })

  test('two in the same room within the window group into one row, as other notifications do', async () => {
    const { w, room, herald } = await setUp()
    const bob = await w.join()
    const first = await send(w, herald, room.id, '@everyone one')
    await notified(w, bob, first.id)
    const second = await send(w, herald, room.id, '@everyone two')
    const row = await notified(w, bob, second.id)
    expect(row).toMatchObject({ count: 2, actors: [herald.id], data: { preview: '@everyone two' } })
    expect((await rows(w, bob)).filter((n: any) => n.type === 'everyone')).toHaveLength(1)
  })
})

describe('@here', () => {
  test('notifies a member online now (a socket open), not one offline', async () => {
    const { w, room, herald } = await setUp()
    const [bob, carol] = [await w.join(), await w.join()]
    const b = await connect(bob)
    // Online as the others see it, before the message is sent.
    await eventually('bob online', async () => {
      const [p] = ok(await http.get(`/v1/presence?userIds=${bob.id}`, w.as(herald))).body
      return p?.status === 'online'
    })

    const sent = await send(w, herald, room.id, '@here standup now')
    expect(sent.mentionEveryone).toBe(true)
    expect((await b.event('notification.created', 10_000)).data).toMatchObject({
      type: 'everyone',
      targetId: room.id,
      data: { messageId: sent.id, mention: 'here' },
    })
    // The owner has no socket either.
    await expectNone(w, [carol, w.owner, herald])
  })
  test('sent by one without mention_everyone: refused (403), nothing sent, no one notified', async () => {
    const { w, room } = await setUp()
    const [plain, bob] = [await w.join(), await w.join()]
    const res = await http.post(`/v1/rooms/${room.id}/messages`, { body: '@here anyone?', nonce: crypto.randomUUID() }, w.as(plain))
    expect([res.status, res.body.error?.code]).toEqual([403, 'missing_permission'])
    expect(ok(await http.get(`/v1/rooms/${room.id}/messages`, w.as(bob))).body.messages).toEqual([])
    await expectNone(w, [bob, w.owner])
  })
})

describe('blocks and named mentions', () => {
  test('a mention or a reply by someone blocked (either way) notifies no one; the others are notified', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const [author, bob, carol, dave] = [await w.join(), await w.join(), await w.join(), await w.join()]
    ok(await http.put(`/v1/users/${author.id}/block`, undefined, w.as(bob)), 204)
    ok(await http.put(`/v1/users/${carol.id}/block`, undefined, w.as(author)), 204)
    const b = await connect(bob)
    const theirs = await send(w, carol, room.id, 'a question for all')

    const sent = await send(w, author, room.id, `@${bob.username} @${carol.username} @${dave.username} look`)
    const reply = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'an answer', nonce: crypto.randomUUID(), replyTo: theirs.id }, w.as(author)), 201).body
    await eventually('the mention of dave', async () => (await rows(w, dave)).find((n: any) => n.type === 'mention' && n.data.messageId === sent.id))
    await Bun.sleep(300)
    for (const u of [bob, carol]) {
      const page = ok(await http.get('/v1/notifications', w.as(u))).body
      expect(page.notifications.map((n: any) => [n.type, n.data.messageId])).toEqual([])
      expect(page.unreadCount).toBe(0)
    }
    expect(b.events('notification.created')).toEqual([])
    expect(reply.replyTo).toBe(theirs.id)
  })
})

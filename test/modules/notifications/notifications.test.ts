import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { userChannel } from '../../../src/realtime/user-channel'
import { startTestApp } from '../../helpers/app'
import { registerUser } from '../../helpers/http'
import { eventually } from '../../helpers/wait'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp({ JOB_WORKERS: '2', JOB_BACKOFF_MS: '10' }, { jobs: {} })
const { http } = app
const service = app.hearth.api('notifications')

/** Waits until the user's list shows `n` rows, then returns the page. */
async function listed(token: string, n: number, query = '') {
  return eventually(`${n} notifications`, async () => {
    const res = await http.get(`/v1/notifications${query}`, { token })
    return res.body.notifications?.length === n && res.body
  })
}

const mention = (userId: string, targetId: string, actorId: string) =>
  service.notify({ userId, type: 'mention', targetType: 'message', targetId, actorId, data: { excerpt: 'hi' } })

describe('notifications', () => {
  test('a notification is stored, listed with its unread count, and pushed on the user’s Redis channel', async () => {
    const alice = await registerUser(http)
    const bob = await registerUser(http)
    const sub = app.res.redis.client.duplicate()
    await sub.connect()
    const received: any[] = []
    await sub.subscribe(userChannel(app.res.redis, alice.id), (message) => received.push(JSON.parse(message)))
    try {
      await mention(alice.id, 'm1', bob.id)
      const page = await listed(alice.accessToken, 1)
      expect(page.unreadCount).toBe(1)
      expect(page.nextCursor).toBeNull()
      expect(page.notifications[0]).toMatchObject({
        type: 'mention',
        targetType: 'message',
        targetId: 'm1',
        actors: [bob.id],
        count: 1,
        data: { excerpt: 'hi' },
        read: false,
        readAt: null,
      })
      await eventually('event on the channel', async () => received.length === 1)
      expect(received[0]).toMatchObject({ type: 'notification.created', data: { id: page.notifications[0].id, count: 1 } })
      expect(app.res.redis.key('user', alice.id)).toBe(`${app.res.config.redisPrefix}user:${alice.id}`)
    } finally {
      await sub.close()
    }
  })

  test('same user, type and target within the window, still unread: one row with count and the newest 5 distinct actors', async () => {
    const alice = await registerUser(http)
    const actors = Array.from({ length: 7 }, () => crypto.randomUUID())
    // One at a time, so "newest" is well defined (the pool processes queued jobs in parallel).
    const grouped = async (count: number) =>
      eventually(`count ${count}`, async () => {
        const res = await http.get('/v1/notifications', { token: alice.accessToken })
        return res.body.notifications[0]?.count === count
      })
    for (const [i, actor] of actors.entries()) {
      await mention(alice.id, 'post-1', actor)
      await grouped(i + 1)
    }
    await mention(alice.id, 'post-1', actors[2]!) // an earlier actor again moves to the front
    await grouped(8)
    await mention(alice.id, 'post-2', actors[0]!) // another target: its own row
    await eventually('all grouped', async () => {
      const res = await http.get('/v1/notifications', { token: alice.accessToken })
      return res.body.notifications.some((n: any) => n.count === 8) && res.body.notifications.length === 2
    })
    const page = await listed(alice.accessToken, 2)
    const row = page.notifications.find((n: any) => n.targetId === 'post-1')
    expect(row.count).toBe(8)
    expect(row.actors).toEqual([actors[2], actors[6], actors[5], actors[4], actors[3]])
    expect(page.unreadCount).toBe(2)

    // Once read, the next event starts a new row.
    expect((await http.post('/v1/notifications/read', {}, { token: alice.accessToken })).status).toBe(204)
    await mention(alice.id, 'post-1', actors[0]!)
    const after = await listed(alice.accessToken, 3)
    expect(after.notifications[0]).toMatchObject({ targetId: 'post-1', count: 1, read: false })
    expect(after.unreadCount).toBe(1)
  })

  test('mark read up to a notification reads it and everything older, nothing newer', async () => {
    const alice = await registerUser(http)
    for (const target of ['a', 'b', 'c']) {
      await mention(alice.id, target, crypto.randomUUID())
      await listed(alice.accessToken, ['a', 'b', 'c'].indexOf(target) + 1)
    }
    const page = await listed(alice.accessToken, 3)
    const [c, b, a] = page.notifications
    expect([c.targetId, b.targetId, a.targetId]).toEqual(['c', 'b', 'a'])
    expect((await http.post('/v1/notifications/read', { upTo: b.id }, { token: alice.accessToken })).status).toBe(204)
    const after = await listed(alice.accessToken, 3)
    expect(after.unreadCount).toBe(1)
    expect(after.notifications.map((n: any) => n.read)).toEqual([false, true, true])
    expect((await http.post('/v1/notifications/read', undefined, { token: alice.accessToken })).status).toBe(204)
    expect((await listed(alice.accessToken, 3)).unreadCount).toBe(0)
  })

  test('the list pages with a cursor, newest activity first', async () => {
    const alice = await registerUser(http)
    for (let i = 0; i < 5; i++) await mention(alice.id, `t${i}`, crypto.randomUUID())
    const whole = await listed(alice.accessToken, 5)
    const times = whole.notifications.map((n: any) => n.latestAt)
    expect(times).toEqual([...times].sort().reverse())
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res: any = await http.get(`/v1/notifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: alice.accessToken })
      expect(res.status).toBe(200)
      seen.push(...res.body.notifications.map((n: any) => n.targetId))
      cursor = res.body.nextCursor
    } while (cursor)
    expect(seen).toEqual(whole.notifications.map((n: any) => n.targetId))
    expect([...seen].sort()).toEqual(['t0', 't1', 't2', 't3', 't4'])
    const bad = await http.get('/v1/notifications?cursor=nonsense', { token: alice.accessToken })
    expect([bad.status, bad.body.error.code]).toEqual([422, 'validation_failed'])
  })
})

describe('notifications are private', () => {
  test('no token: 401', async () => {
    expect((await http.get('/v1/notifications')).status).toBe(401)
    expect((await http.post('/v1/notifications/read', {})).status).toBe(401)
  })

  test('one user never sees another’s notifications and cannot mark them read', async () => {
    const alice = await registerUser(http)
    const mallory = await registerUser(http)
    await mention(alice.id, 'secret', mallory.id)
    const alicePage = await listed(alice.accessToken, 1)
    const theirs = await http.get('/v1/notifications', { token: mallory.accessToken })
    expect(theirs.body).toEqual({ notifications: [], unreadCount: 0, nextCursor: null })
    const steal = await http.post('/v1/notifications/read', { upTo: alicePage.notifications[0].id }, { token: mallory.accessToken })
    expect(steal.status).toBe(404)
    expect((await http.post('/v1/notifications/read', {}, { token: mallory.accessToken })).status).toBe(204)
    const still = await listed(alice.accessToken, 1)
    expect(still.unreadCount).toBe(1)
    expect(still.notifications[0].read).toBe(false)
  })
})

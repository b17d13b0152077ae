import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { UnreadCounter } from '../../../src/modules/notifications/unread-count'
import { startTestApp } from '../../helpers/app'
import { registerUser } from '../../helpers/http'
import { eventually } from '../../helpers/wait'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp({ JOB_WORKERS: '2', JOB_BACKOFF_MS: '10' }, { jobs: {} })
const { http, res } = app
const service = app.hearth.api('notifications')
const counter = new UnreadCounter(res)

const unread = async (token: string) => (await http.get('/v1/notifications?limit=1', { token })).body.unreadCount as number
const cached = (userId: string) => res.redis.client.get(counter.key(userId))

describe('unread count', () => {
  test('stays exact under 50 concurrent notifications, while readers race to rebuild it', async () => {
    const alice = await registerUser(http)
    expect(await unread(alice.accessToken)).toBe(0)
    const notifies = Array.from({ length: 50 }, (_, i) =>
      service.notify({ userId: alice.id, type: 'reply', targetType: 'thing', targetId: `p${i}`, actorId: crypto.randomUUID() }),
    )
    // Readers drop and rebuild the cached count while the processors write.
    const readers = (async () => {
      for (let i = 0; i < 30; i++) {
        await res.redis.client.del(counter.key(alice.id))
        await unread(alice.accessToken)
      }
    })()
    await Promise.all([...notifies, readers])
    await eventually('all 50 stored', async () => (await http.get('/v1/notifications?limit=100', { token: alice.accessToken })).body.notifications.length === 50)
    await Bun.sleep(50)
    expect(await unread(alice.accessToken)).toBe(50)
    expect(await cached(alice.id)).toBe('50')
  })

  test('50 concurrent notifications to one target group into one row and count one unread', async () => {
    const alice = await registerUser(http)
    await Promise.all(
      Array.from({ length: 50 }, () =>
        service.notify({ userId: alice.id, type: 'like', targetType: 'thing', targetId: 'hot', actorId: crypto.randomUUID() }),
      ),
    )
    const page = await eventually('grouped', async () => {
      const body = (await http.get('/v1/notifications', { token: alice.accessToken })).body
      return body.notifications[0]?.count === 50 && body
    })
    expect(page.notifications).toHaveLength(1)
    expect(page.notifications[0].actors).toHaveLength(5)
    expect(page.unreadCount).toBe(1)
  })

  test('is rebuilt from Postgres when the Redis key is missing', async () => {
    const alice = await registerUser(http)
    for (const t of ['x', 'y', 'z']) await service.notify({ userId: alice.id, type: 'follow', targetType: 'user', targetId: t })
    await eventually('three stored', async () => (await unread(alice.accessToken)) === 3)
    await res.redis.client.del(counter.key(alice.id))
    expect(await cached(alice.id)).toBeNull()
    expect(await unread(alice.accessToken)).toBe(3)
    expect(await cached(alice.id)).toBe('3')
  })

  test('is reset on read and counts new notifications after', async () => {
    const alice = await registerUser(http)
    await service.notify({ userId: alice.id, type: 'follow', targetType: 'user', targetId: 'u1' })
    await eventually('stored', async () => (await unread(alice.accessToken)) === 1)
    await http.post('/v1/notifications/read', {}, { token: alice.accessToken })
    expect(await unread(alice.accessToken)).toBe(0)
    await service.notify({ userId: alice.id, type: 'follow', targetType: 'user', targetId: 'u2' })
    await eventually('counted', async () => (await unread(alice.accessToken)) === 1)
    expect(await cached(alice.id)).toBe('1')
  })

  test('a notification for a user that does not exist is dead at once (it can never succeed)', async () => {
    const id = await service.notify({ userId: crypto.randomUUID(), type: 'follow', targetType: 'user', targetId: 'u' })
    const letters = await eventually('dead letter', async () => {
      const page = await res.jobs.deadLetters.list({ queue: 'notifications', limit: 10 })
      return page.deadLetters.find((d) => d.jobId === id)
    })
    expect(letters).toMatchObject({ attempts: 1, status: 'dead' })
  })
})

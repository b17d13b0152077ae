import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { startTestApp } from '../../helpers/app'
import { registerUser } from '../../helpers/http'
import { eventually } from '../../helpers/wait'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp({ JOB_WORKERS: '1', NOTIFICATION_GROUP_WINDOW: '1' }, { jobs: {} })
const service = app.hearth.api('notifications')

describe('grouping window (NOTIFICATION_GROUP_WINDOW)', () => {
  test('an event after the window starts a new row even while the old one is unread', async () => {
    const alice = await registerUser(app.http)
    const like = () => service.notify({ userId: alice.id, type: 'like', targetType: 'thing', targetId: 'p', actorId: crypto.randomUUID() })
    const list = async () => (await app.http.get('/v1/notifications', { token: alice.accessToken })).body
    await like()
    await like()
    await eventually('grouped', async () => (await list()).notifications[0]?.count === 2)
    await Bun.sleep(1100)
    await like()
    const page = await eventually('new row', async () => {
      const body = await list()
      return body.notifications.length === 2 && body
    })
    expect(page.notifications.map((n: { count: number }) => n.count)).toEqual([1, 2])
    expect(page.unreadCount).toBe(2)
  })
})

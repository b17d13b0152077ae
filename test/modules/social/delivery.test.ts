import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { startTestApp } from '../../helpers/app'
import { ok } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { eventually } from '../../helpers/wait'
import { WsClient } from '../../helpers/ws'
import { socialHarness } from './harness'
import { socialProcessorsModule } from './processors-module'

// The social layer with the real pipeline behind it: events enqueue jobs on the queue,
// worker threads run the fan-out and the notifications, pushes reach open sockets.

setDefaultTimeout(30_000)
const app = await startTestApp(
  { JOB_WORKERS: '1', JOB_BACKOFF_MS: '10', FEED_UPDATE_COALESCE_MS: '200' },
  { jobs: { modules: [socialProcessorsModule] } },
)
const h = await socialHarness(app, { inlineJobs: false })
const { http } = h
const as = (u: { accessToken: string }) => ({ token: u.accessToken })
const user = () => registerUser(app.http)

async function notifications(u: { accessToken: string }, n: number) {
  return eventually(`${n} notifications`, async () => {
    const res = await app.http.get('/v1/notifications', as(u))
    return res.body.notifications?.length === n && res.body.notifications
  })
}

/** Until the notification jobs queued so far have run. */
const idle = () =>
  eventually('the notification jobs to run', async () => {
    const depth = (await app.res.jobs.depth()).notifications
    return (depth.waiting ?? 0) + (depth.active ?? 0) + (depth.delayed ?? 0) + (depth.prioritized ?? 0) === 0
  })

describe('notifications', () => {
  test('likes group into one row: “alice and 2 others liked your post”', async () => {
    const author = await user()
    const post = ok(await http.post('/v1/posts', { body: 'like it' }, as(author)), 201).body
    const fans = [await user(), await user(), await user()]
    for (const f of fans) {
      ok(await http.put(`/v1/posts/${post.id}/like`, undefined, as(f)), 204)
      await h.drain()
      await eventually('grouped', async () => (await app.http.get('/v1/notifications', as(author))).body.notifications?.[0]?.count === fans.indexOf(f) + 1)
    }
    ok(await http.put(`/v1/posts/${post.id}/like`, undefined, as(author)), 204) // your own like: no notification
    await h.drain()
    const [row] = await notifications(author, 1)
    expect(row).toMatchObject({ type: 'like', targetType: 'post', targetId: post.id, count: 3, actors: fans.map((f) => f.id).reverse() })
  })

  test('a follow, a comment and a reply notify whom they concern', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    ok(await http.put(`/v1/users/${alice.id}/follow`, undefined, as(bob)))
    const post = ok(await http.post('/v1/posts', { body: 'talk' }, as(alice)), 201).body
    const comment = ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 'nice post' }, as(carol)), 201).body
    ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 'thanks', replyTo: comment.id }, as(bob)), 201)
    await h.drain()
    await idle()
    // The post's author hears of every comment under it, replies included.
    const forAlice = await notifications(alice, 2)
    expect(forAlice.map((n: any) => [n.type, n.targetId, n.count, n.actors])).toEqual([
      ['comment', post.id, 2, [bob.id, carol.id]],
      ['follow', alice.id, 1, [bob.id]],
    ])
    const forCarol = await notifications(carol, 1)
    expect(forCarol[0]).toMatchObject({ type: 'reply', targetType: 'comment', targetId: comment.id, actors: [bob.id], data: { postId: post.id, preview: 'thanks' } })
  })

  test('none from a user blocked after acting but before the event was delivered', async () => {
    const [alice, bob] = [await user(), await user()]
    const post = ok(await http.post('/v1/posts', { body: 'x' }, as(alice)), 201).body
    ok(await http.put(`/v1/posts/${post.id}/like`, undefined, as(bob)), 204)
    ok(await http.put(`/v1/users/${bob.id}/block`, undefined, as(alice)), 204)
    await h.drain()
    await idle()
    expect((await app.http.get('/v1/notifications', as(alice))).body.notifications).toEqual([])
  })

  test('an event delivered twice notifies once', async () => {
    const [alice, bob] = [await user(), await user()]
    ok(await http.put(`/v1/users/${alice.id}/follow`, undefined, as(bob)))
    const [event] = await h.drain()
    const { dispatchSocialEvent, socialEvents } = await import('../../../src/modules/social/events')
    const again = socialEvents({ db: app.res.db, enqueue: (j) => app.res.jobs.enqueue(j), notify: (i) => app.services.notifications.notifyMany(i) })
    await dispatchSocialEvent(again, event as any)
    await idle()
    const rows = await notifications(alice, 1)
    expect(rows[0]).toMatchObject({ type: 'follow', count: 1, actors: [bob.id] })
  })
})

describe('feed.updated', () => {
  test('followers’ open sockets hear of new posts, coalesced, with the unseen count', async () => {
    const [author, reader] = [await user(), await user()]
    ok(await http.put(`/v1/users/${author.id}/follow`, undefined, as(reader)))
    ok(await http.get('/v1/feed', as(reader)))
    await h.drain()
    const ws = await WsClient.open(app.wsUrl, reader.accessToken)
    try {
      await ws.request('ping')
      for (let i = 0; i < 3; i++) ok(await http.post('/v1/posts', { body: `n${i}` }, as(author)), 201)
      await h.drain()
      const event = await ws.event('feed.updated', 10_000, (f) => f.data.count === 3)
      expect(event.data).toEqual({ count: 3 })
      // Coalesced per window (how many windows three posts span depends on the machine): counts only grow.
      const counts = ws.events('feed.updated').map((e) => e.data.count)
      expect(counts).toEqual([...counts].sort((a, b) => a - b))
      expect(counts.at(-1)).toBe(3)
      const feed = ok(await http.get('/v1/feed', as(reader))).body
      expect(feed.posts.map((p: any) => p.body)).toEqual(['n2', 'n1', 'n0'])
    } finally {
      ws.socket.close()
    }
  })
})

import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import type { DomainEvent } from '../../../src/domain-events/types'
import type { JobContext } from '../../../src/jobs/processors'
import { socialFeature } from '../../../src/modules/social'
import { ok } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { eventually } from '../../helpers/wait'
import { WsClient } from '../../helpers/ws'
import { socialApp } from './harness'

// The social layer's deliveries through the real pipeline: the outbox relay, the reactions
// in the worker threads, the notifications and fan-out queues, the sockets.

setDefaultTimeout(30_000)
const h = await socialApp({ FEED_UPDATE_COALESCE_MS: '200' })
const { app, http, notifications } = h
const as = (u: { accessToken: string }) => ({ token: u.accessToken })
const user = () => registerUser(app.http)
const list = async (u: { accessToken: string }) => ok(await http.get('/v1/notifications', as(u))).body.notifications

/** The social reactions run again, by hand, as a redelivery would run them (a real queue, database and sink). */
const redeliver = (event: DomainEvent) => {
  const ctx = h.jobContext({ id: `social.${event.id}`, queue: 'events', name: 'event', attempt: 2 })
  const reaction = socialFeature.reactions![event.type]! as { handle(e: DomainEvent, c: JobContext): Promise<void> }
  return reaction.handle(event, ctx)
}

describe('notifications', () => {
  test('likes group into one row: “alice and 2 others liked your post”; your own like notifies nobody', async () => {
    const author = await user()
    const post = ok(await http.post('/v1/posts', { body: 'like it' }, as(author)), 201).body
    const fans = [await user(), await user(), await user()]
    for (const f of fans) {
      ok(await http.put(`/v1/posts/${post.id}/like`, undefined, as(f)), 204)
      await h.settle()
    }
    ok(await http.put(`/v1/posts/${post.id}/like`, undefined, as(author)), 204)
    const [row] = await notifications(author, 1)
    expect(row).toMatchObject({ type: 'like', targetType: 'post', targetId: post.id, count: 3, actors: fans.map((f) => f.id).reverse() })
  })

  test('a follow, a comment and a reply notify whom they concern', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    ok(await http.put(`/v1/users/${alice.id}/follow`, undefined, as(bob)))
    const post = ok(await http.post('/v1/posts', { body: 'talk' }, as(alice)), 201).body
    const comment = ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 'nice post' }, as(carol)), 201).body
    ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 'thanks', replyTo: comment.id }, as(bob)), 201)
    // The post's author hears of every comment under it, replies included.
    const forAlice = await notifications(alice, 2)
    expect(forAlice.map((n: any) => [n.type, n.targetId, n.count, n.actors])).toEqual([
      ['comment', post.id, 2, [bob.id, carol.id]],
      ['follow', alice.id, 1, [bob.id]],
    ])
    const forCarol = await notifications(carol, 1)
    expect(forCarol[0]).toMatchObject({ type: 'reply', targetType: 'comment', targetId: comment.id, actors: [bob.id], data: { postId: post.id, preview: 'thanks' } })
  })

  test('none from a user blocked after acting but before the event was relayed', async () => {
    const [alice, bob] = [await user(), await user()]
    const post = ok(await http.post('/v1/posts', { body: 'x' }, as(alice)), 201).body
    await h.settle()
    await app.hearth.relay.stop()
    try {
      ok(await http.put(`/v1/posts/${post.id}/like`, undefined, as(bob)), 204)
      ok(await http.put(`/v1/users/${alice.id}/follow`, undefined, as(bob)))
      ok(await http.put(`/v1/users/${bob.id}/block`, undefined, as(alice)), 204)
    } finally {
      app.hearth.relay.start()
    }
    await h.settle()
    expect(await list(alice)).toEqual([])
  })

  test('an event delivered twice notifies once', async () => {
    const [alice, bob] = [await user(), await user()]
    ok(await http.put(`/v1/users/${alice.id}/follow`, undefined, as(bob)))
    const post = ok(await http.post('/v1/posts', { body: 'x' }, as(alice)), 201).body
    ok(await http.put(`/v1/posts/${post.id}/like`, undefined, as(bob)), 204)
    await notifications(alice, 2)
    const mine = h.events.filter((e) => e.actorId === bob.id)
    expect(mine.map((e) => e.type)).toEqual(['follow.created', 'post.liked'])
    for (const event of mine) await redeliver(event)
    const rows = await notifications(alice, 2)
    // (Both were stored within a millisecond or so: their order in the list is not the point.)
    expect(rows.map((n: any) => [n.type, n.count]).sort()).toEqual([
      ['follow', 1],
      ['like', 1],
    ])
  })
})

describe('notifications are checked when read', () => {
  test('a like on a post since deleted is left out', async () => {
    const [alice, bob] = [await user(), await user()]
    const kept = ok(await http.post('/v1/posts', { body: 'kept' }, as(alice)), 201).body
    const gone = ok(await http.post('/v1/posts', { body: 'gone' }, as(alice)), 201).body
    ok(await http.put(`/v1/posts/${kept.id}/like`, undefined, as(bob)), 204)
    ok(await http.put(`/v1/posts/${gone.id}/like`, undefined, as(bob)), 204)
    expect((await notifications(alice, 2)).map((n: any) => n.targetId).sort()).toEqual([kept.id, gone.id].sort())
    ok(await http.delete(`/v1/posts/${gone.id}`, as(alice)), 204)
    expect((await list(alice)).map((n: any) => n.targetId)).toEqual([kept.id])
  })

  test('a reply under a post the reader can no longer see (its author blocked them) is left out', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    const post = ok(await http.post('/v1/posts', { body: 'thread' }, as(alice)), 201).body
    const comment = ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 'mine' }, as(carol)), 201).body
    ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 're', replyTo: comment.id }, as(bob)), 201)
    expect((await notifications(carol, 1))[0]).toMatchObject({ type: 'reply', targetId: comment.id })
    ok(await http.put(`/v1/users/${carol.id}/block`, undefined, as(alice)), 204)
    expect(await list(carol)).toEqual([])
    ok(await http.delete(`/v1/users/${carol.id}/block`, as(alice)), 204)
    expect((await list(carol)).map((n: any) => n.type)).toEqual(['reply'])
  })
})

describe('feed.updated', () => {
  test('followers’ open sockets hear of new posts, coalesced, with the unseen count', async () => {
    const [author, reader] = [await user(), await user()]
    ok(await http.put(`/v1/users/${author.id}/follow`, undefined, as(reader)))
    ok(await http.get('/v1/feed', as(reader)))
    await h.settle()
    const ws = await WsClient.open(app.wsUrl, reader.accessToken)
    try {
      await ws.request('ping')
      for (let i = 0; i < 3; i++) ok(await http.post('/v1/posts', { body: `n${i}` }, as(author)), 201)
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

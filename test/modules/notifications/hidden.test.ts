import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { notificationProcessors } from '../../../src/modules/notifications/processor'
import { ok, type TestUser } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { eventually } from '../../helpers/wait'
import { socialApp } from '../social/harness'

// What a rule hides stays hidden in notifications, checked when they are read (and when
// one is pushed): a deleted comment's text, and users blocked (either way) after they acted.

setDefaultTimeout(30_000)
const h = await socialApp()
const { app, http, notifications } = h
const as = (u: TestUser) => ({ token: u.accessToken })
const user = () => registerUser(app.http)
const list = async (u: TestUser) => ok(await http.get('/v1/notifications', as(u))).body.notifications
const block = async (a: TestUser, b: TestUser) => ok(await http.put(`/v1/users/${b.id}/block`, undefined, as(a)), 204)
const unblock = async (a: TestUser, b: TestUser) => ok(await http.delete(`/v1/users/${b.id}/block`, as(a)), 204)
const postBy = async (u: TestUser, body = 'a post') => ok(await http.post('/v1/posts', { body }, as(u)), 201).body
const like = async (u: TestUser, post: { id: string }) => ok(await http.put(`/v1/posts/${post.id}/like`, undefined, as(u)), 204)

/** The notifications processor run by hand, as a worker thread runs it (a real database and sink). */
const runProcessor = (input: unknown) =>
  notificationProcessors['notification.create']!(input, h.jobContext({ id: 'by-hand', queue: 'notifications', name: 'notification.create', attempt: 1 }))

describe('a deleted comment', () => {
  test("its text leaves the post author's comment notification and the reply notification", async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    const post = await postBy(alice)
    const comment = ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 'carol was here' }, as(carol)), 201).body
    const reply = ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 'something regrettable', replyTo: comment.id }, as(bob)), 201).body
    const [forAlice] = await notifications(alice, 1)
    expect(forAlice).toMatchObject({ type: 'comment', data: { commentId: reply.id, preview: 'something regrettable' } })
    expect((await notifications(carol, 1))[0]).toMatchObject({ type: 'reply', data: { commentId: reply.id, preview: 'something regrettable' } })

    ok(await http.delete(`/v1/comments/${reply.id}`, as(bob)), 204)
    for (const reader of [alice, carol]) {
      const rows = await list(reader)
      expect(rows).toHaveLength(1)
      expect(rows[0].data).toMatchObject({ postId: post.id, commentId: reply.id, preview: null })
      expect(JSON.stringify(rows)).not.toContain('regrettable')
    }
    // A comment still there keeps its preview.
    const kept = ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 'still here' }, as(carol)), 201).body
    await h.settle()
    await eventually('the newer comment in the row', async () => (await list(alice))[0]?.data.commentId === kept.id)
    expect((await list(alice))[0].data.preview).toBe('still here')
  })
})

describe('a user blocked after they acted', () => {
  test('leaves the actors of a like row, and the count follows; unblocking brings them back', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    const post = await postBy(alice)
    await like(bob, post)
    await h.settle()
    await like(carol, post)
    const [row] = await notifications(alice, 1)
    expect(row).toMatchObject({ type: 'like', count: 2, actors: [carol.id, bob.id] })

    await block(alice, bob)
    expect((await list(alice)).map((n: any) => [n.type, n.count, n.actors])).toEqual([['like', 1, [carol.id]]])
    await unblock(alice, bob)
    expect((await list(alice)).map((n: any) => [n.type, n.count, n.actors])).toEqual([['like', 2, [carol.id, bob.id]]])
    // The other direction hides them as well.
    await block(bob, alice)
    expect((await list(alice)).map((n: any) => [n.type, n.count, n.actors])).toEqual([['like', 1, [carol.id]]])
  })

  test('a follow, like or comment row whose only actor is blocked (either way) disappears; others stay', async () => {
    const [alice, bob, dave] = [await user(), await user(), await user()]
    ok(await http.put(`/v1/users/${alice.id}/follow`, undefined, as(bob)))
    const post = await postBy(alice)
    await like(bob, post)
    ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 'bob says hi' }, as(bob)), 201)
    ok(await http.put(`/v1/users/${alice.id}/follow`, undefined, as(dave)))
    const rows = await notifications(alice, 3)
    expect(rows.map((n: any) => n.type).sort()).toEqual(['comment', 'follow', 'like'])
    expect(rows.find((n: any) => n.type === 'follow').actors).toEqual([dave.id, bob.id])

    await block(bob, alice)
    const after = await list(alice)
    expect(after.map((n: any) => [n.type, n.count, n.actors])).toEqual([['follow', 1, [dave.id]]])
    expect(JSON.stringify(after)).not.toContain(bob.id)
    expect(JSON.stringify(after)).not.toContain('bob says hi')
  })

  test('a grouped row pushed live carries no blocked actor; nothing is pushed for a blocked actor', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    const post = await postBy(alice)
    await like(bob, post)
    await notifications(alice, 1)
    await block(alice, bob)
    await like(carol, post)
    const pushed = await eventually('the push of carol’s like', async () =>
      h.pushes.find((p) => p.userId === alice.id && p.type === 'notification.created' && p.data.actors.includes(carol.id)),
    )
    expect(pushed.data).toMatchObject({ type: 'like', count: 1, actors: [carol.id] })
    expect(h.pushes.filter((p) => p.userId === alice.id && JSON.stringify(p.data.actors).includes(bob.id))).toHaveLength(1) // only the first, before the block

    // A notification job about bob that ran after the block (queued just before it): stored, never shown, not pushed.
    const dave = await user()
    const before = h.pushes.length
    await block(dave, bob)
    await runProcessor({ userId: dave.id, type: 'follow', targetType: 'user', targetId: dave.id, actorId: bob.id, data: {} })
    await Bun.sleep(200)
    expect(h.pushes.slice(before).filter((p) => p.userId === dave.id)).toEqual([])
    expect(await list(dave)).toEqual([])
  })

  test('the newest actor blocked: their comment’s preview goes with them', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    const post = await postBy(alice)
    ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 'carol first' }, as(carol)), 201)
    await h.settle()
    ok(await http.post(`/v1/posts/${post.id}/comments`, { body: 'bob after' }, as(bob)), 201)
    await h.settle()
    await eventually('two comments grouped', async () => (await list(alice))[0]?.count === 2)
    await block(alice, bob)
    const [row] = await list(alice)
    expect(row).toMatchObject({ type: 'comment', count: 1, actors: [carol.id] })
    expect(row.data.preview).toBeNull()
    expect(JSON.stringify(row)).not.toContain('bob after')
  })
})

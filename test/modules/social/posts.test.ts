import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../../src/db/tx'
import { AppError } from '../../../src/lib/errors'
import { ok } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { socialApp, socialWith } from './harness'

setDefaultTimeout(30_000)
const h = await socialApp()
const { app, http } = h
const as = (u: { accessToken: string }) => ({ token: u.accessToken })
const user = () => registerUser(app.http)

async function post(author: { accessToken: string }, body: Record<string, unknown>) {
  return ok(await http.post('/v1/posts', body, as(author)), 201).body
}
const follow = async (a: { accessToken: string }, b: { id: string }) => ok(await http.put(`/v1/users/${b.id}/follow`, undefined, as(a)))
const block = async (a: { accessToken: string }, b: { id: string }) => ok(await http.put(`/v1/users/${b.id}/block`, undefined, as(a)), 204)
const feedIds = async (u: { accessToken: string }) => ok(await http.get('/v1/feed?limit=100', as(u))).body.posts.map((p: any) => p.id)

/** Three viewers of one author: a follower, someone who does not follow, someone blocked. */
async function audience() {
  const [author, follower, stranger, blocked] = [await user(), await user(), await user(), await user()]
  await follow(follower, author)
  await block(author, blocked)
  return { author, follower, stranger, blocked }
}

describe('posts', () => {
  test('a post answers with its author, counts and likedByMe', async () => {
    const alice = await user()
    const created = await post(alice, { body: '  hello world  ' })
    expect(created).toMatchObject({
      authorId: alice.id,
      author: { id: alice.id, username: alice.username, displayName: null },
      body: 'hello world',
      visibility: 'public',
      attachments: [],
      likes: 0,
      comments: 0,
      likedByMe: false,
    })
    expect(Date.parse(created.createdAt)).toBeGreaterThan(Date.now() - 60_000)
    expect(ok(await http.get(`/v1/posts/${created.id}`, as(alice))).body).toEqual(created)
    expect(ok(await http.get(`/v1/users/${alice.id}/profile`, as(alice))).body.posts).toBe(1)
  })

  test('attachments that are not uploads of the author: 422 invalid_media, nothing stored', async () => {
    const alice = await user()
    const unknown = crypto.randomUUID()
    const res = await http.post('/v1/posts', { body: 'look', attachments: [unknown] }, as(alice))
    expect(res.status).toBe(422)
    expect(res.body.error).toMatchObject({ code: 'invalid_media', message: `media ${unknown} is not one of your uploads` })
    expect(ok(await http.get(`/v1/users/${alice.id}/posts`, as(alice))).body.posts).toEqual([])
  })

  describe('through the media and moderation ports', () => {
    // The ports as the media and moderation features will answer them: media refuses ids
    // that are not the author's uploads and references the rest in the post's transaction;
    // moderation refuses a word and hears of what was stored.
    const own = new Map<string, string>()
    const refs: { op: string; targetId: string; mediaIds?: string[] }[] = []
    const screened: { kind: string; id: string }[] = []
    const social = socialWith(app, {
      media: {
        validateAttachments: async ({ userId, mediaIds }) => {
          if (mediaIds.some((id) => own.get(id) !== userId)) throw new AppError('invalid_target', 'attachments must be your own uploads')
        },
        attach: async ({ tx, targetId, mediaIds }) => {
          await tx.execute(sql`select 1`) // in the post's transaction
          refs.push({ op: 'attach', targetId, mediaIds })
        },
        release: async ({ targetId }) => {
          for (const id of [targetId].flat().sort()) refs.push({ op: 'release', targetId: id })
        },
        visibleThrough: () => {},
      },
      postModeration: {
        screen: async ({ text }) => {
          if (/forbidden-word/i.test(text)) throw new AppError('validation_failed', 'blocked by a moderation rule')
          return { committed: async (target) => void screened.push(target) }
        },
      },
    })

    test('attachments are checked, referenced with the post, kept in order and released with it', async () => {
      const alice = await user()
      const media = [crypto.randomUUID(), crypto.randomUUID()]
      for (const id of media) own.set(id, alice.id)
      const created = await social.posts.create({ userId: alice.id, body: '', attachments: media })
      expect(created.attachments).toEqual(media)
      expect(ok(await http.get(`/v1/posts/${created.id}`, as(alice))).body.attachments).toEqual(media)
      await social.posts.remove({ userId: alice.id, postId: created.id })
      expect(refs.filter((r) => r.targetId === created.id)).toEqual([
        { op: 'attach', targetId: created.id, mediaIds: media },
        { op: 'release', targetId: created.id },
      ])
    })

    test("a comment's attachments are checked, referenced with it, shown in its view and released with it (a top-level comment's with its replies, every comment's with the post)", async () => {
      const [alice, bob] = [await user(), await user()]
      const [a1, a2, b1, b2] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()]
      own.set(a1, alice.id).set(a2, alice.id).set(b1, bob.id).set(b2, bob.id)
      const p = await social.posts.create({ userId: alice.id, body: 'thread' })
      const top = await social.comments.create({ userId: bob.id, postId: p.id, body: '', attachments: [b1] })
      expect(top.attachments).toEqual([b1])
      const reply = await social.comments.create({ userId: alice.id, postId: p.id, body: 'both', replyTo: top.id, attachments: [a1, a2] })
      const other = await social.comments.create({ userId: bob.id, postId: p.id, body: 'other', attachments: [b2] })
      expect(ok(await http.get(`/v1/posts/${p.id}/comments`, as(alice))).body.comments.map((c: any) => c.attachments)).toEqual([[b1], [b2]])
      expect(ok(await http.get(`/v1/comments/${top.id}/replies`, as(bob))).body.comments).toEqual([reply])
      expect(reply.attachments).toEqual([a1, a2])
      const refused = await social.comments.create({ userId: alice.id, postId: p.id, body: 'mine', attachments: [b1] }).catch((err: AppError) => err.code)
      expect(refused).toBe('invalid_target')

      await social.comments.remove({ userId: bob.id, commentId: top.id })
      await social.posts.remove({ userId: alice.id, postId: p.id })
      const about = new Set([top.id, reply.id, other.id])
      expect(refs.filter((r) => about.has(r.targetId))).toEqual([
        { op: 'attach', targetId: top.id, mediaIds: [b1] },
        { op: 'attach', targetId: reply.id, mediaIds: [a1, a2] },
        { op: 'attach', targetId: other.id, mediaIds: [b2] },
        { op: 'release', targetId: top.id },
        { op: 'release', targetId: reply.id },
        { op: 'release', targetId: other.id },
      ])
    })

    test('attachments the media check refuses: the post is refused', async () => {
      const [alice, bob] = [await user(), await user()]
      const bobs = crypto.randomUUID()
      own.set(bobs, bob.id)
      const refused = await social.posts.create({ userId: alice.id, body: 'look', attachments: [bobs] }).catch((err: AppError) => err.code)
      expect(refused).toBe('invalid_target')
      expect(ok(await http.get(`/v1/users/${alice.id}/posts`, as(alice))).body.posts).toEqual([])
    })

    test('text the moderation check refuses: the post and the comment are refused; what passes is reported stored', async () => {
      const alice = await user()
      const refused = await social.posts.create({ userId: alice.id, body: 'a forbidden-word here' }).catch((err: AppError) => err.code)
      expect(refused).toBe('validation_failed')
      expect(ok(await http.get(`/v1/users/${alice.id}/posts`, as(alice))).body.posts).toEqual([])
      const p = await social.posts.create({ userId: alice.id, body: 'fine' })
      const no = await social.comments.create({ userId: alice.id, postId: p.id, body: 'forbidden-word' }).catch((err: AppError) => err.code)
      expect(no).toBe('validation_failed')
      expect(ok(await http.get(`/v1/posts/${p.id}`, as(alice))).body.comments).toBe(0)
      const c = await social.comments.create({ userId: alice.id, postId: p.id, body: 'also fine' })
      expect(screened.filter((t) => t.id === p.id || t.id === c.id)).toEqual([
        { kind: 'post', id: p.id },
        { kind: 'comment', id: c.id },
      ])
    })
  })

  test('an empty post (no body, no attachments): 422', async () => {
    const alice = await user()
    expect((await http.post('/v1/posts', { body: '   ' }, as(alice))).status).toBe(422)
  })

  test('a body over 5000 characters: 422', async () => {
    const alice = await user()
    expect((await http.post('/v1/posts', { body: 'x'.repeat(5001) }, as(alice))).status).toBe(422)
  })

  test('more than 4 attachments: 422', async () => {
    const alice = await user()
    const res = await http.post('/v1/posts', { body: 'x', attachments: Array.from({ length: 5 }, () => crypto.randomUUID()) }, as(alice))
    expect(res.status).toBe(422)
  })

  test('a visibility that is not public or followers: 422', async () => {
    const alice = await user()
    expect((await http.post('/v1/posts', { body: 'x', visibility: 'friends' }, as(alice))).status).toBe(422)
  })

  test('a public post: the follower and the stranger see it, the blocked user does not', async () => {
    const { author, follower, stranger, blocked } = await audience()
    const p = await post(author, { body: 'for all' })
    expect((await http.get(`/v1/posts/${p.id}`, as(follower))).status).toBe(200)
    expect((await http.get(`/v1/posts/${p.id}`, as(stranger))).status).toBe(200)
    expect((await http.get(`/v1/posts/${p.id}`, as(blocked))).status).toBe(404)
    expect(ok(await http.get(`/v1/users/${author.id}/posts`, as(stranger))).body.posts.map((x: any) => x.id)).toEqual([p.id])
    expect(ok(await http.get(`/v1/users/${author.id}/posts`, as(blocked))).body.posts).toEqual([])
  })

  test('a followers-only post: the follower sees it, the stranger and the blocked user do not', async () => {
    const { author, follower, stranger, blocked } = await audience()
    const p = await post(author, { body: 'for followers', visibility: 'followers' })
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(follower))).body.visibility).toBe('followers')
    expect((await http.get(`/v1/posts/${p.id}`, as(stranger))).status).toBe(404)
    expect((await http.get(`/v1/posts/${p.id}`, as(blocked))).status).toBe(404)
    expect(ok(await http.get(`/v1/users/${author.id}/posts`, as(stranger))).body.posts).toEqual([])
    await h.settle()
    expect(await feedIds(follower)).toEqual([p.id])
  })

  test('the one who blocks does not see the blocked user’s posts either', async () => {
    const [alice, bob] = [await user(), await user()]
    const p = await post(bob, { body: 'hi' })
    await block(alice, bob)
    expect((await http.get(`/v1/posts/${p.id}`, as(alice))).status).toBe(404)
  })

  test('a deleted post is gone from the post route, the author’s posts, every feed, likes and comments', async () => {
    const { author, follower } = await audience()
    const p = await post(author, { body: 'soon gone' })
    await h.settle()
    expect(await feedIds(follower)).toEqual([p.id])
    expect((await http.delete(`/v1/posts/${p.id}`, as(author))).status).toBe(204)
    expect(await feedIds(follower)).toEqual([])
    expect(await feedIds(author)).toEqual([])
    expect((await http.get(`/v1/posts/${p.id}`, as(author))).status).toBe(404)
    expect(ok(await http.get(`/v1/users/${author.id}/posts`, as(follower))).body.posts).toEqual([])
    expect((await http.put(`/v1/posts/${p.id}/like`, undefined, as(follower))).status).toBe(404)
    expect((await http.post(`/v1/posts/${p.id}/comments`, { body: 'late' }, as(follower))).status).toBe(404)
    expect((await http.delete(`/v1/posts/${p.id}`, as(author))).status).toBe(404)
    expect(ok(await http.get(`/v1/users/${author.id}/profile`, as(author))).body.posts).toBe(0)
    // The retract job takes it out of the Redis feeds too.
    await h.settle()
    const zset = await app.res.redis.client.zRange(h.social.feed.store.keys(follower.id).zset, 0, -1)
    expect(zset.map(String)).not.toContain(p.id)
  })

  test('visibleIds: what notifications about posts may still show', async () => {
    const { author, follower, stranger, blocked } = await audience()
    const open = await post(author, { body: 'open' })
    const closed = await post(author, { body: 'closed', visibility: 'followers' })
    const gone = await post(author, { body: 'gone' })
    ok(await http.delete(`/v1/posts/${gone.id}`, as(author)), 204)
    const all = [open.id, closed.id, gone.id]
    expect(await app.hearth.api('social').visibleIds({ viewerId: follower.id, postIds: all })).toEqual(new Set([open.id, closed.id]))
    expect(await app.hearth.api('social').visibleIds({ viewerId: stranger.id, postIds: all })).toEqual(new Set([open.id]))
    expect(await app.hearth.api('social').visibleIds({ viewerId: blocked.id, postIds: all })).toEqual(new Set())
  })

  test('someone else’s post cannot be deleted: 403', async () => {
    const [alice, bob] = [await user(), await user()]
    const p = await post(alice, { body: 'mine' })
    const res = await http.delete(`/v1/posts/${p.id}`, as(bob))
    expect(res.status).toBe(403)
    expect((await http.get(`/v1/posts/${p.id}`, as(bob))).status).toBe(200)
  })

  test('a post you may not see cannot be deleted either: 404', async () => {
    const [alice, bob] = [await user(), await user()]
    const p = await post(alice, { body: 'private', visibility: 'followers' })
    expect((await http.delete(`/v1/posts/${p.id}`, as(bob))).status).toBe(404)
  })

  test('a user’s posts page newest first', async () => {
    const alice = await user()
    const made = []
    for (let i = 0; i < 5; i++) made.push((await post(alice, { body: `n${i}` })).id)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: any = ok(await http.get(`/v1/users/${alice.id}/posts?limit=2${cursor ? `&cursor=${cursor}` : ''}`, as(alice))).body
      seen.push(...page.posts.map((p: any) => p.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(made.reverse())
  })

  test('posts of a user that does not exist: 404', async () => {
    const alice = await user()
    expect((await http.get(`/v1/users/${crypto.randomUUID()}/posts`, as(alice))).status).toBe(404)
  })
})

describe('likes', () => {
  test('one like per user, idempotent both ways, with likedByMe', async () => {
    const [alice, bob] = [await user(), await user()]
    const p = await post(alice, { body: 'like me' })
    expect((await http.put(`/v1/posts/${p.id}/like`, undefined, as(bob))).status).toBe(204)
    expect((await http.put(`/v1/posts/${p.id}/like`, undefined, as(bob))).status).toBe(204)
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(bob))).body).toMatchObject({ likes: 1, likedByMe: true })
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(alice))).body).toMatchObject({ likes: 1, likedByMe: false })
    expect((await http.delete(`/v1/posts/${p.id}/like`, as(bob))).status).toBe(204)
    expect((await http.delete(`/v1/posts/${p.id}/like`, as(bob))).status).toBe(204)
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(bob))).body).toMatchObject({ likes: 0, likedByMe: false })
  })

  test('liking a post you may not see: 404', async () => {
    const [alice, bob] = [await user(), await user()]
    const p = await post(alice, { body: 'followers', visibility: 'followers' })
    expect((await http.put(`/v1/posts/${p.id}/like`, undefined, as(bob))).status).toBe(404)
    expect((await http.delete(`/v1/posts/${p.id}/like`, as(bob))).status).toBe(404)
  })

  test('liking as a blocked user: 404', async () => {
    const [alice, bob] = [await user(), await user()]
    const p = await post(alice, { body: 'not for bob' })
    await block(alice, bob)
    expect((await http.put(`/v1/posts/${p.id}/like`, undefined, as(bob))).status).toBe(404)
  })

  test('exact counts under concurrent likes and unlikes', async () => {
    const author = await user()
    const p = await post(author, { body: 'popular' })
    const fans = await Promise.all(Array.from({ length: 30 }, () => user()))
    // Every fan likes at once, some twice; then a third of them take it back at once.
    await Promise.all(fans.flatMap((f, i) => (i % 3 === 0 ? [h.social.posts.like({ userId: f.id, postId: p.id }), h.social.posts.like({ userId: f.id, postId: p.id })] : [h.social.posts.like({ userId: f.id, postId: p.id })])))
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(author))).body.likes).toBe(30)
    await Promise.all(fans.filter((_, i) => i % 3 === 1).flatMap((f) => [h.social.posts.unlike({ userId: f.id, postId: p.id }), h.social.posts.like({ userId: fans[0]!.id, postId: p.id })]))
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(author))).body.likes).toBe(20)
    const [row] = await queryRows<{ n: number }>(app.res.db, sql`select count(*)::int as n from post_likes where post_id = ${p.id}`)
    expect(row!.n).toBe(20)
  })
})

describe('comments', () => {
  test('comments and one level of replies, oldest first, with exact counts', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    const p = await post(alice, { body: 'discuss' })
    const c1 = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'first' }, as(bob)), 201).body
    expect(c1).toMatchObject({ postId: p.id, authorId: bob.id, author: { username: bob.username }, body: 'first', replyTo: null, replies: 0 })
    const c2 = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'second' }, as(carol)), 201).body
    const r1 = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'reply', replyTo: c1.id }, as(carol)), 201).body
    // A reply to a reply joins the thread of the comment it answers.
    const r2 = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'reply to reply', replyTo: r1.id }, as(alice)), 201).body
    expect([r1.replyTo, r2.replyTo]).toEqual([c1.id, c1.id])
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(alice))).body.comments).toBe(4)
    const top = ok(await http.get(`/v1/posts/${p.id}/comments`, as(alice))).body
    expect(top.comments.map((c: any) => [c.id, c.replies])).toEqual([
      [c1.id, 2],
      [c2.id, 0],
    ])
    const replies = ok(await http.get(`/v1/comments/${c1.id}/replies?limit=1`, as(alice))).body
    expect(replies.comments.map((c: any) => c.id)).toEqual([r1.id])
    const rest = ok(await http.get(`/v1/comments/${c1.id}/replies?limit=1&cursor=${replies.nextCursor}`, as(alice))).body
    expect(rest).toMatchObject({ comments: [{ id: r2.id }], nextCursor: null })
  })

  test('deleting a comment takes its replies; the counts follow', async () => {
    const [alice, bob] = [await user(), await user()]
    const p = await post(alice, { body: 'x' })
    const c = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'c' }, as(bob)), 201).body
    ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'r', replyTo: c.id }, as(alice)), 201)
    const keep = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'k' }, as(bob)), 201).body
    expect((await http.delete(`/v1/comments/${c.id}`, as(bob))).status).toBe(204)
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(alice))).body.comments).toBe(1)
    expect(ok(await http.get(`/v1/posts/${p.id}/comments`, as(alice))).body.comments.map((x: any) => x.id)).toEqual([keep.id])
    expect((await http.get(`/v1/comments/${c.id}/replies`, as(alice))).status).toBe(404)
    // The post's author may delete comments on it.
    expect((await http.delete(`/v1/comments/${keep.id}`, as(alice))).status).toBe(204)
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(alice))).body.comments).toBe(0)
  })

  test('a comment cannot be deleted by someone else: 403', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    const p = await post(alice, { body: 'x' })
    const c = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'c' }, as(bob)), 201).body
    expect((await http.delete(`/v1/comments/${c.id}`, as(carol))).status).toBe(403)
  })

  test('comments of users who block each other are hidden from each other', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    const p = await post(alice, { body: 'open thread' })
    const fromBob = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'bob here' }, as(bob)), 201).body
    const fromCarol = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'carol here' }, as(carol)), 201).body
    await block(carol, bob)
    const list = async (u: any) => ok(await http.get(`/v1/posts/${p.id}/comments`, as(u))).body.comments.map((c: any) => c.id)
    expect(await list(carol)).toEqual([fromCarol.id])
    expect(await list(bob)).toEqual([fromBob.id])
    expect(await list(alice)).toEqual([fromBob.id, fromCarol.id])
  })

  test('a block hides comments but does not keep them from their authors or the post’s author: both may still delete them', async () => {
    const [alice, bob, carol, dave] = [await user(), await user(), await user(), await user()]
    const p = await post(alice, { body: 'my thread' })
    const harassment = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'mean' }, as(bob)), 201).body
    const regret = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'oops' }, as(carol)), 201).body
    await block(alice, bob)
    await block(alice, carol)
    // Everyone else still sees them: the post's author can take them off their post...
    expect((await http.delete(`/v1/comments/${harassment.id}`, as(alice))).status).toBe(204)
    // ...and their author can take back what they wrote, though the post is hidden from them now.
    expect((await http.delete(`/v1/comments/${regret.id}`, as(carol))).status).toBe(204)
    expect(ok(await http.get(`/v1/posts/${p.id}/comments`, as(dave))).body.comments).toEqual([])
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(dave))).body.comments).toBe(0)
    // Anyone else who cannot see a comment still gets 404 (whether it exists or not).
    const other = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'fine' }, as(dave)), 201).body
    expect((await http.delete(`/v1/comments/${other.id}`, as(bob))).status).toBe(404)
  })

  test('replying to the comment of someone who blocks you: 404', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    const p = await post(alice, { body: 'x' })
    const c = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'c' }, as(carol)), 201).body
    await block(carol, bob)
    expect((await http.post(`/v1/posts/${p.id}/comments`, { body: 'hey', replyTo: c.id }, as(bob))).status).toBe(404)
  })

  test('commenting on a post you may not see: 404', async () => {
    const [alice, bob] = [await user(), await user()]
    const p = await post(alice, { body: 'x', visibility: 'followers' })
    expect((await http.post(`/v1/posts/${p.id}/comments`, { body: 'hi' }, as(bob))).status).toBe(404)
    expect((await http.get(`/v1/posts/${p.id}/comments`, as(bob))).status).toBe(404)
  })

  test('replying to a comment of another post: 404', async () => {
    const alice = await user()
    const [p1, p2] = [await post(alice, { body: '1' }), await post(alice, { body: '2' })]
    const c = ok(await http.post(`/v1/posts/${p1.id}/comments`, { body: 'c' }, as(alice)), 201).body
    expect((await http.post(`/v1/posts/${p2.id}/comments`, { body: 'r', replyTo: c.id }, as(alice))).status).toBe(404)
  })

  test('comment attachments that are not uploads of the author: 422 invalid_media, nothing stored', async () => {
    const alice = await user()
    const p = await post(alice, { body: 'x' })
    const unknown = crypto.randomUUID()
    const res = await http.post(`/v1/posts/${p.id}/comments`, { body: 'look', attachments: [unknown] }, as(alice))
    expect(res.status).toBe(422)
    expect(res.body.error).toMatchObject({ code: 'invalid_media', message: `media ${unknown} is not one of your uploads` })
    expect(ok(await http.get(`/v1/posts/${p.id}/comments`, as(alice))).body.comments).toEqual([])
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(alice))).body.comments).toBe(0)
  })

  test('a comment with more than 4 attachments: 422', async () => {
    const alice = await user()
    const p = await post(alice, { body: 'x' })
    const res = await http.post(`/v1/posts/${p.id}/comments`, { body: 'x', attachments: Array.from({ length: 5 }, () => crypto.randomUUID()) }, as(alice))
    expect(res.status).toBe(422)
  })

  test('an empty comment: 422', async () => {
    const alice = await user()
    const p = await post(alice, { body: 'x' })
    expect((await http.post(`/v1/posts/${p.id}/comments`, { body: '' }, as(alice))).status).toBe(422)
    expect((await http.post(`/v1/posts/${p.id}/comments`, { body: '   ' }, as(alice))).status).toBe(422)
  })

  test('a comment over 2000 characters: 422', async () => {
    const alice = await user()
    const p = await post(alice, { body: 'x' })
    expect((await http.post(`/v1/posts/${p.id}/comments`, { body: 'y'.repeat(2001) }, as(alice))).status).toBe(422)
  })

  test('exact counts under concurrent comments and replies', async () => {
    const alice = await user()
    const p = await post(alice, { body: 'busy' })
    const root = ok(await http.post(`/v1/posts/${p.id}/comments`, { body: 'root' }, as(alice)), 201).body
    const people = await Promise.all(Array.from({ length: 12 }, () => user()))
    await Promise.all(
      people.flatMap((u) => [
        h.social.comments.create({ userId: u.id, postId: p.id, body: 'top' }),
        h.social.comments.create({ userId: u.id, postId: p.id, body: 'reply', replyTo: root.id }),
      ]),
    )
    expect(ok(await http.get(`/v1/posts/${p.id}`, as(alice))).body.comments).toBe(25)
    expect(ok(await http.get(`/v1/posts/${p.id}/comments?limit=100`, as(alice))).body.comments[0]).toMatchObject({ id: root.id, replies: 12 })
  })
})

describe('posts are for signed-in users', () => {
  test('no token: 401', async () => {
    expect((await http.post('/v1/posts', { body: 'x' })).status).toBe(401)
    expect((await http.get('/v1/feed')).status).toBe(401)
  })

  test('a bad token: 401', async () => {
    expect((await http.get('/v1/feed', { token: 'bad' })).status).toBe(401)
  })
})

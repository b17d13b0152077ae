// Media in posts and comments, through the real app: their attachments are the author's
// own uploads, referenced with the post (the comment); whoever may see the post (the
// comment, blocks included) may fetch them (followers only for a followers' post);
// deleting the post (the comment) releases them.
import { expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { media, mediaRefs } from '../../../src/db/schema'
import { ok, type TestUser } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { startMediaApp } from '../../helpers/media'
import { eventually } from '../../helpers/wait'
import * as files from './fixtures'

setDefaultTimeout(30_000)

const app = await startMediaApp('disk')
const as = (u: TestUser) => ({ token: u.accessToken })
const user = () => registerUser(app.http)

async function ready(u: TestUser, bytes: Uint8Array, contentType = 'image/png') {
  const answer = ok(await app.http.post('/v1/media/uploads', { filename: 'f', contentType, size: bytes.length, purpose: 'post' }, as(u)), 201).body
  expect((await fetch(app.absolute(answer.upload.url), { method: 'PUT', headers: answer.upload.headers, body: bytes })).status).toBe(200)
  ok(await app.http.post(`/v1/media/${answer.media.id}/complete`, undefined, as(u)), 202)
  await eventually('ready', async () => ok(await app.http.get(`/v1/media/${answer.media.id}`, as(u))).body.status === 'ready')
  return answer.media.id as string
}

test("a followers' post: its attachments are referenced with it, fetched by followers and not by others, released when it is deleted", async () => {
  const [author, follower, stranger] = [await user(), await user(), await user()]
  ok(await app.http.put(`/v1/users/${author.id}/follow`, undefined, as(follower)))
  const photo = await ready(author, await files.png(80, 60))
  const post = ok(await app.http.post('/v1/posts', { body: 'holiday', attachments: [photo], visibility: 'followers' }, as(author)), 201).body
  expect(post.attachments).toEqual([photo])
  expect(await app.res.db.select().from(mediaRefs).where(eq(mediaRefs.mediaId, photo))).toEqual([
    expect.objectContaining({ kind: 'post', targetId: post.id, roomId: null }),
  ])
  expect(ok(await app.http.get(`/v1/media/${photo}`, as(follower))).body.variants).toHaveLength(2)
  expect((await app.http.get(`/v1/media/${photo}`, as(stranger))).status).toBe(404)

  ok(await app.http.delete(`/v1/posts/${post.id}`, as(author)), 204)
  expect(await app.res.db.select().from(mediaRefs).where(eq(mediaRefs.mediaId, photo))).toEqual([])
  await app.pipeline().sweep()
  expect(await app.res.db.select().from(media).where(eq(media.id, photo))).toEqual([])
})

test("a post with someone else's media is refused (422) and nothing is stored", async () => {
  const [author, other] = [await user(), await user()]
  const theirs = await ready(other, await files.png(40, 40))
  const res = await app.http.post('/v1/posts', { body: 'mine now', attachments: [theirs] }, as(author))
  expect([res.status, res.body.error.code]).toEqual([422, 'invalid_media'])
  expect(ok(await app.http.get(`/v1/users/${author.id}/posts`, as(author))).body.posts).toEqual([])
})

const refsOf = (mediaId: string) => app.res.db.select().from(mediaRefs).where(eq(mediaRefs.mediaId, mediaId))
const block = async (a: TestUser, b: TestUser) => ok(await app.http.put(`/v1/users/${b.id}/block`, undefined, as(a)), 204)

test('a comment with an image: referenced with it, shown in its view, fetched by whoever sees the comment and by nobody a block keeps from it', async () => {
  const [author, commenter, reader, blocked, blocker] = [await user(), await user(), await user(), await user(), await user()]
  const post = ok(await app.http.post('/v1/posts', { body: 'show me yours' }, as(author)), 201).body
  const photo = await ready(commenter, await files.png(80, 60))
  const comment = ok(await app.http.post(`/v1/posts/${post.id}/comments`, { body: 'here', attachments: [photo] }, as(commenter)), 201).body
  expect(comment.attachments).toEqual([photo])
  expect(ok(await app.http.get(`/v1/posts/${post.id}/comments`, as(reader))).body.comments).toEqual([comment])
  expect(await refsOf(photo)).toEqual([expect.objectContaining({ kind: 'comment', targetId: comment.id, roomId: null })])
  // An image-only reply: the body may be empty when there are attachments.
  const sticker = await ready(commenter, await files.png(30, 30))
  const reply = ok(await app.http.post(`/v1/posts/${post.id}/comments`, { body: '', replyTo: comment.id, attachments: [sticker] }, as(commenter)), 201).body
  expect(ok(await app.http.get(`/v1/comments/${comment.id}/replies`, as(reader))).body.comments).toEqual([reply])

  for (const u of [author, reader]) expect(ok(await app.http.get(`/v1/media/${photo}`, as(u))).body.variants).toHaveLength(2)
  // Blocked by the comment's author, or blocking them: the comment is hidden, and so is its image.
  await block(commenter, blocked)
  await block(blocker, commenter)
  for (const u of [blocked, blocker]) {
    expect((await app.http.get(`/v1/media/${photo}`, as(u))).status).toBe(404)
    expect((await app.http.get(`/v1/media/${sticker}`, as(u))).status).toBe(404)
  }
  // Blocked by the post's author: the post is hidden from them, its comments' images too.
  const [outsider] = [await user()]
  expect(ok(await app.http.get(`/v1/media/${photo}`, as(outsider))).body.status).toBe('ready')
  await block(author, outsider)
  expect((await app.http.get(`/v1/media/${photo}`, as(outsider))).status).toBe(404)
})

test("a comment with someone else's media is refused (422) and nothing is stored or referenced", async () => {
  const [author, other] = [await user(), await user()]
  const post = ok(await app.http.post('/v1/posts', { body: 'x' }, as(author)), 201).body
  const theirs = await ready(other, await files.png(40, 40))
  const res = await app.http.post(`/v1/posts/${post.id}/comments`, { body: 'mine now', attachments: [theirs] }, as(author))
  expect([res.status, res.body.error.code]).toEqual([422, 'invalid_media'])
  expect(ok(await app.http.get(`/v1/posts/${post.id}/comments`, as(author))).body.comments).toEqual([])
  expect(ok(await app.http.get(`/v1/posts/${post.id}`, as(author))).body.comments).toBe(0)
  expect(await refsOf(theirs)).toEqual([])
})

test("deleting a comment releases its media and its replies'; deleting a post releases its comments'", async () => {
  const [author, commenter] = [await user(), await user()]
  const post = ok(await app.http.post('/v1/posts', { body: 'thread' }, as(author)), 201).body
  const [a, b, c] = [await ready(commenter, await files.png(20, 20)), await ready(author, await files.png(21, 21)), await ready(commenter, await files.png(22, 22))]
  const top = ok(await app.http.post(`/v1/posts/${post.id}/comments`, { body: 'a', attachments: [a] }, as(commenter)), 201).body
  ok(await app.http.post(`/v1/posts/${post.id}/comments`, { body: 'b', replyTo: top.id, attachments: [b] }, as(author)), 201)
  ok(await app.http.post(`/v1/posts/${post.id}/comments`, { body: 'c', attachments: [c] }, as(commenter)), 201)
  for (const id of [a, b, c]) expect(await refsOf(id)).toHaveLength(1)

  ok(await app.http.delete(`/v1/comments/${top.id}`, as(commenter)), 204)
  expect([await refsOf(a), await refsOf(b), (await refsOf(c)).length]).toEqual([[], [], 1])
  await app.pipeline().sweep()
  expect(await app.res.db.select({ id: media.id }).from(media).where(eq(media.id, a))).toEqual([])
  expect(await app.res.db.select({ id: media.id }).from(media).where(eq(media.id, b))).toEqual([])

  ok(await app.http.delete(`/v1/posts/${post.id}`, as(author)), 204)
  expect(await refsOf(c)).toEqual([])
  await app.pipeline().sweep()
  expect(await app.res.db.select({ id: media.id }).from(media).where(eq(media.id, c))).toEqual([])
})

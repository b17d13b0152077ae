// Media in posts, through the real app: a post's attachments are the author's own
// uploads, referenced with the post; whoever may see the post may fetch them (followers
// only for a followers' post); deleting the post releases them.
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

// One suite, two homes: run by disk.test.ts and s3.test.ts. What a client sees is the
// same on both; where a home refuses something at a different step (the disk store
// checks the bytes of a PUT, s3rver does not check signatures), the case says so.
import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq, sql } from 'drizzle-orm'
import sharp from 'sharp'
import { deadLetters, media, mediaRefs } from '../../../src/db/schema'
import { jobId } from '../../../src/jobs/queues'
import { newId } from '../../../src/lib/ids'
import { mediaKeys } from '../../../src/modules/media/view'
import { newCommunity, ok, type TestUser } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { startMediaApp, type MediaApp, type MediaHome } from '../../helpers/media'
import { eventually } from '../../helpers/wait'
import { WsClient } from '../../helpers/ws'
import * as files from './fixtures'

setDefaultTimeout(30_000)
const MB = 1024 * 1024

/** The app the suite runs against (started at the top level of each test file, so its afterAll stops it). */
export const startSuiteApp = (home: MediaHome) => startMediaApp(home, { MEDIA_QUOTA_BYTES: String(60 * MB) })

export function mediaSuite(app: MediaApp) {
  const home = app.home
  const sockets: WsClient[] = []
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close()
  })

  const as = (u: TestUser) => ({ token: u.accessToken })
  const user = () => registerUser(app.http)

  const start = (u: TestUser, body: Record<string, unknown>) => app.http.post('/v1/media/uploads', body, as(u))
  const put = (ticket: { url: string; headers: Record<string, string> }, bytes: Uint8Array, headers: Record<string, string> = {}) =>
    fetch(app.absolute(ticket.url), { method: 'PUT', headers: { ...ticket.headers, ...headers }, body: bytes })

  /** Starts an upload and sends the bytes; answers the pending media. */
  async function uploaded(u: TestUser, bytes: Uint8Array, meta: { contentType: string; filename?: string; purpose?: string }) {
    const answer = ok(await start(u, { filename: meta.filename ?? 'file', contentType: meta.contentType, size: bytes.length, purpose: meta.purpose }), 201).body
    const sent = await put(answer.upload, bytes)
    if (sent.status !== 200) throw new Error(`upload PUT answered ${sent.status}: ${await sent.text()}`)
    return answer.media
  }
  const complete = (u: TestUser, id: string) => app.http.post(`/v1/media/${id}/complete`, undefined, as(u))
  const read = (u: TestUser, id: string) => app.http.get(`/v1/media/${id}`, as(u))

  /** Uploaded, completed, and processed to the end (ready or failed). */
  async function settled(u: TestUser, id: string) {
    return eventually(`media ${id} to settle`, async () => {
      const view = ok(await read(u, id)).body
      return view.status === 'ready' || view.status === 'failed' ? view : undefined
    })
  }
  async function ready(u: TestUser, bytes: Uint8Array, meta: { contentType: string; filename?: string; purpose?: string }) {
    const m = await uploaded(u, bytes, meta)
    ok(await complete(u, m.id), 202)
    const view = await settled(u, m.id)
    expect(view.status).toBe('ready')
    return view
  }
  const fetchBytes = async (url: string) => {
    const res = await fetch(app.absolute(url))
    expect(res.status).toBe(200)
    return { res, bytes: new Uint8Array(await res.arrayBuffer()) }
  }
  const stored = async (id: string) => {
    const found = await Promise.all(mediaKeys.all(id).map(async (key) => ((await app.storage.stat(key)) ? key : undefined)))
    return found.filter(Boolean)
  }
  const row = async (id: string) => (await app.res.db.select().from(media).where(eq(media.id, id)))[0]

  describe(`media on ${home}: happy paths`, () => {
    test('an attachment image: 201 with a URL for exactly it, 202 processing, then ready with two WebP variants and a placeholder', async () => {
      const u = await user()
      const bytes = await files.png(600, 400)
      const answer = ok(await start(u, { filename: 'sunset.png', contentType: 'image/png', size: bytes.length }), 201).body
      expect(answer.media).toMatchObject({ status: 'pending', purpose: 'attachment', filename: 'sunset.png', contentType: 'image/png', size: bytes.length, variants: [] })
      expect(answer.upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/png' } })
      const ttl = Date.parse(answer.upload.expiresAt) - Date.now()
      expect(ttl).toBeGreaterThan(60_000)
      expect(ttl).toBeLessThanOrEqual(600_000)
      expect((await put(answer.upload, bytes)).status).toBe(200)

      const completed = ok(await complete(u, answer.media.id), 202).body
      expect(completed.status).toBe('processing')
      const view = await settled(u, answer.media.id)
      expect(view).toMatchObject({ status: 'ready', width: 600, height: 400 })
      expect(typeof view.thumbhash).toBe('string')
      expect(view.variants.map((v: any) => [v.name, v.width, v.height, v.contentType])).toEqual([
        ['w400', 400, 267, 'image/webp'],
        ['w1280', 600, 400, 'image/webp'],
      ])
      expect(view.url).toBe(view.variants[1].url)
      for (const v of view.variants) {
        const { res, bytes: got } = await fetchBytes(v.url)
        expect(res.headers.get('content-type')).toBe('image/webp')
        const meta = await sharp(got).metadata()
        expect([meta.format, meta.width, meta.height]).toEqual(['webp', v.width, v.height])
      }
      // The original is never served back: it is gone once the variants exist.
      expect(await app.storage.stat(mediaKeys.original(answer.media.id))).toBeUndefined()
    })

    test.each([
      ['JPEG', 'image/jpeg', () => files.jpeg(640, 480), 640, 480],
      ['GIF', 'image/gif', () => files.gif(300, 200), 300, 200],
      ['lossy WebP', 'image/webp', () => files.webp(300, 200), 300, 200],
      ['lossless WebP', 'image/webp', () => files.webp(320, 240, { lossless: true }), 320, 240],
    ] as const)('a %s image is processed to variants with its dimensions', async (_name, contentType, make, width, height) => {
      const u = await user()
      const view = await ready(u, await make(), { contentType })
      expect([view.width, view.height]).toEqual([width, height])
      expect(view.variants).toHaveLength(2)
    })

    test("the uploader's sockets hear media.updated when the media is ready", async () => {
      const u = await user()
      const socket = await WsClient.open(app.wsUrl, u.accessToken)
      sockets.push(socket)
      await socket.request('ping')
      const m = await uploaded(u, await files.png(120, 80), { contentType: 'image/png' })
      ok(await complete(u, m.id), 202)
      const event = await socket.event('media.updated', 15_000, (e) => e.data.id === m.id)
      expect(event.data).toMatchObject({ id: m.id, status: 'ready', width: 120, height: 80 })
      expect(event.data.variants).toHaveLength(2)
    })

    test('a post file (PDF) is kept as it is, served as an attachment with its own type', async () => {
      const u = await user()
      const bytes = files.pdf()
      const view = await ready(u, bytes, { contentType: 'application/pdf', filename: 'minutes.pdf', purpose: 'post' })
      expect(view).toMatchObject({ purpose: 'post', contentType: 'application/pdf', variants: [] })
      expect(view.width).toBeUndefined()
      const { res, bytes: got } = await fetchBytes(view.url)
      expect(res.headers.get('content-type')).toBe('application/pdf')
      expect(res.headers.get('content-disposition')).toStartWith('attachment; filename="minutes.pdf"')
      expect(got).toEqual(bytes)
    })

    test('a text file is served as UTF-8 text, as an attachment', async () => {
      const u = await user()
      const view = await ready(u, files.text(), { contentType: 'text/csv', filename: 'scores.csv' })
      const { res } = await fetchBytes(view.url)
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      expect(res.headers.get('content-disposition')).toStartWith('attachment;')
    })

    test('an avatar: PUT /v1/users/me/avatar sets avatarUrl, which redirects to the small variant; a new one replaces it and the old is deleted', async () => {
      const u = await user()
      const first = await ready(u, await files.png(800, 800), { contentType: 'image/png', purpose: 'avatar' })
      const me = ok(await app.http.put('/v1/users/me/avatar', { mediaId: first.id }, as(u))).body
      expect(me.avatarUrl).toBe(`/v1/media/${first.id}/avatar`)
      expect(ok(await app.http.get('/v1/users/me', as(u))).body.avatarUrl).toBe(me.avatarUrl)
      // Others see it wherever the user is shown: the profile, and as the author of a post.
      const other = await user()
      expect(ok(await app.http.get(`/v1/users/${u.id}/profile`, as(other))).body.avatarUrl).toBe(me.avatarUrl)
      const post = ok(await app.http.post('/v1/posts', { body: 'a face' }, as(u)), 201).body
      expect(post.author.avatarUrl).toBe(me.avatarUrl)
      expect(ok(await app.http.get(`/v1/posts/${post.id}`, as(other))).body.author.avatarUrl).toBe(me.avatarUrl)
      ok(await app.http.post(`/v1/posts/${post.id}/comments`, { body: 'me again' }, as(u)), 201)
      expect(ok(await app.http.get(`/v1/posts/${post.id}/comments`, as(other))).body.comments[0].author.avatarUrl).toBe(me.avatarUrl)
      ok(await app.http.put(`/v1/users/${other.id}/follow`, undefined, as(u)))
      expect(ok(await app.http.get(`/v1/users/${other.id}/followers`, as(other))).body.users[0].avatarUrl).toBe(me.avatarUrl)

      // No token needed: an <img> follows the redirect to a signed URL of the 400 px variant.
      const hop = await fetch(app.absolute(me.avatarUrl), { redirect: 'manual' })
      expect(hop.status).toBe(302)
      const { bytes } = await fetchBytes(hop.headers.get('location')!)
      expect((await sharp(bytes).metadata()).width).toBe(400)

      const second = await ready(u, await files.jpeg(500, 500), { contentType: 'image/jpeg', purpose: 'avatar' })
      const changed = ok(await app.http.put('/v1/users/me/avatar', { mediaId: second.id }, as(u))).body
      expect(changed.avatarUrl).toBe(`/v1/media/${second.id}/avatar`)
      expect(ok(await app.http.get('/v1/users/me', as(u))).body.avatarUrl).toBe(changed.avatarUrl)
      expect(await row(first.id)).toBeUndefined()
      expect(await stored(first.id)).toEqual([])
      expect((await fetch(app.absolute(me.avatarUrl), { redirect: 'manual' })).status).toBe(404)

      const cleared = ok(await app.http.put('/v1/users/me/avatar', { mediaId: null }, as(u))).body
      expect(cleared.avatarUrl).toBeNull()
      expect(await row(second.id)).toBeUndefined()
    })

    test('two avatars set at once: one wins, and the other is neither left public nor kept', async () => {
      const u = await user()
      const [a, b] = await Promise.all([
        ready(u, await files.png(64, 64), { contentType: 'image/png', purpose: 'avatar' }),
        ready(u, await files.png(72, 72), { contentType: 'image/png', purpose: 'avatar' }),
      ])
      const answers = await Promise.all([a, b].map((m) => app.http.put('/v1/users/me/avatar', { mediaId: m.id }, as(u))))
      for (const res of answers) ok(res)
      const me = ok(await app.http.get('/v1/users/me', as(u))).body
      const refs = await app.res.db.select().from(mediaRefs).where(eq(mediaRefs.targetId, u.id))
      expect(refs.map((r) => `/v1/media/${r.mediaId}/avatar`)).toEqual([me.avatarUrl])
      const loser = refs[0]!.mediaId === a.id ? b : a
      await eventually('the replaced avatar deleted', async () => (await row(loser.id)) === undefined)
    })

    test('a community icon: PUT /v1/communities/:id/icon (manage_community) sets iconUrl, public like an avatar; a member without the permission is refused', async () => {
      const w = await newCommunity(app.http)
      const member = await w.join()
      const stranger = await user()
      const icon = await ready(w.owner, await files.png(256, 256), { contentType: 'image/png', purpose: 'community_icon' })
      expect((await read(stranger, icon.id)).status).toBe(404)

      const refused = await app.http.put(`/v1/communities/${w.id}/icon`, { mediaId: icon.id }, as(member))
      expect([refused.status, refused.body.error.code]).toEqual([403, 'missing_permission'])
      const community = ok(await app.http.put(`/v1/communities/${w.id}/icon`, { mediaId: icon.id }, as(w.owner))).body
      expect(community.iconUrl).toBe(`/v1/media/${icon.id}/avatar`)
      expect(ok(await app.http.get(`/v1/communities/${w.id}`, as(member))).body.iconUrl).toBe(community.iconUrl)
      expect(ok(await read(stranger, icon.id)).body.variants).toHaveLength(2)
      expect((await fetch(app.absolute(community.iconUrl), { redirect: 'manual' })).status).toBe(302)

      const removed = ok(await app.http.put(`/v1/communities/${w.id}/icon`, { mediaId: null }, as(w.owner))).body
      expect(removed.iconUrl).toBeNull()
      expect(await row(icon.id)).toBeUndefined() // nothing else used it
    })

    test("a community icon must be one of the manager's own ready images (422)", async () => {
      const w = await newCommunity(app.http)
      const other = await user()
      const theirs = await ready(other, await files.png(64, 64), { contentType: 'image/png' })
      const res = await app.http.put(`/v1/communities/${w.id}/icon`, { mediaId: theirs.id }, as(w.owner))
      expect([res.status, res.body.error.code]).toEqual([422, 'invalid_media'])
      const pdf = await ready(w.owner, files.pdf(), { contentType: 'application/pdf' })
      const notImage = await app.http.put(`/v1/communities/${w.id}/icon`, { mediaId: pdf.id }, as(w.owner))
      expect([notImage.status, notImage.body.error.message]).toEqual([422, 'a community icon must be an image'])
    })

    test('member lists show avatarUrl', async () => {
      const w = await newCommunity(app.http)
      const member = await w.join()
      const avatar = await ready(member, await files.png(100, 100), { contentType: 'image/png', purpose: 'avatar' })
      ok(await app.http.put('/v1/users/me/avatar', { mediaId: avatar.id }, as(member)))
      const { members } = ok(await app.http.get(`/v1/communities/${w.id}/members`, as(w.owner))).body
      const byId = Object.fromEntries(members.map((m: any) => [m.userId, m.avatarUrl]))
      expect(byId).toEqual({ [w.owner.id]: null, [member.id]: `/v1/media/${avatar.id}/avatar` })
    })

    test('EXIF (GPS included) is gone from every variant, and the orientation is applied', async () => {
      const u = await user()
      const bytes = await files.jpegWithGps()
      const original = await sharp(bytes).metadata()
      expect(files.hasGps(original.exif)).toBe(true) // the fixture does carry a location
      expect(original.orientation).toBe(6)
      const view = await ready(u, bytes, { contentType: 'image/jpeg' })
      expect([view.width, view.height]).toEqual([200, 300])
      for (const v of view.variants) {
        const meta = await sharp((await fetchBytes(v.url)).bytes).metadata()
        expect(meta.exif).toBeUndefined()
        expect(files.hasGps(meta.exif)).toBe(false)
        expect([meta.xmp, meta.iptc, meta.orientation]).toEqual([undefined, undefined, undefined])
        expect(meta.height!).toBeGreaterThan(meta.width!) // portrait, as shown
      }
    })
  })

  describe(`media on ${home}: refusals`, () => {
    test.each(['/v1/media/uploads', `/v1/media/${newId()}/complete`])('POST %s without a token is a 401', async (path) => {
      expect((await app.http.post(path, { filename: 'a.png', contentType: 'image/png', size: 10 })).status).toBe(401)
    })

    test('GET /v1/media/:id with a bad token is a 401', async () => {
      expect((await app.http.get(`/v1/media/${newId()}`, { token: 'not-a-token' })).status).toBe(401)
    })

    test('a type Hearth does not take is refused at upload (415)', async () => {
      const res = await start(await user(), { filename: 'setup.exe', contentType: 'application/x-msdownload', size: 1000 })
      expect(res.status).toBe(415)
      expect(res.body.error.code).toBe('unsupported_media_type')
    })

    test('an avatar that is not an image is refused at upload (415)', async () => {
      const res = await start(await user(), { filename: 'cv.pdf', contentType: 'application/pdf', size: 1000, purpose: 'avatar' })
      expect(res.status).toBe(415)
      expect(res.body.error.message).toContain('an avatar must be')
    })

    test("a file over its purpose's limit is refused at upload (413)", async () => {
      const res = await start(await user(), { filename: 'huge.png', contentType: 'image/png', size: 6 * MB, purpose: 'avatar' })
      expect(res.status).toBe(413)
      expect(res.body.error.message).toBe('an avatar may be at most 5 MB')
    })

    test('the quota counts pending uploads; the upload past it is refused (403)', async () => {
      const u = await user()
      ok(await start(u, { filename: 'a.zip', contentType: 'application/zip', size: 25 * MB }), 201)
      ok(await start(u, { filename: 'b.zip', contentType: 'application/zip', size: 25 * MB }), 201)
      const over = await start(u, { filename: 'c.zip', contentType: 'application/zip', size: 11 * MB })
      expect(over.status).toBe(403)
      expect(over.body.error.code).toBe('quota_exceeded')
      // Another user's quota is their own.
      ok(await start(await user(), { filename: 'c.zip', contentType: 'application/zip', size: 11 * MB }), 201)
    })

    test('complete before anything was uploaded is a 409, and the media stays pending', async () => {
      const u = await user()
      const answer = ok(await start(u, { filename: 'a.png', contentType: 'image/png', size: 100 }), 201).body
      const res = await complete(u, answer.media.id)
      expect(res.status).toBe(409)
      expect(res.body.error.code).toBe('upload_missing')
      expect(ok(await read(u, answer.media.id)).body.status).toBe('pending')
    })

    test('a stored file of another size than declared is refused at complete; failed, bytes deleted', async () => {
      const u = await user()
      const bytes = await files.png(50, 50)
      const answer = ok(await start(u, { filename: 'a.png', contentType: 'image/png', size: bytes.length + 10 }), 201).body
      // As if a store had let it through: the check at complete does not rely on the store.
      await app.storage.write(mediaKeys.original(answer.media.id), bytes, 'image/png')
      const res = await complete(u, answer.media.id)
      expect(res.status).toBe(422)
      expect(res.body.error.message).toBe(`the stored file is ${bytes.length} bytes, not the ${bytes.length + 10} declared`)
      expect(ok(await read(u, answer.media.id)).body).toMatchObject({ status: 'failed', error: res.body.error.message })
      expect(await stored(answer.media.id)).toEqual([])
    })

    test('a spoofed type (an HTML page declared image/png, named .png) is refused at complete; failed, bytes deleted', async () => {
      const u = await user()
      const m = await uploaded(u, files.html(), { contentType: 'image/png', filename: 'cat.png' })
      const res = await complete(u, m.id)
      expect(res.status).toBe(422)
      expect(res.body.error.code).toBe('media_rejected')
      expect(res.body.error.message).toBe('the file is markup (HTML/XML/SVG), not image/png as declared')
      expect(ok(await read(u, m.id)).body).toMatchObject({ status: 'failed', error: res.body.error.message, variants: [] })
      expect(await stored(m.id)).toEqual([])
    })

    test('bytes of another accepted type (a JPEG declared as PNG) are refused at complete', async () => {
      const u = await user()
      const m = await uploaded(u, await files.jpeg(50, 50), { contentType: 'image/png' })
      const res = await complete(u, m.id)
      expect(res.status).toBe(422)
      expect(res.body.error.message).toBe('the file is image/jpeg, not image/png as declared')
    })

    test('HTML declared as plain text is refused at complete', async () => {
      const u = await user()
      const m = await uploaded(u, files.html(), { contentType: 'text/plain', filename: 'notes.txt' })
      expect((await complete(u, m.id)).status).toBe(422)
    })

    test('an upload URL still live after a refusal: what it puts back counts against the quota, and is deleted once the URL has expired', async () => {
      const u = await user()
      ok(await start(u, { filename: 'pending.zip', contentType: 'application/zip', size: 25 * MB }), 201)
      const junk = new Uint8Array(25 * MB).fill(0x41) // text, declared as a ZIP
      const answer = ok(await start(u, { filename: 'a.zip', contentType: 'application/zip', size: junk.length }), 201).body
      expect((await put(answer.upload, junk)).status).toBe(200)
      expect((await complete(u, answer.media.id)).status).toBe(422)
      expect(await stored(answer.media.id)).toEqual([])
      // The same URL again: the store takes it (S3 any number of times, the disk store once the key is gone).
      expect((await put(answer.upload, junk)).status).toBe(200)
      // So the refused upload counts while its URL is live (the quota is 60 MB)...
      const over = await start(u, { filename: 'b.zip', contentType: 'application/zip', size: 11 * MB })
      expect([over.status, over.body.error?.code]).toEqual([403, 'quota_exceeded'])
      // ...and its key is cleaned again once the URL has expired.
      const job = await app.res.jobs.queues.maintenance.getJob(jobId('media-drop', answer.media.id))
      expect(job?.name).toBe('media.drop-original')
      expect(job!.opts.delay).toBeGreaterThan(0)
      expect(await app.pipeline().dropOriginal(answer.media.id)).toBe(true)
      expect(await stored(answer.media.id)).toEqual([])
      await app.res.db.execute(sql`update media set created_at = now() - interval '1 hour' where id = ${answer.media.id}`)
      ok(await start(u, { filename: 'b.zip', contentType: 'application/zip', size: 11 * MB }), 201)
    })

    test('an upload URL still live after processing: the original it puts back is deleted once the URL has expired', async () => {
      const u = await user()
      const bytes = await files.png(60, 40)
      const answer = ok(await start(u, { filename: 'a.png', contentType: 'image/png', size: bytes.length }), 201).body
      expect((await put(answer.upload, bytes)).status).toBe(200)
      ok(await complete(u, answer.media.id), 202)
      expect((await settled(u, answer.media.id)).status).toBe('ready')
      await eventually('the original deleted', async () => (await app.storage.stat(mediaKeys.original(answer.media.id))) === undefined)
      expect((await put(answer.upload, bytes)).status).toBe(200)
      expect(await app.storage.stat(mediaKeys.original(answer.media.id))).toBeDefined()
      const job = await eventually('the clean-up queued', () => app.res.jobs.queues.maintenance.getJob(jobId('media-drop', answer.media.id)))
      expect(job.opts.delay).toBeGreaterThan(0)
      expect(await app.pipeline().dropOriginal(answer.media.id)).toBe(true)
      expect(await app.storage.stat(mediaKeys.original(answer.media.id))).toBeUndefined()
      expect(await stored(answer.media.id)).toEqual([mediaKeys.variant(answer.media.id, 'w400'), mediaKeys.variant(answer.media.id, 'w1280')])
      expect(ok(await read(u, answer.media.id)).body.status).toBe('ready')
    })

    test.each([
      ['PNG', 'image/png', files.pngBomb],
      ['JPEG', 'image/jpeg', files.jpegBomb],
    ] as const)('a %s decompression bomb (a tiny file claiming 20000x20000) is refused at complete, from its header', async (_name, type, bomb) => {
      const u = await user()
      const bytes = bomb(20000, 20000)
      expect(bytes.length).toBeLessThan(200)
      const m = await uploaded(u, bytes, { contentType: type })
      const res = await complete(u, m.id)
      expect(res.status).toBe(422)
      expect(res.body.error.message).toBe('the image is 20000x20000 (400 megapixels); at most 50 are accepted')
      expect(await stored(m.id)).toEqual([])
    })

    test('a corrupt image passes the header check, then fails in processing: failed with its reason, bytes deleted, not retried', async () => {
      const u = await user()
      const m = await uploaded(u, files.corruptPng(), { contentType: 'image/png' })
      ok(await complete(u, m.id), 202)
      const view = await settled(u, m.id)
      expect(view.status).toBe('failed')
      expect(view.error).toStartWith('the image could not be decoded')
      // The failure commits first, then the bytes go: wait for them (a reviewer saw the original once, just before its delete).
      await eventually('the bytes deleted', async () => (await stored(m.id)).length === 0)
      // The uploader's bad file ends the job normally: no retries, no dead letter for an operator.
      const job = await eventually('the job to complete', async () => {
        const found = await app.res.jobs.queues.media.getJob(jobId('media', m.id))
        return (await found?.getState()) === 'completed' ? found : undefined
      })
      expect([job.returnvalue, job.attemptsMade]).toEqual(['failed', 1])
      expect(await app.res.db.select().from(deadLetters).where(sql`${deadLetters.payload}->>'mediaId' = ${m.id}`)).toEqual([])
    })

    test('an expired upload URL is refused (403)', async () => {
      const u = await user()
      const bytes = await files.png(40, 40)
      const answer = ok(await start(u, { filename: 'a.png', contentType: 'image/png', size: bytes.length }), 201).body
      const short = await app.storage.uploadUrl({ key: mediaKeys.original(answer.media.id), contentType: 'image/png', size: bytes.length, expiresInSeconds: 1 })
      await Bun.sleep(2100)
      expect((await put(short, bytes)).status).toBe(403)
      expect(await app.storage.stat(mediaKeys.original(answer.media.id))).toBeUndefined()
    })

    test("someone else's media cannot be completed (404)", async () => {
      const [owner, other] = [await user(), await user()]
      const m = await uploaded(owner, await files.png(40, 40), { contentType: 'image/png' })
      expect((await complete(other, m.id)).status).toBe(404)
      expect(ok(await read(owner, m.id)).body.status).toBe('pending')
    })

    test("someone else's media cannot be read (404) while nothing they can see references it", async () => {
      const [owner, other] = [await user(), await user()]
      const view = await ready(owner, await files.png(40, 40), { contentType: 'image/png' })
      const res = await read(other, view.id)
      expect(res.status).toBe(404)
      expect(await app.media.canView(other.id, view.id)).toBe(false)
    })

    test("someone else's media cannot be attached (422)", async () => {
      const [owner, other] = [await user(), await user()]
      const view = await ready(owner, await files.png(40, 40), { contentType: 'image/png' })
      await expect(app.refs.validateAttachments({ userId: other.id, mediaIds: [view.id] })).rejects.toMatchObject({ code: 'invalid_media', status: 422 })
    })

    test('attachments must be completed and not failed; ready and processing ones pass', async () => {
      const u = await user()
      const pending = await uploaded(u, await files.png(40, 40), { contentType: 'image/png' })
      await expect(app.refs.validateAttachments({ userId: u.id, mediaIds: [pending.id] })).rejects.toMatchObject({ code: 'invalid_media' })
      const spoof = await uploaded(u, files.html(), { contentType: 'image/png' })
      await complete(u, spoof.id)
      await expect(app.refs.validateAttachments({ userId: u.id, mediaIds: [spoof.id] })).rejects.toThrow(/failed: the file is markup/)
      const good = await ready(u, await files.png(40, 40), { contentType: 'image/png' })
      const summaries = await app.refs.validateAttachments({ userId: u.id, mediaIds: [good.id] })
      expect(summaries).toEqual([expect.objectContaining({ id: good.id, status: 'ready', width: 40, height: 40 })])
    })

    test('a member who cannot see the room of the message that carries it cannot fetch it; one who can, can', async () => {
      const w = await newCommunity(app.http)
      const insider = await w.join()
      const outsider = await w.join()
      const stranger = await user()
      const room = await w.room('staff', { private: true })
      await w.overwrite({ room: room.id }, { member: insider.id }, { allow: ['view'] })
      expect(await w.permsIn(outsider, room.id)).toBeNull()

      const photo = await ready(insider, await files.png(64, 64), { contentType: 'image/png' })
      await app.res.db.transaction((tx) =>
        app.refs.attach({ tx, mediaIds: [photo.id], kind: 'message', targetId: newId(), roomId: room.id, ownerId: insider.id }),
      )
      expect(await app.media.canView(w.owner.id, photo.id)).toBe(true)
      expect(ok(await read(w.owner, photo.id)).body.variants).toHaveLength(2)
      expect(await app.media.canView(outsider.id, photo.id)).toBe(false)
      expect((await read(outsider, photo.id)).status).toBe(404)
      expect((await read(stranger, photo.id)).status).toBe(404)
    })
  })

  describe(`media on ${home}: lifecycle`, () => {
    const backdate = (id: string, column: 'created_at' | 'processing_at', seconds: number) =>
      app.res.db.execute(sql`update media set ${sql.raw(column)} = now() - make_interval(secs => ${seconds}) where id = ${id}`)

    test('media never attached are deleted by the sweep after a day; attached and young ones stay', async () => {
      const u = await user()
      const orphan = await ready(u, await files.png(40, 40), { contentType: 'image/png' })
      const neverCompleted = await uploaded(u, files.text(), { contentType: 'text/plain' })
      const young = await ready(u, await files.png(40, 40), { contentType: 'image/png' })
      const kept = await ready(u, await files.png(40, 40), { contentType: 'image/png' })
      await app.res.db.transaction((tx) => app.refs.attach({ tx, mediaIds: [kept.id], kind: 'post', targetId: newId() }))
      for (const id of [orphan.id, neverCompleted.id, kept.id]) await backdate(id, 'created_at', 86400 + 60)

      await app.pipeline().sweep()
      expect(await row(orphan.id)).toBeUndefined()
      expect(await stored(orphan.id)).toEqual([])
      expect(await row(neverCompleted.id)).toBeUndefined()
      expect(await stored(neverCompleted.id)).toEqual([])
      expect((await row(young.id))?.status).toBe('ready')
      expect((await row(kept.id))?.status).toBe('ready')
      expect(await stored(kept.id)).toHaveLength(2)
    })

    test('a released media is deleted when nothing references it any more; one still referenced stays', async () => {
      const u = await user()
      const shared = await ready(u, await files.png(40, 40), { contentType: 'image/png' })
      const single = await ready(u, files.pdf(), { contentType: 'application/pdf' })
      const [first, second] = [newId(), newId()]
      await app.res.db.transaction(async (tx) => {
        await app.refs.attach({ tx, mediaIds: [shared.id, single.id], kind: 'post', targetId: first })
        await app.refs.attach({ tx, mediaIds: [shared.id], kind: 'post', targetId: second })
      })
      expect(await app.refs.release({ kind: 'post', targetId: first })).toEqual(expect.arrayContaining([shared.id, single.id]))
      expect(await row(single.id)).toBeUndefined()
      expect(await stored(single.id)).toEqual([])
      expect((await row(shared.id))?.status).toBe('ready')

      await app.refs.release({ kind: 'post', targetId: second })
      expect(await row(shared.id)).toBeUndefined()
      expect(await stored(shared.id)).toEqual([])
    })

    test('media released inside a transaction are deleted by the sweep', async () => {
      const u = await user()
      const m = await ready(u, await files.png(40, 40), { contentType: 'image/png' })
      const target = newId()
      await app.res.db.transaction((tx) => app.refs.attach({ tx, mediaIds: [m.id], kind: 'message', targetId: target, roomId: newId() }))
      await app.res.db.transaction((tx) => app.refs.release({ tx, kind: 'message', targetId: target }))
      expect((await row(m.id))?.status).toBe('ready')
      await app.pipeline().sweep()
      expect(await row(m.id)).toBeUndefined()
    })

    test('a deleted media cannot be attached any more', async () => {
      const u = await user()
      const m = await ready(u, await files.png(40, 40), { contentType: 'image/png' })
      await app.res.db.update(media).set({ status: 'deleted' }).where(eq(media.id, m.id))
      const attach = app.res.db.transaction((tx) => app.refs.attach({ tx, mediaIds: [m.id], kind: 'post', targetId: newId() }))
      await expect(attach).rejects.toMatchObject({ code: 'invalid_media' })
      expect(await app.res.db.select().from(mediaRefs).where(eq(mediaRefs.mediaId, m.id))).toEqual([])
    })

    test('media left processing by a lost job end failed at the sweep, bytes deleted', async () => {
      const u = await user()
      const m = await uploaded(u, await files.png(40, 40), { contentType: 'image/png' })
      // As if complete had passed and the job had been lost with its worker.
      await app.res.db.update(media).set({ status: 'processing', processingAt: new Date(Date.now() - 901_000) }).where(eq(media.id, m.id))
      await app.pipeline().sweep()
      expect(ok(await read(u, m.id)).body).toMatchObject({ status: 'failed', error: 'processing did not finish in time' })
      expect(await stored(m.id)).toEqual([])
    })

    test('a timed-out attempt leaves the media processing for its retry; the last one marks it failed', async () => {
      const u = await user()
      const m = await uploaded(u, await files.jpeg(2000, 1500), { contentType: 'image/jpeg' })
      await app.res.db.update(media).set({ status: 'processing', processingAt: new Date() }).where(eq(media.id, m.id))
      const slow = app.pipeline({ processTimeoutMs: 1 })
      await expect(slow.process({ mediaId: m.id, final: false })).rejects.toThrow('processing took longer than 1 ms')
      await Bun.sleep(50)
      expect((await row(m.id))?.status).toBe('processing')
      await expect(slow.process({ mediaId: m.id, final: true })).rejects.toThrow('processing took longer than 1 ms')
      await eventually('failed', async () => (await row(m.id))?.status === 'failed')
      expect((await row(m.id))?.error).toBe('processing took longer than 1 ms')
      await Bun.sleep(300) // the abandoned work would have written by now
      expect(await stored(m.id)).toEqual([])
    })
  })
}

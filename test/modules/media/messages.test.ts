// Media in messages, through the real app: a send checks its attachments before the room
// actor commits; the message shows them at once (status, dimensions, placeholder); the
// `message.created` reaction references them (readers of the room may fetch them); the
// room hears `message.updated` when one is ready; deleting the message releases them.
import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { and, eq, sql } from 'drizzle-orm'
import { consumed } from '../../../src/db/outbox'
import { media, mediaRefs } from '../../../src/db/schema'
import { mediaKeys } from '../../../src/modules/media/view'
import { newCommunity, ok, type TestUser } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { startMediaApp } from '../../helpers/media'
import { eventually } from '../../helpers/wait'
import { WsClient } from '../../helpers/ws'
import * as files from './fixtures'

setDefaultTimeout(30_000)

const app = await startMediaApp('disk')
const as = (u: TestUser) => ({ token: u.accessToken })
const sockets: WsClient[] = []
afterEach(() => {
  for (const s of sockets.splice(0)) s.close()
})

async function uploaded(u: TestUser, bytes: Uint8Array, contentType: string) {
  const answer = ok(await app.http.post('/v1/media/uploads', { filename: 'f', contentType, size: bytes.length }, as(u)), 201).body
  const sent = await fetch(app.absolute(answer.upload.url), { method: 'PUT', headers: answer.upload.headers, body: bytes })
  expect(sent.status).toBe(200)
  return answer.media.id as string
}
async function ready(u: TestUser, bytes: Uint8Array, contentType = 'image/png') {
  const id = await uploaded(u, bytes, contentType)
  ok(await app.http.post(`/v1/media/${id}/complete`, undefined, as(u)), 202)
  await eventually(`media ${id} ready`, async () => ok(await app.http.get(`/v1/media/${id}`, as(u))).body.status === 'ready')
  return id
}
const send = (u: TestUser, roomId: string, body: Record<string, unknown>) =>
  app.http.post(`/v1/rooms/${roomId}/messages`, { nonce: crypto.randomUUID(), body: 'look', ...body }, as(u))
const refsOf = (mediaId: string) => app.res.db.select().from(mediaRefs).where(eq(mediaRefs.mediaId, mediaId))
const row = async (id: string) => (await app.res.db.select().from(media).where(eq(media.id, id)))[0]
async function watching(u: TestUser, roomId: string) {
  const socket = await WsClient.open(app.wsUrl, u.accessToken)
  sockets.push(socket)
  expect(await socket.request('subscribe', { roomId })).toMatchObject({ op: 'ack' })
  return socket
}

describe('attachments', () => {
  test('an image sent while processing: shown processing at once, then the room hears message.updated with it ready; readers of the room may fetch it, others not', async () => {
    const w = await newCommunity(app.http)
    const member = await w.join()
    const outsider = await w.join()
    const room = await w.room('photos', { private: true })
    ok(await app.http.post(`/v1/rooms/${room.id}/members`, { userId: member.id }, as(w.owner)), 201)
    const watcher = await watching(member, room.id)

    // Completed but not processed yet (no job: it is run by hand below, after the send).
    const id = await uploaded(w.owner, await files.jpeg(640, 480), 'image/jpeg')
    await app.res.db.update(media).set({ status: 'processing', processingAt: new Date() }).where(eq(media.id, id))

    const sent = ok(await send(w.owner, room.id, { attachments: [id] }), 201).body
    expect(sent.attachments).toEqual([id])
    expect(sent.attachmentInfo).toEqual([{ id, status: 'processing', contentType: 'image/jpeg', filename: 'f', size: expect.any(Number) }])
    const created = await watcher.event('message.created', 5000, (e) => e.data.message.id === sent.id)
    expect(created.data.message.attachmentInfo).toEqual(sent.attachmentInfo)

    // The reaction to message.created references it: the room's readers may fetch it.
    await eventually('the reference', async () => (await refsOf(id)).length === 1)
    expect(await consumed(app.res.db, 'media', sent.id)).toBe(true)
    expect((await refsOf(id))[0]).toMatchObject({ kind: 'message', targetId: sent.id, roomId: room.id })
    expect(ok(await app.http.get(`/v1/media/${id}`, as(member))).body.status).toBe('processing')
    expect((await app.http.get(`/v1/media/${id}`, as(outsider))).status).toBe(404)

    expect(await app.pipeline().process({ mediaId: id, final: true })).toBe('ready')
    const updated = await watcher.event('message.updated', 5000, (e) => e.data.message.id === sent.id)
    expect(updated.roomId).toBe(room.id)
    expect(updated.data.message.attachmentInfo).toEqual([
      { id, status: 'ready', contentType: 'image/jpeg', filename: 'f', size: expect.any(Number), width: 640, height: 480, thumbhash: expect.any(String) },
    ])
    expect(ok(await app.http.get(`/v1/media/${id}`, as(member))).body.variants).toHaveLength(2)
    const history = ok(await app.http.get(`/v1/rooms/${room.id}/messages`, as(member))).body.messages
    expect(history.find((m: any) => m.id === sent.id).attachmentInfo).toEqual(updated.data.message.attachmentInfo)
  })

  test('over WebSocket too: a send carries attachmentInfo to the room', async () => {
    const w = await newCommunity(app.http)
    const room = await w.room('ws')
    const id = await ready(w.owner, await files.png(64, 48))
    const socket = await watching(w.owner, room.id)
    const ack = await socket.request('send', { roomId: room.id, nonce: 'n1', body: 'pic', attachments: [id] })
    expect(ack.op).toBe('ack')
    const created = await socket.event('message.created', 5000, (e) => e.data.message.id === ack.messageId)
    expect(created.data.message.attachmentInfo).toEqual([expect.objectContaining({ id, status: 'ready', width: 64, height: 48, thumbhash: expect.any(String) })])
  })

  test("a send with someone else's media is refused (422) before anything is sent", async () => {
    const w = await newCommunity(app.http)
    const room = await w.room('r')
    const other = await registerUser(app.http)
    const theirs = await ready(other, await files.png(40, 40))
    const res = await send(w.owner, room.id, { attachments: [theirs] })
    expect([res.status, res.body.error.code, res.body.error.message]).toEqual([422, 'invalid_media', `media ${theirs} is not one of your uploads`])
    expect(ok(await app.http.get(`/v1/rooms/${room.id}/messages`, as(w.owner))).body.messages).toEqual([])
  })

  test('a send with media not yet completed is refused (422)', async () => {
    const w = await newCommunity(app.http)
    const room = await w.room('r')
    const pending = await uploaded(w.owner, await files.png(40, 40), 'image/png')
    const res = await send(w.owner, room.id, { attachments: [pending] })
    expect([res.status, res.body.error.code]).toEqual([422, 'invalid_media'])
  })

  test('a send with failed media is refused (422), over WebSocket as over REST', async () => {
    const w = await newCommunity(app.http)
    const room = await w.room('r')
    const spoof = await uploaded(w.owner, files.html(), 'image/png')
    expect((await app.http.post(`/v1/media/${spoof}/complete`, undefined, as(w.owner))).status).toBe(422)
    const res = await send(w.owner, room.id, { attachments: [spoof] })
    expect([res.status, res.body.error.code]).toEqual([422, 'invalid_media'])
    const socket = await watching(w.owner, room.id)
    const answer = await socket.request('send', { roomId: room.id, nonce: 'x', body: 'x', attachments: [spoof] })
    expect(answer).toMatchObject({ op: 'error', code: 'invalid_media' })
  })

  test('a member without attach may not send media, even their own (403)', async () => {
    const w = await newCommunity(app.http)
    const room = await w.room('r')
    const member = await w.join()
    await w.overwrite({ room: room.id }, { member: member.id }, { deny: ['attach'] })
    const mine = await ready(member, await files.png(40, 40))
    const res = await send(member, room.id, { attachments: [mine] })
    expect(res.status).toBe(403)
  })

  test('deleting a message releases its media: deleted once nothing references it, kept while another message does', async () => {
    const w = await newCommunity(app.http)
    const room = await w.room('r')
    const shared = await ready(w.owner, await files.png(40, 40))
    const single = await ready(w.owner, files.pdf(), 'application/pdf')
    const first = ok(await send(w.owner, room.id, { attachments: [shared, single] }), 201).body
    const second = ok(await send(w.owner, room.id, { attachments: [shared] }), 201).body
    await eventually('both references', async () => (await refsOf(shared)).length === 2 && (await refsOf(single)).length === 1)

    ok(await app.http.delete(`/v1/messages/${first.id}`, as(w.owner)), 204)
    await eventually('the lone media deleted', async () => (await row(single)) === undefined)
    expect(await app.storage.stat(mediaKeys.file(single))).toBeUndefined()
    expect((await row(shared))?.status).toBe('ready')
    expect(await refsOf(shared)).toEqual([expect.objectContaining({ targetId: second.id })])

    ok(await app.http.delete(`/v1/messages/${second.id}`, as(w.owner)), 204)
    await eventually('the shared media deleted', async () => (await row(shared)) === undefined)
  })

  test('a media that ended just before its message was referenced is announced again (the room may have been shown it processing)', async () => {
    const w = await newCommunity(app.http)
    const room = await w.room('r')
    const fresh = await ready(w.owner, await files.png(40, 40))
    const old = await ready(w.owner, await files.png(40, 40))
    const message = ok(await send(w.owner, room.id, { attachments: [fresh, old] }), 201).body
    await eventually('the references', async () => (await refsOf(fresh)).length === 1 && (await refsOf(old)).length === 1)
    // Ready a minute ago (past the trigger that stamps updated_at).
    await app.res.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`)
      await tx.execute(sql`update media set updated_at = now() - interval '1 minute' where id = ${old}`)
    })
    // As the reaction does, for a message whose reference had not been made yet.
    await app.res.db.delete(mediaRefs).where(and(eq(mediaRefs.kind, 'message'), eq(mediaRefs.targetId, message.id)))
    const settled = await app.res.db.transaction((tx) =>
      app.refs.referenceMessage({ tx, messageId: message.id, roomId: room.id, authorId: w.owner.id, mediaIds: [fresh, old], sentAt: new Date(message.createdAt) }),
    )
    expect(settled.map((r) => r.id)).toEqual([fresh])
  })

  test('a deleted message is not referenced by a late reaction', async () => {
    const w = await newCommunity(app.http)
    const room = await w.room('r')
    const id = await ready(w.owner, await files.png(40, 40))
    const gone = ok(await send(w.owner, room.id, { attachments: [id] }), 201).body
    const kept = ok(await send(w.owner, room.id, { attachments: [id] }), 201).body
    await eventually('both references', async () => (await refsOf(id)).length === 2)
    ok(await app.http.delete(`/v1/messages/${gone.id}`, as(w.owner)), 204)
    await eventually('the deleted one released', async () => (await refsOf(id)).length === 1)
    const late = await app.res.db.transaction((tx) =>
      app.refs.referenceMessage({ tx, messageId: gone.id, roomId: room.id, authorId: w.owner.id, mediaIds: [id], sentAt: new Date() }),
    )
    expect(late).toEqual([])
    expect((await refsOf(id)).map((r) => r.targetId)).toEqual([kept.id])
  })
})

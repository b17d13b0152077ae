import { beforeAll, describe, expect, test } from 'bun:test'
import { newCommunity, ok, type TestUser, type World } from '../../helpers/community'
import { WsClient } from '../../helpers/ws'
import { startModeration } from './helpers'

const m = await startModeration()
const http = m.http
const wsUrl = http.baseUrl.replace('http', 'ws')

interface Scene {
  w: World
  room: any
  member: TestUser
  moderator: TestUser
  peer: TestUser
  messageId: string
}

async function scene(): Promise<Scene> {
  const w = await newCommunity(http)
  const room = await w.room('general')
  const [member, moderator, peer] = [await w.join(), await w.join(), await w.join()]
  const mods = await w.role('mods', ['view', 'send', 'react', 'moderate_members'], { position: 5 })
  await w.grant(moderator, mods.id)
  await w.grant(peer, mods.id)
  const message = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'before', nonce: 'b1' }, w.as(member)), 201).body
  return { w, room, member, moderator, peer, messageId: message.id }
}

const timeout = (s: Scene, target: TestUser, body: Record<string, unknown>, by = s.moderator) =>
  http.put(`/v1/communities/${s.w.id}/members/${target.id}/timeout`, body, s.w.as(by))

describe('a timed-out member can read but not write', () => {
  let s: Scene
  beforeAll(async () => {
    s = await scene()
    ok(await timeout(s, s.member, { seconds: 3600, reason: 'spamming' }))
  })

  test('the timeout is shown on the member until its time', async () => {
    const members = ok(await http.get(`/v1/communities/${s.w.id}/members`, s.w.as(s.peer))).body.members
    const until = Date.parse(members.find((x: any) => x.userId === s.member.id).timeoutUntil)
    expect(until).toBeGreaterThan(Date.now() + 3_590_000)
    expect(until).toBeLessThan(Date.now() + 3_610_000)
  })

  test('the reason is in the audit log with the moderator', async () => {
    const log = ok(await http.get(`/v1/communities/${s.w.id}/audit-log`, s.w.as(s.w.owner))).body.entries
    expect(log.find((e: any) => e.action === 'member.timeout')).toMatchObject({ actorId: s.moderator.id, after: { userId: s.member.id, reason: 'spamming' } })
  })

  test('send over REST: 403', async () => {
    expect((await http.post(`/v1/rooms/${s.room.id}/messages`, { body: 'hi', nonce: 't1' }, s.w.as(s.member))).status).toBe(403)
  })

  test('edit over REST: 403', async () => {
    expect((await http.patch(`/v1/messages/${s.messageId}`, { body: 'edited' }, s.w.as(s.member))).status).toBe(403)
  })

  test('react over REST: 403', async () => {
    expect((await http.put(`/v1/messages/${s.messageId}/reactions/${encodeURIComponent('👍')}`, undefined, s.w.as(s.member))).status).toBe(403)
  })

  test('send, edit and react over the WebSocket: error frames', async () => {
    const ws = await WsClient.open(wsUrl, s.member.accessToken)
    try {
      const sent = await ws.request('send', { roomId: s.room.id, nonce: 'ws1', body: 'hi' })
      const edited = await ws.request('edit', { messageId: s.messageId, body: 'edited' })
      const reacted = await ws.request('react', { messageId: s.messageId, emoji: '👍', on: true })
      expect([sent.op, edited.op, reacted.op]).toEqual(['error', 'error', 'error'])
      expect(sent.code).toBe('missing_permission')
    } finally {
      ws.socket.close()
    }
  })

  test('reading still works', async () => {
    expect(ok(await http.get(`/v1/rooms/${s.room.id}/messages`, s.w.as(s.member))).body.messages.length).toBeGreaterThan(0)
  })
})

describe('setting and ending timeouts', () => {
  test('DELETE ends it early: 204, and the member writes again', async () => {
    const s = await scene()
    ok(await timeout(s, s.member, { seconds: 3600 }))
    expect((await http.delete(`/v1/communities/${s.w.id}/members/${s.member.id}/timeout`, s.w.as(s.moderator))).status).toBe(204)
    const members = ok(await http.get(`/v1/communities/${s.w.id}/members`, s.w.as(s.peer))).body.members
    expect(members.find((x: any) => x.userId === s.member.id).timeoutUntil).toBeNull()
    expect((await http.post(`/v1/rooms/${s.room.id}/messages`, { body: 'back', nonce: 'back' }, s.w.as(s.member))).status).toBe(201)
  })

  test('at most 28 days: 422 past that', async () => {
    const s = await scene()
    expect((await timeout(s, s.member, { seconds: 28 * 86400 + 1 })).status).toBe(422)
    expect((await timeout(s, s.member, { seconds: 28 * 86400 })).status).toBe(200)
  })

  test('a moderator cannot time out someone ranked the same: 403', async () => {
    const s = await scene()
    const res = await timeout(s, s.peer, { seconds: 60 })
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('member_hierarchy')
  })

  test('a moderator cannot time out someone ranked above: 403', async () => {
    const s = await scene()
    const seniors = await s.w.role('seniors', ['view'], { position: 8 })
    await s.w.grant(s.member, seniors.id)
    expect((await timeout(s, s.member, { seconds: 60 })).body.error.code).toBe('member_hierarchy')
  })

  test('nobody times out an owner: 403', async () => {
    const s = await scene()
    expect((await timeout(s, s.w.owner, { seconds: 60 })).body.error.code).toBe('owner_protected')
  })

  test('a member without moderate_members: 403', async () => {
    const s = await scene()
    const plain = await s.w.join()
    expect((await timeout(s, s.member, { seconds: 60 }, plain)).status).toBe(403)
  })

  test('a member without moderate_members cannot end one either: 403', async () => {
    const s = await scene()
    ok(await timeout(s, s.member, { seconds: 60 }))
    const plain = await s.w.join()
    expect((await http.delete(`/v1/communities/${s.w.id}/members/${s.member.id}/timeout`, s.w.as(plain))).status).toBe(403)
  })
})

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
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
  let second: string
  const thumbs = encodeURIComponent('👍')
  beforeAll(async () => {
    s = await scene()
    // Before the timeout the member may do each of these (so each refusal below is the timeout's).
    const pinners = await s.w.role('pinners', ['view', 'send', 'react', 'pin_messages'], { position: 1 })
    await s.w.grant(s.member, pinners.id)
    second = ok(await http.post(`/v1/rooms/${s.room.id}/messages`, { body: 'second', nonce: 'b2' }, s.w.as(s.member)), 201).body.id
    ok(await http.put(`/v1/messages/${s.messageId}/reactions/${thumbs}`, undefined, s.w.as(s.member)), 204)
    ok(await http.put(`/v1/rooms/${s.room.id}/pins/${s.messageId}`, undefined, s.w.as(s.member)), 204)
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

  describe('refused over REST: 403', () => {
    test('send', async () => {
      const res = await http.post(`/v1/rooms/${s.room.id}/messages`, { body: 'hi', nonce: 't1' }, s.w.as(s.member))
      expect([res.status, res.body.error.code]).toEqual([403, 'missing_permission'])
    })
    test('edit', async () => {
      expect((await http.patch(`/v1/messages/${s.messageId}`, { body: 'edited' }, s.w.as(s.member))).status).toBe(403)
    })
    test('react', async () => {
      expect((await http.put(`/v1/messages/${second}/reactions/${thumbs}`, undefined, s.w.as(s.member))).status).toBe(403)
    })
    test('pin', async () => {
      expect((await http.put(`/v1/rooms/${s.room.id}/pins/${second}`, undefined, s.w.as(s.member))).status).toBe(403)
    })
    test('unpin', async () => {
      expect((await http.delete(`/v1/rooms/${s.room.id}/pins/${s.messageId}`, s.w.as(s.member))).status).toBe(403)
    })
  })

  describe('refused over the WebSocket: error frames', () => {
    let ws: WsClient
    beforeAll(async () => {
      ws = await WsClient.open(wsUrl, s.member.accessToken)
    })
    afterAll(() => ws.socket.close())

    test('send', async () => {
      expect(await ws.request('send', { roomId: s.room.id, nonce: 'ws1', body: 'hi' })).toMatchObject({ op: 'error', code: 'missing_permission' })
    })
    test('edit', async () => {
      expect(await ws.request('edit', { messageId: s.messageId, body: 'edited' })).toMatchObject({ op: 'error', code: 'missing_permission' })
    })
    test('react', async () => {
      expect(await ws.request('react', { messageId: second, emoji: '👍', on: true })).toMatchObject({ op: 'error', code: 'missing_permission' })
    })
    test('typing', async () => {
      expect(await ws.request('typing', { roomId: s.room.id })).toMatchObject({ op: 'error', code: 'missing_permission' })
    })
  })

  describe('what a timed-out member keeps', () => {
    test('reading the room', async () => {
      expect(ok(await http.get(`/v1/rooms/${s.room.id}/messages`, s.w.as(s.member))).body.messages.length).toBeGreaterThan(0)
    })
    test('read receipts, over REST and the WebSocket', async () => {
      expect((await http.post(`/v1/rooms/${s.room.id}/read`, { seq: 1 }, s.w.as(s.member))).status).toBe(204)
      const ws = await WsClient.open(wsUrl, s.member.accessToken)
      try {
        expect((await ws.request('read', { roomId: s.room.id, seq: 2 })).op).toBe('ack')
      } finally {
        ws.socket.close()
      }
    })
    test('taking back their own reaction', async () => {
      expect((await http.delete(`/v1/messages/${s.messageId}/reactions/${thumbs}`, s.w.as(s.member))).status).toBe(204)
    })
    test('deleting their own message (last: it goes)', async () => {
      expect((await http.delete(`/v1/messages/${second}`, s.w.as(s.member))).status).toBe(204)
    })
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

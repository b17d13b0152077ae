import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { inArray } from 'drizzle-orm'
import { communityMembers, groupClosure, users } from '../../../src/db/schema'
import { newId } from '../../../src/lib/ids'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok } from '../../helpers/community'
import { registerUser } from '../../helpers/http'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp()
const { http } = app

/** The closure rows under the given groups, as "ancestor>descendant@depth" with names. */
async function closureOf(names: Record<string, string>) {
  const ids = Object.values(names)
  const rows = await app.res.db.select().from(groupClosure).where(inArray(groupClosure.descendantId, ids))
  const name = (id: string) => Object.entries(names).find(([, v]) => v === id)?.[0] ?? '?'
  return rows.map((r) => `${name(r.ancestorId)}>${name(r.descendantId)}@${r.depth}`).sort()
}

describe('groups', () => {
  test('nest to any depth; the closure table follows moves of whole subtrees', async () => {
    const w = await newCommunity(http)
    const a = await w.group('A')
    const b = await w.group('B', a.id)
    const c = await w.group('C', b.id)
    const d = await w.group('D', c.id)
    const x = await w.group('X')
    const names = { A: a.id, B: b.id, C: c.id, D: d.id, X: x.id }
    expect(await closureOf(names)).toContain('A>D@3')

    ok(await http.patch(`/v1/groups/${b.id}`, { parentId: x.id }, w.as(w.owner)))
    const moved = await closureOf(names)
    expect(moved).toEqual(
      ['A>A@0', 'B>B@0', 'B>C@1', 'B>D@2', 'C>C@0', 'C>D@1', 'D>D@0', 'X>B@1', 'X>C@2', 'X>D@3', 'X>X@0'].sort(),
    )
    ok(await http.patch(`/v1/groups/${c.id}`, { parentId: null }, w.as(w.owner)))
    expect(await closureOf(names)).toEqual(['A>A@0', 'B>B@0', 'C>C@0', 'C>D@1', 'D>D@0', 'X>B@1', 'X>X@0'].sort())

    const tree = ok(await http.get(`/v1/communities/${w.id}/tree`, w.as(w.owner))).body
    expect(tree.groups.map((g: any) => g.name).sort()).toEqual(['A', 'C', 'X'])
    expect(tree.groups.find((g: any) => g.name === 'C').groups[0].name).toBe('D')
  })

  test.each([
    ['into itself', (g: Record<string, string>) => g.A],
    ['into its child', (g: Record<string, string>) => g.B],
    ['into its grandchild', (g: Record<string, string>) => g.C],
  ])('a group cannot move %s (422, nothing changes)', async (_n, dest) => {
    const w = await newCommunity(http)
    const a = await w.group('A')
    const b = await w.group('B', a.id)
    const c = await w.group('C', b.id)
    const names = { A: a.id, B: b.id, C: c.id }
    const before = await closureOf(names)
    const res = await http.patch(`/v1/groups/${a.id}`, { parentId: dest(names) }, w.as(w.owner))
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('invalid_move')
    expect(await closureOf(names)).toEqual(before)
  })

  test('rename, and delete only when empty', async () => {
    const w = await newCommunity(http)
    const a = await w.group('A')
    await w.room('inside', { groupId: a.id })
    expect(ok(await http.patch(`/v1/groups/${a.id}`, { name: 'Renamed' }, w.as(w.owner))).body.name).toBe('Renamed')
    expect(ok(await http.patch(`/v1/groups/${a.id}`, {}, w.as(w.owner))).body.name).toBe('Renamed')
    const full = await http.delete(`/v1/groups/${a.id}`, w.as(w.owner))
    expect(full.status).toBe(409)
    expect(full.body.error.code).toBe('group_not_empty')
    const empty = await w.group('empty')
    ok(await http.delete(`/v1/groups/${empty.id}`, w.as(w.owner)), 204)
    expect((await http.get(`/v1/groups/${empty.id}`, w.as(w.owner))).status).toBe(404)
  })

  test('members without manage_groups or manage_rooms are refused', async () => {
    const w = await newCommunity(http)
    const m = await w.join()
    const g = await w.group('A')
    expect((await http.post(`/v1/communities/${w.id}/groups`, { name: 'x' }, w.as(m))).body.error.code).toBe('missing_permission')
    expect((await http.post(`/v1/communities/${w.id}/rooms`, { name: 'x', groupId: g.id }, w.as(m))).status).toBe(403)
    expect((await http.patch(`/v1/groups/${g.id}`, { name: 'y' }, w.as(m))).status).toBe(403)
    // A role scoped to the group lets them manage rooms there, and only there.
    const role = await w.role('g-rooms', ['manage_rooms'], { scopeId: g.id })
    await w.grant(m, role.id)
    expect((await http.post(`/v1/communities/${w.id}/rooms`, { name: 'x', groupId: g.id }, w.as(m))).status).toBe(201)
    expect((await http.post(`/v1/communities/${w.id}/rooms`, { name: 'x' }, w.as(m))).status).toBe(403)
  })
})

describe('rooms and privacy', () => {
  test('rooms and groups one cannot view are absent from the tree and 404 directly', async () => {
    const w = await newCommunity(http)
    const everyone = await w.defaultRoleId()
    const staff = await w.group('Staff')
    const staffRoom = await w.room('staff-chat', { groupId: staff.id })
    const open = await w.group('Open')
    const lobby = await w.room('lobby', { groupId: open.id })
    const secret = await w.room('secret', { private: true })
    await w.overwrite({ group: staff.id }, { role: everyone }, { deny: ['view'] })
    const m = await w.join()

    const tree = ok(await http.get(`/v1/communities/${w.id}/tree`, w.as(m))).body
    const text = JSON.stringify(tree)
    expect(tree.groups.map((g: any) => g.name)).toEqual(['Open'])
    expect(tree.groups[0].rooms.map((r: any) => r.id)).toEqual([lobby.id])
    expect(text).not.toContain(staffRoom.id)
    expect(text).not.toContain(secret.id)
    for (const path of [`/v1/rooms/${staffRoom.id}`, `/v1/rooms/${secret.id}`, `/v1/groups/${staff.id}`]) {
      const res = await http.get(path, w.as(m))
      expect(res.status, path).toBe(404)
      expect(res.body.error.message).not.toContain('staff')
    }
    // The owner sees everything.
    const full = JSON.stringify(ok(await http.get(`/v1/communities/${w.id}/tree`, w.as(w.owner))).body)
    expect(full).toContain(staffRoom.id)
    expect(full).toContain(secret.id)
  })

  test('private rooms: members only; managers add and remove; counts follow', async () => {
    const w = await newCommunity(http)
    const secret = await w.room('secret', { private: true })
    expect(secret).toMatchObject({ kind: 'private', memberCount: 1 })
    const m = await w.join()
    const stranger = await registerUser(http)
    expect((await http.get(`/v1/rooms/${secret.id}`, w.as(m))).status).toBe(404)
    const notMember = await http.post(`/v1/rooms/${secret.id}/members`, { userId: stranger.id }, w.as(w.owner))
    expect(notMember.status).toBe(422)
    ok(await http.post(`/v1/rooms/${secret.id}/members`, { userId: m.id }, w.as(w.owner)), 201)
    expect(ok(await http.get(`/v1/rooms/${secret.id}`, w.as(m))).body.memberCount).toBe(2)
    expect(await w.permsIn(m, secret.id)).toContain('send')
    // A plain member cannot add others, nor see the room after leaving it.
    const other = await w.join()
    expect((await http.post(`/v1/rooms/${secret.id}/members`, { userId: other.id }, w.as(m))).status).toBe(403)
    ok(await http.delete(`/v1/rooms/${secret.id}/members/${m.id}`, w.as(m)), 204)
    expect((await http.get(`/v1/rooms/${secret.id}`, w.as(m))).status).toBe(404)
  })

  test('room settings: rename, topic, slow mode limits; deleting', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const updated = ok(await http.patch(`/v1/rooms/${room.id}`, { name: 'chat', topic: 'hello', slowModeSeconds: 10 }, w.as(w.owner))).body
    expect(updated).toMatchObject({ name: 'chat', topic: 'hello', slowModeSeconds: 10 })
    expect(ok(await http.patch(`/v1/rooms/${room.id}`, {}, w.as(w.owner))).body).toMatchObject({ name: 'chat', topic: 'hello' })
    expect((await http.patch(`/v1/rooms/${room.id}`, { slowModeSeconds: -1 }, w.as(w.owner))).status).toBe(422)
    expect((await http.patch(`/v1/rooms/${room.id}`, { slowModeSeconds: 999999 }, w.as(w.owner))).status).toBe(422)
    expect((await http.get(`/v1/rooms/not-a-uuid`, w.as(w.owner))).status).toBe(422)
    ok(await http.delete(`/v1/rooms/${room.id}`, w.as(w.owner)), 204)
    expect((await http.get(`/v1/rooms/${room.id}`, w.as(w.owner))).status).toBe(404)
  })
})

describe('member lists', () => {
  /** Every member of the list, following nextCursor page by page. */
  async function allMembers(roomId: string, as: { token: string }, limit: number) {
    const seen: any[] = []
    let cursor: string | null = null
    for (let pages = 0; pages < 100; pages++) {
      const q: string = cursor === null ? `?limit=${limit}` : `?limit=${limit}&cursor=${encodeURIComponent(cursor)}`
      const page: any = ok(await http.get(`/v1/rooms/${roomId}/members${q}`, as)).body
      expect(page.members.length).toBeLessThanOrEqual(limit)
      seen.push(...page.members)
      cursor = page.nextCursor
      if (cursor === null) return seen
    }
    throw new Error('the cursor never ended')
  }

  test('a private room lists the people added to it, in the order added, paged; 404 to whoever cannot view it', async () => {
    const w = await newCommunity(http)
    const secret = await w.room('secret', { private: true })
    const [a, b, c] = [await w.join(), await w.join(), await w.join()]
    for (const u of [a, b]) ok(await http.post(`/v1/rooms/${secret.id}/members`, { userId: u.id }, w.as(w.owner)), 201)
    const listed = await allMembers(secret.id, w.as(a), 2)
    expect(listed.map((m) => m.userId)).toEqual([w.owner.id, a.id, b.id])
    expect(listed[1]).toEqual({ userId: a.id, username: a.username, displayName: null, avatarUrl: null, addedAt: expect.any(String) })
    expect(new Date(listed[2].addedAt).getTime()).toBeGreaterThanOrEqual(new Date(listed[1].addedAt).getTime())
    const stranger = await registerUser(http)
    for (const who of [c, stranger]) expect((await http.get(`/v1/rooms/${secret.id}/members`, w.as(who))).status).toBe(404)
    const bad = await http.get(`/v1/rooms/${secret.id}/members?cursor=nope`, w.as(a))
    expect([bad.status, bad.body.error.details]).toEqual([422, [{ path: '/cursor', message: expect.any(String) }]])
    // Removed, gone from the list.
    ok(await http.delete(`/v1/rooms/${secret.id}/members/${b.id}`, w.as(b)), 204)
    expect((await allMembers(secret.id, w.as(a), 50)).map((m) => m.userId)).toEqual([w.owner.id, a.id])
  })

  test('a DM and a group DM list their people, to them only', async () => {
    const w = await newCommunity(http)
    const [a, b, c] = [await w.join(), await w.join(), await w.join()]
    const dm = ok(await http.post('/v1/dms', { userIds: [b.id] }, w.as(a)), 201).body
    const group = ok(await http.post('/v1/dms', { userIds: [b.id, c.id] }, w.as(a)), 201).body
    expect((await allMembers(dm.id, w.as(b), 50)).map((m) => m.userId).sort()).toEqual([a.id, b.id].sort())
    expect((await allMembers(group.id, w.as(c), 1)).map((m) => m.userId).sort()).toEqual([a.id, b.id, c.id].sort())
    expect((await http.get(`/v1/rooms/${dm.id}/members`, w.as(c))).status).toBe(404)
    expect((await http.get(`/v1/rooms/${dm.id}/members`, w.as(w.owner))).status).toBe(404)
  })

  test('a public room lists the community members who can view it, by id, without addedAt', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const [a, b, hidden] = [await w.join(), await w.join(), await w.join()]
    await w.overwrite({ room: room.id }, { member: hidden.id }, { deny: ['view'] })
    const listed = await allMembers(room.id, w.as(a), 1)
    expect(listed.map((m) => m.userId)).toEqual([w.owner.id, a.id, b.id].sort())
    expect(listed.find((m) => m.userId === b.id)).toEqual({ userId: b.id, username: b.username, displayName: null, avatarUrl: null })
    expect((await http.get(`/v1/rooms/${room.id}/members`, w.as(hidden))).status).toBe(404)
    expect((await http.get(`/v1/rooms/${room.id}/members?cursor=nope`, w.as(a))).status).toBe(422)
  })

  test('a public room few can view in a big community: each request reads a bounded number of members; the pages still find them all', async () => {
    const w = await newCommunity(http)
    const room = await w.room('staff')
    await w.overwrite({ room: room.id }, { role: await w.defaultRoleId() }, { deny: ['view'] })
    const staff = await w.role('staff', [])
    await w.overwrite({ room: room.id }, { role: staff.id }, { allow: ['view'] })
    const ids = Array.from({ length: 2600 }, () => newId())
    await app.res.db.insert(users).values(ids.map((id) => ({ id, username: `b${id.replaceAll('-', '').slice(-20)}`, email: `${id}@bulk.test`, passwordHash: 'x' })))
    await app.res.db.insert(communityMembers).values(ids.map((userId) => ({ communityId: w.id, userId })))
    const [a, b] = [await w.join(), await w.join()]
    for (const u of [a, b]) await w.grant(u, staff.id)
    const pages: number[] = []
    let cursor: string | null = null
    const seen: string[] = []
    do {
      const q: string = cursor === null ? '?limit=100' : `?limit=100&cursor=${cursor}`
      const page: any = ok(await http.get(`/v1/rooms/${room.id}/members${q}`, w.as(a))).body
      pages.push(page.members.length)
      seen.push(...page.members.map((m: any) => m.userId))
      cursor = page.nextCursor
    } while (cursor !== null && pages.length < 10)
    expect(seen.sort()).toEqual([w.owner.id, a.id, b.id].sort())
    expect(pages.length).toBeGreaterThan(1)
  })
})

describe('names', () => {
  test.each([
    ['creating a room', (w: any) => http.post(`/v1/communities/${w.id}/rooms`, { name: '   ' }, w.as(w.owner))],
    ['creating a group', (w: any) => http.post(`/v1/communities/${w.id}/groups`, { name: ' \t ' }, w.as(w.owner))],
    ['renaming a room', async (w: any) => http.patch(`/v1/rooms/${(await w.room('r')).id}`, { name: '  ' }, w.as(w.owner))],
    ['renaming a group', async (w: any) => http.patch(`/v1/groups/${(await w.group('g')).id}`, { name: '  ' }, w.as(w.owner))],
  ])('a blank name is refused when %s (422), never stored empty', async (_n, attempt) => {
    const w = await newCommunity(http)
    const res = await attempt(w)
    expect(res.status).toBe(422)
    expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: '/name' }] })
    const tree = ok(await http.get(`/v1/communities/${w.id}/tree`, w.as(w.owner))).body
    expect(JSON.stringify(tree)).not.toContain('"name":""')
  })
})

describe('DMs', () => {
  test('the DM between two people is unique, whoever opens it', async () => {
    const w = await newCommunity(http)
    const a = await w.join()
    const b = await w.join()
    const first = ok(await http.post('/v1/dms', { userIds: [b.id] }, w.as(a)), 201).body
    const again = ok(await http.post('/v1/dms', { userIds: [b.id] }, w.as(a)), 201).body
    const back = ok(await http.post('/v1/dms', { userIds: [a.id] }, w.as(b)), 201).body
    expect(first).toMatchObject({ kind: 'dm', communityId: null, memberCount: 2, created: true })
    expect(again.id).toBe(first.id)
    expect(back.id).toBe(first.id)
    expect(again.created).toBe(false)
    const at = await Promise.all([w.join(), w.join()])
    const racing = await Promise.all([
      http.post('/v1/dms', { userIds: [at[1].id] }, w.as(at[0])),
      http.post('/v1/dms', { userIds: [at[0].id] }, w.as(at[1])),
    ])
    expect(racing[0].body.id).toBe(racing[1].body.id)
  })

  test('group DMs hold up to 10 people; only members see them', async () => {
    const w = await newCommunity(http)
    const people = await Promise.all(Array.from({ length: 10 }, () => w.join()))
    const [me, ...others] = people
    const tooMany = await http.post('/v1/dms', { userIds: [...others.map((o) => o.id), w.owner.id] }, w.as(me!))
    expect(tooMany.status).toBe(422)
    const group = ok(await http.post('/v1/dms', { userIds: others.slice(0, 3).map((o) => o.id) }, w.as(me!)), 201).body
    expect(group).toMatchObject({ kind: 'group_dm', memberCount: 4 })
    expect(await w.permsIn(others[0]!, group.id)).toContain('send')
    expect((await http.get(`/v1/rooms/${group.id}`, w.as(others[5]!))).status).toBe(404)
    expect(await w.permsIn(others[5]!, group.id)).toBeNull()
    // A member adds someone; they now see it.
    ok(await http.post(`/v1/rooms/${group.id}/members`, { userId: others[5]!.id }, w.as(others[0]!)), 201)
    expect(await w.permsIn(others[5]!, group.id)).toContain('send')
    const listed = ok(await http.get('/v1/dms', w.as(others[5]!))).body
    expect(listed.map((r: any) => r.id)).toContain(group.id)
  })

  test('adding people at once never takes a group DM past 10', async () => {
    const w = await newCommunity(http)
    const people = await Promise.all(Array.from({ length: 14 }, () => w.join()))
    const [me, ...others] = people
    const group = ok(await http.post('/v1/dms', { userIds: others.slice(0, 7).map((o) => o.id) }, w.as(me!)), 201).body
    const adds = await Promise.all(others.slice(7).map((o) => http.post(`/v1/rooms/${group.id}/members`, { userId: o.id }, w.as(me!))))
    expect(adds.filter((r) => r.status === 201)).toHaveLength(2)
    expect(adds.filter((r) => r.status === 409)).toHaveLength(4)
    expect(ok(await http.get(`/v1/rooms/${group.id}`, w.as(me!))).body.memberCount).toBe(10)
  })

  test('no DMs with strangers, nor with nobody', async () => {
    const w = await newCommunity(http)
    const stranger = await registerUser(http)
    const res = await http.post('/v1/dms', { userIds: [stranger.id] }, w.as(w.owner))
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('no_shared_community')
    expect((await http.post('/v1/dms', { userIds: [w.owner.id] }, w.as(w.owner))).status).toBe(422)
    expect((await http.post('/v1/dms', { userIds: [crypto.randomUUID()] }, w.as(w.owner))).status).toBe(404)
  })
})


import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok } from '../../helpers/community'
import { registerUser } from '../../helpers/http'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp()
const { http } = app

describe('communities', () => {
  test('the creator is an owner and a member; the default role exists', async () => {
    const w = await newCommunity(http, 'Hearthstone fans')
    expect(w.community).toMatchObject({ name: 'Hearthstone fans', memberCount: 1, owners: [w.owner.id] })
    const mine = ok(await http.get('/v1/communities', w.as(w.owner))).body
    expect(mine.map((c: any) => c.id)).toContain(w.id)
    const roles = ok(await http.get(`/v1/communities/${w.id}/roles`, w.as(w.owner))).body
    expect(roles).toHaveLength(1)
    expect(roles[0]).toMatchObject({ name: 'everyone', isDefault: true, position: 0 })
  })

  test.each([
    ['empty name', { name: '' }],
    ['name too long', { name: 'x'.repeat(101) }],
    ['no name', {}],
  ])('%s -> 422', async (_n, body) => {
    const u = await registerUser(http)
    const res = await http.post('/v1/communities', body, { token: u.accessToken })
    expect(res.status).toBe(422)
  })

  test('a name of spaces only is refused (422 naming /name), creating and renaming alike; a name is stored trimmed', async () => {
    const u = await registerUser(http)
    const created = await http.post('/v1/communities', { name: ' \t  ' }, { token: u.accessToken })
    expect(created.status).toBe(422)
    expect(created.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: '/name' }] })
    expect(ok(await http.get('/v1/communities', { token: u.accessToken })).body).toEqual([])

    const w = await newCommunity(http, '  Padded  ')
    expect(w.community.name).toBe('Padded')
    const renamed = await http.patch(`/v1/communities/${w.id}`, { name: '   ' }, w.as(w.owner))
    expect(renamed.status).toBe(422)
    expect(renamed.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: '/name' }] })
    expect(ok(await http.get(`/v1/communities/${w.id}`, w.as(w.owner))).body.name).toBe('Padded')
    expect(ok(await http.patch(`/v1/communities/${w.id}`, { name: ' Renamed ' }, w.as(w.owner))).body.name).toBe('Renamed')
  })

  test('no token -> 401; bad token -> 401', async () => {
    expect((await http.post('/v1/communities', { name: 'x' })).status).toBe(401)
    expect((await http.post('/v1/communities', { name: 'x' }, { token: 'garbage' })).status).toBe(401)
  })

  test('member counts follow joins, leaves, kicks and bans (database triggers)', async () => {
    const w = await newCommunity(http)
    const a = await w.join()
    const b = await w.join()
    const c = await w.join()
    const count = async () => ok(await http.get(`/v1/communities/${w.id}`, w.as(w.owner))).body.memberCount
    expect(await count()).toBe(4)
    ok(await http.delete(`/v1/communities/${w.id}/members/${a.id}`, w.as(a)), 204)
    ok(await http.delete(`/v1/communities/${w.id}/members/${b.id}`, w.as(w.owner)), 204)
    ok(await http.post(`/v1/communities/${w.id}/bans`, { userId: c.id }, w.as(w.owner)), 201)
    expect(await count()).toBe(1)
  })

  test('members list with roles and owners, paged', async () => {
    const w = await newCommunity(http)
    const role = await w.role('mod', ['manage_messages'])
    const m = await w.join()
    await w.grant(m, role.id)
    await w.join()
    const first = ok(await http.get(`/v1/communities/${w.id}/members?limit=2`, w.as(m))).body
    expect(first.members).toHaveLength(2)
    const second = ok(await http.get(`/v1/communities/${w.id}/members?limit=2&cursor=${first.nextCursor}`, w.as(m))).body
    const all = [...first.members, ...second.members]
    expect(all).toHaveLength(3)
    expect(second.nextCursor).toBeNull()
    expect(all.find((x: any) => x.userId === m.id).roleIds).toEqual([role.id])
    expect(all.find((x: any) => x.userId === w.owner.id).isOwner).toBe(true)
  })

  test.each([
    ['members', 'not-an-id'],
    ['audit-log', '1e30'],
    ['audit-log', '-5'],
  ])('a %s cursor the list never gave out (%s) is a 422', async (list, cursor) => {
    const w = await newCommunity(http)
    const res = await http.get(`/v1/communities/${w.id}/${list}?cursor=${cursor}`, w.as(w.owner))
    expect([res.status, res.body.error.code, res.body.error.details[0].path]).toEqual([422, 'validation_failed', '/cursor'])
  })
})

describe('invites', () => {
  test('max uses, expiry, revocation and re-accepting', async () => {
    const w = await newCommunity(http)
    const limited = ok(await http.post(`/v1/communities/${w.id}/invites`, { maxUses: 1 }, w.as(w.owner)), 201).body
    const first = await registerUser(http)
    const second = await registerUser(http)
    const joined = ok(await http.post(`/v1/invites/${limited.code}/accept`, undefined, { token: first.accessToken })).body
    expect(joined).toMatchObject({ communityId: w.id, userId: first.id, alreadyMember: false })
    // Accepting again as a member is harmless and spends nothing.
    expect(ok(await http.post(`/v1/invites/${limited.code}/accept`, undefined, { token: first.accessToken })).body.alreadyMember).toBe(true)
    const used = await http.post(`/v1/invites/${limited.code}/accept`, undefined, { token: second.accessToken })
    expect(used.status).toBe(404)

    const revoked = ok(await http.post(`/v1/communities/${w.id}/invites`, {}, w.as(w.owner)), 201).body
    ok(await http.delete(`/v1/invites/${revoked.code}`, w.as(w.owner)), 204)
    expect((await http.post(`/v1/invites/${revoked.code}/accept`, undefined, { token: second.accessToken })).status).toBe(404)

    const expiring = ok(await http.post(`/v1/communities/${w.id}/invites`, { expiresInSeconds: 60 }, w.as(w.owner)), 201).body
    const { invites } = await import('../../../src/db/schema')
    const { eq } = await import('drizzle-orm')
    await app.res.db.update(invites).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invites.code, expiring.code))
    expect((await http.post(`/v1/invites/${expiring.code}/accept`, undefined, { token: second.accessToken })).status).toBe(404)
  })

  test('concurrent accepts never exceed max uses', async () => {
    const w = await newCommunity(http)
    const invite = ok(await http.post(`/v1/communities/${w.id}/invites`, { maxUses: 3 }, w.as(w.owner)), 201).body
    const people = await Promise.all(Array.from({ length: 8 }, () => registerUser(http)))
    const results = await Promise.all(people.map((p) => http.post(`/v1/invites/${invite.code}/accept`, undefined, { token: p.accessToken })))
    expect(results.filter((r) => r.status === 200)).toHaveLength(3)
    expect(ok(await http.get(`/v1/communities/${w.id}`, w.as(w.owner))).body.memberCount).toBe(4)
  })

  test('a banned user cannot come back through an invite; unbanned they can', async () => {
    const w = await newCommunity(http)
    const troll = await w.join()
    ok(await http.post(`/v1/communities/${w.id}/bans`, { userId: troll.id, reason: 'spam' }, w.as(w.owner)), 201)
    const invite = ok(await http.post(`/v1/communities/${w.id}/invites`, {}, w.as(w.owner)), 201).body
    const back = await http.post(`/v1/invites/${invite.code}/accept`, undefined, w.as(troll))
    expect(back.status).toBe(403)
    expect(back.body.error.code).toBe('banned')
    expect(ok(await http.get(`/v1/communities/${w.id}/bans`, w.as(w.owner))).body[0]).toMatchObject({ userId: troll.id, reason: 'spam' })
    ok(await http.delete(`/v1/communities/${w.id}/bans/${troll.id}`, w.as(w.owner)), 204)
    expect((await http.post(`/v1/invites/${invite.code}/accept`, undefined, w.as(troll))).status).toBe(200)
  })

  test('members without create_invites cannot make invites; invite lists are scoped', async () => {
    const w = await newCommunity(http)
    const everyone = await w.defaultRoleId()
    const m = await w.join()
    const mine = ok(await http.post(`/v1/communities/${w.id}/invites`, {}, w.as(m)), 201).body
    await w.join()
    const ownerList = ok(await http.get(`/v1/communities/${w.id}/invites`, w.as(w.owner))).body
    const memberList = ok(await http.get(`/v1/communities/${w.id}/invites`, w.as(m))).body
    expect(ownerList.length).toBeGreaterThan(memberList.length)
    expect(memberList.map((i: any) => i.code)).toEqual([mine.code])
    ok(await http.patch(`/v1/roles/${everyone}`, { permissions: ['view', 'send'] }, w.as(w.owner)))
    const refused = await http.post(`/v1/communities/${w.id}/invites`, {}, w.as(m))
    expect(refused.status).toBe(403)
  })
})

describe('isolation between communities', () => {
  test("one community's things are invisible and unusable from another", async () => {
    const one = await newCommunity(http, 'one')
    const two = await newCommunity(http, 'two')
    const groupTwo = await two.group('g2')
    const roomTwo = await two.room('r2')
    const roleTwo = await two.role('r2', [])
    const outsider = one.owner
    const as = one.as(outsider)
    for (const path of [`/v1/communities/${two.id}`, `/v1/communities/${two.id}/tree`, `/v1/communities/${two.id}/members`, `/v1/communities/${two.id}/roles`, `/v1/rooms/${roomTwo.id}`, `/v1/groups/${groupTwo.id}`, `/v1/rooms/${roomTwo.id}/permissions`]) {
      const res = await http.get(path, as)
      expect(res.status, path).toBe(404)
    }
    // Using another community's group, role or room from inside one's own is refused too.
    expect((await http.post(`/v1/communities/${one.id}/groups`, { name: 'x', parentId: groupTwo.id }, as)).status).toBe(404)
    expect((await http.post(`/v1/communities/${one.id}/rooms`, { name: 'x', groupId: groupTwo.id }, as)).status).toBe(404)
    expect((await http.post(`/v1/communities/${one.id}/roles`, { name: 'x', permissions: [], scopeId: groupTwo.id }, as)).status).toBe(404)
    expect((await http.put(`/v1/communities/${one.id}/members/${outsider.id}/roles/${roleTwo.id}`, undefined, as)).status).toBe(404)
    const roomOne = await one.room('r1')
    expect((await http.put(`/v1/rooms/${roomOne.id}/overwrites/role/${roleTwo.id}`, { allow: [], deny: ['send'] }, as)).status).toBe(404)
    expect((await http.patch(`/v1/rooms/${roomOne.id}`, { groupId: groupTwo.id }, as)).status).toBe(404)
    expect((await http.post(`/v1/communities/${two.id}/rooms`, { name: 'x' }, as)).status).toBe(404)
    // The audit log of one shows nothing of the other.
    const log = ok(await http.get(`/v1/communities/${one.id}/audit-log?limit=100`, as)).body.entries
    expect(log.every((e: any) => e.communityId === one.id)).toBe(true)
  })
})

describe('audit log', () => {
  test('records who changed access, with before and after', async () => {
    const w = await newCommunity(http)
    const m = await w.join()
    const role = await w.role('mod', ['manage_messages'])
    await w.grant(m, role.id)
    ok(await http.patch(`/v1/roles/${role.id}`, { name: 'moderator' }, w.as(w.owner)))
    const entries = ok(await http.get(`/v1/communities/${w.id}/audit-log`, w.as(w.owner))).body.entries
    const rename = entries.find((e: any) => e.entity === 'roles' && e.action === 'update')
    expect(rename).toMatchObject({ actorId: w.owner.id })
    expect(rename.before.name).toBe('mod')
    expect(rename.after.name).toBe('moderator')
    expect(entries.find((e: any) => e.entity === 'member_roles' && e.action === 'insert').after.user_id).toBe(m.id)
    expect(entries.find((e: any) => e.entity === 'community_members' && e.action === 'insert' && e.actorId === m.id)).toBeDefined()
    expect((await http.get(`/v1/communities/${w.id}/audit-log`, w.as(m))).status).toBe(403)
  })

  test('a manager of the community does not see the entries of a private room they cannot view; the owner does', async () => {
    const w = await newCommunity(http)
    const manager = await w.join()
    await w.grant(manager, (await w.role('manager', ['manage_community', 'view'])).id)
    const insider = await w.join()
    const secret = await w.room('secret-plans', { private: true })
    ok(await http.post(`/v1/rooms/${secret.id}/members`, { userId: insider.id }, w.as(w.owner)), 201)
    const open = await w.room('lobby')
    const about = (entries: any[], roomId: string) =>
      entries.filter((e) => (e.after ?? e.before)?.id === roomId || (e.after ?? e.before)?.room_id === roomId)
    const seen = ok(await http.get(`/v1/communities/${w.id}/audit-log?limit=100`, w.as(manager))).body.entries
    expect(about(seen, secret.id)).toEqual([])
    expect(JSON.stringify(seen)).not.toContain('secret-plans')
    expect(about(seen, open.id).length).toBeGreaterThan(0)
    const all = ok(await http.get(`/v1/communities/${w.id}/audit-log?limit=100`, w.as(w.owner))).body.entries
    expect(new Set(about(all, secret.id).map((e: any) => e.entity))).toEqual(new Set(['room_members', 'rooms']))
  })

  test("automod's entries about a private room are left out for a manager who cannot view it", async () => {
    const w = await newCommunity(http)
    const manager = await w.join()
    await w.grant(manager, (await w.role('manager', ['manage_community', 'view'])).id)
    const insider = await w.join()
    const secret = await w.room('secret-plans', { private: true })
    ok(await http.post(`/v1/rooms/${secret.id}/members`, { userId: insider.id }, w.as(w.owner)), 201)
    const rule = { name: 'no-zorp', trigger: { kind: 'keywords', terms: ['zorpword'] }, action: { kind: 'block' } }
    ok(await http.post(`/v1/communities/${w.id}/automod/rules`, rule, w.as(w.owner)), 201)
    const refused = await http.post(`/v1/rooms/${secret.id}/messages`, { body: 'zorpword', nonce: 'n1' }, w.as(insider))
    expect(refused.body.error.code).toBe('automod_blocked')
    const refusals = (entries: any[]) => entries.filter((e) => e.action === 'automod.block')
    const all = ok(await http.get(`/v1/communities/${w.id}/audit-log?limit=100`, w.as(w.owner))).body.entries
    expect(refusals(all)).toHaveLength(1)
    expect(refusals(all)[0].after.roomId).toBe(secret.id)
    const seen = ok(await http.get(`/v1/communities/${w.id}/audit-log?limit=100`, w.as(manager))).body.entries
    expect(refusals(seen)).toEqual([])
    expect(JSON.stringify(seen)).not.toContain(secret.id)
  })
})

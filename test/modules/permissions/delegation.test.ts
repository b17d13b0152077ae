import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { communityOwners } from '../../../src/db/schema'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok, type TestUser, type World } from '../../helpers/community'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp()
const { http } = app

/**
 * A community where "mod" (position 5) may manage roles and moderate, "peer" ranks the
 * same, "senior" (position 10) ranks above, and "pleb" has only the default role.
 */
async function ranked() {
  const w = await newCommunity(http)
  const modRole = await w.role('mod', ['manage_roles', 'moderate_members', 'ban_members', 'manage_rooms', 'view', 'send'], { position: 5 })
  const seniorRole = await w.role('senior', ['manage_messages'], { position: 10 })
  const lowRole = await w.role('low', ['react'], { position: 2 })
  // Ranked below the moderators, but carrying what they do not hold.
  const lowAdminRole = await w.role('low-admin', ['administrator'], { position: 1 })
  const mod = await w.join()
  const peer = await w.join()
  const senior = await w.join()
  const pleb = await w.join()
  await w.grant(mod, modRole.id)
  await w.grant(peer, modRole.id)
  await w.grant(senior, seniorRole.id)
  await w.grant(senior, lowRole.id)
  const room = await w.room('general')
  return { w, mod, peer, senior, pleb, modRole, seniorRole, lowRole, lowAdminRole, room }
}

type R = Awaited<ReturnType<typeof ranked>>
const as = (w: World, u: TestUser) => w.as(u)

const refusals: [string, (r: R, actor: TestUser) => Promise<{ status: number; body: any }>, string][] = [
  ['grant a permission one does not hold', (r, a) => http.post(`/v1/communities/${r.w.id}/roles`, { name: 'x', permissions: ['administrator'], position: 1 }, as(r.w, a)), 'cannot_grant'],
  ['create a role at one\'s own rank', (r, a) => http.post(`/v1/communities/${r.w.id}/roles`, { name: 'x', permissions: [], position: 5 }, as(r.w, a)), 'role_hierarchy'],
  ['assign a role ranked above', (r, a) => http.put(`/v1/communities/${r.w.id}/members/${r.pleb.id}/roles/${r.seniorRole.id}`, undefined, as(r.w, a)), 'role_hierarchy'],
  ['give a lower role that carries a permission one lacks (to oneself)', (r, a) => http.put(`/v1/communities/${r.w.id}/members/${a.id}/roles/${r.lowAdminRole.id}`, undefined, as(r.w, a)), 'cannot_grant'],
  ['give a lower role that carries a permission one lacks (to another)', (r, a) => http.put(`/v1/communities/${r.w.id}/members/${r.pleb.id}/roles/${r.lowAdminRole.id}`, undefined, as(r.w, a)), 'cannot_grant'],
  ['assign one\'s own role (same rank)', (r, a) => http.put(`/v1/communities/${r.w.id}/members/${r.pleb.id}/roles/${r.modRole.id}`, undefined, as(r.w, a)), 'role_hierarchy'],
  ['take a lower role from a member ranked above', (r, a) => http.delete(`/v1/communities/${r.w.id}/members/${r.senior.id}/roles/${r.lowRole.id}`, as(r.w, a)), 'member_hierarchy'],
  ['give a lower role to a member of the same rank', (r, a) => http.put(`/v1/communities/${r.w.id}/members/${r.peer.id}/roles/${r.lowRole.id}`, undefined, as(r.w, a)), 'member_hierarchy'],
  ['edit a role ranked above', (r, a) => http.patch(`/v1/roles/${r.seniorRole.id}`, { name: 'renamed' }, as(r.w, a)), 'role_hierarchy'],
  ['move a role above oneself', (r, a) => http.patch(`/v1/roles/${r.lowRole.id}`, { position: 7 }, as(r.w, a)), 'role_hierarchy'],
  ['add to a role a permission one lacks', (r, a) => http.patch(`/v1/roles/${r.lowRole.id}`, { permissions: ['react', 'manage_community'] }, as(r.w, a)), 'cannot_grant'],
  ['delete a role ranked above', (r, a) => http.delete(`/v1/roles/${r.seniorRole.id}`, as(r.w, a)), 'role_hierarchy'],
  ['kick a member of the same rank', (r, a) => http.delete(`/v1/communities/${r.w.id}/members/${r.peer.id}`, as(r.w, a)), 'member_hierarchy'],
  ['kick a member ranked above', (r, a) => http.delete(`/v1/communities/${r.w.id}/members/${r.senior.id}`, as(r.w, a)), 'member_hierarchy'],
  ['ban a member ranked above', (r, a) => http.post(`/v1/communities/${r.w.id}/bans`, { userId: r.senior.id }, as(r.w, a)), 'member_hierarchy'],
  ['time out a member ranked above', (r, a) => http.put(`/v1/communities/${r.w.id}/members/${r.senior.id}/timeout`, { seconds: 60 }, as(r.w, a)), 'member_hierarchy'],
  ['kick an owner', (r, a) => http.delete(`/v1/communities/${r.w.id}/members/${r.w.owner.id}`, as(r.w, a)), 'owner_protected'],
  ['ban an owner', (r, a) => http.post(`/v1/communities/${r.w.id}/bans`, { userId: r.w.owner.id }, as(r.w, a)), 'owner_protected'],
  ['overwrite allowing a permission one lacks', (r, a) => http.put(`/v1/rooms/${r.room.id}/overwrites/member/${r.pleb.id}`, { allow: ['manage_messages'], deny: [] }, as(r.w, a)), 'cannot_grant'],
  ['overwrite for a role ranked above', (r, a) => http.put(`/v1/rooms/${r.room.id}/overwrites/role/${r.seniorRole.id}`, { allow: [], deny: ['send'] }, as(r.w, a)), 'role_hierarchy'],
  ['overwrite for a member of the same rank', (r, a) => http.put(`/v1/rooms/${r.room.id}/overwrites/member/${r.peer.id}`, { allow: [], deny: ['send'] }, as(r.w, a)), 'member_hierarchy'],
  ['add an owner without being one', (r, a) => http.post(`/v1/communities/${r.w.id}/owners`, { userId: a.id }, as(r.w, a)), 'owner_only'],
  ['delete the community without being an owner', (r, a) => http.delete(`/v1/communities/${r.w.id}`, as(r.w, a)), 'owner_only'],
]

describe('delegation', () => {
  test.each(refusals)('a moderator cannot %s (403, nothing changes)', async (_name, attempt, code) => {
    const r = await ranked()
    const before = ok(await http.get(`/v1/communities/${r.w.id}/audit-log?limit=100`, r.w.as(r.w.owner))).body.entries.length
    const res = await attempt(r, r.mod)
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe(code)
    const after = ok(await http.get(`/v1/communities/${r.w.id}/audit-log?limit=100`, r.w.as(r.w.owner))).body.entries.length
    expect(after).toBe(before)
  })

  test.each(refusals.filter(([name]) => !/owner/.test(name)))('an owner can %s', async (_name, attempt) => {
    const r = await ranked()
    const res = await attempt(r, r.w.owner)
    expect(res.status).toBeLessThan(300)
  })

  test('within their rank a moderator does manage roles and members', async () => {
    const r = await ranked()
    const created = await http.post(`/v1/communities/${r.w.id}/roles`, { name: 'helper', permissions: ['send'], position: 3 }, as(r.w, r.mod))
    expect(created.status).toBe(201)
    expect((await http.put(`/v1/communities/${r.w.id}/members/${r.pleb.id}/roles/${created.body.id}`, undefined, as(r.w, r.mod))).status).toBe(204)
    expect((await http.put(`/v1/communities/${r.w.id}/members/${r.pleb.id}/timeout`, { seconds: 60 }, as(r.w, r.mod))).status).toBe(200)
    expect((await http.delete(`/v1/communities/${r.w.id}/members/${r.pleb.id}`, as(r.w, r.mod))).status).toBe(204)
  })

  test('a member without manage_roles cannot create roles', async () => {
    const r = await ranked()
    const res = await http.post(`/v1/communities/${r.w.id}/roles`, { name: 'x', permissions: [] }, as(r.w, r.pleb))
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('missing_permission')
  })

  test('a group-scoped role manager manages roles only in that group', async () => {
    const w = await newCommunity(http)
    const g = await w.group('team')
    const other = await w.group('other')
    const lead = await w.join()
    const leadRole = await w.role('team-lead', ['manage_roles', 'manage_messages'], { scopeId: g.id, position: 5 })
    await w.grant(lead, leadRole.id)
    const inside = await http.post(`/v1/communities/${w.id}/roles`, { name: 'team-helper', permissions: ['manage_messages'], scopeId: g.id, position: 2 }, w.as(lead))
    expect(inside.status).toBe(201)
    const outside = await http.post(`/v1/communities/${w.id}/roles`, { name: 'x', permissions: [], scopeId: other.id, position: 2 }, w.as(lead))
    expect(outside.status).toBe(403)
    const everywhere = await http.post(`/v1/communities/${w.id}/roles`, { name: 'x', permissions: [], position: 2 }, w.as(lead))
    expect(everywhere.status).toBe(403)
  })
})

describe('owners', () => {
  test('several owners; the last one cannot leave or be removed', async () => {
    const w = await newCommunity(http)
    const second = await w.join()
    ok(await http.post(`/v1/communities/${w.id}/owners`, { userId: second.id }, w.as(w.owner)), 201)
    const c = ok(await http.get(`/v1/communities/${w.id}`, w.as(second))).body
    expect(c.owners.sort()).toEqual([w.owner.id, second.id].sort())

    // An owner can remove another; then the remaining one is the last.
    expect((await http.delete(`/v1/communities/${w.id}/owners/${w.owner.id}`, w.as(second))).status).toBe(204)
    const last = await http.delete(`/v1/communities/${w.id}/owners/${second.id}`, w.as(second))
    expect(last.status).toBe(409)
    expect(last.body.error.code).toBe('last_owner')
    const leave = await http.delete(`/v1/communities/${w.id}/members/${second.id}`, w.as(second))
    expect(leave.status).toBe(409)
    expect(ok(await http.get(`/v1/communities/${w.id}`, w.as(second))).body.owners).toEqual([second.id])
  })

  test('two owners removing each other at once: one stays', async () => {
    const w = await newCommunity(http)
    const second = await w.join()
    ok(await http.post(`/v1/communities/${w.id}/owners`, { userId: second.id }, w.as(w.owner)), 201)
    const results = await Promise.all([
      http.delete(`/v1/communities/${w.id}/owners/${second.id}`, w.as(w.owner)),
      http.delete(`/v1/communities/${w.id}/owners/${w.owner.id}`, w.as(second)),
    ])
    const owners = await app.res.db.select().from(communityOwners).where(eq(communityOwners.communityId, w.id))
    expect(owners).toHaveLength(1)
    // The loser is refused either as the last owner (409) or, if the winner went first,
    // because it is no longer an owner at all (403).
    const statuses = results.map((r) => r.status).sort()
    expect(statuses[0]).toBe(204)
    expect([403, 409]).toContain(statuses[1]!)
  })
})

describe('role names', () => {
  test('a name of spaces only: 422 naming /name, on create and on change; nothing is stored', async () => {
    const w = await newCommunity(http)
    const blank = await http.post(`/v1/communities/${w.id}/roles`, { name: '  ', permissions: ['view'] }, w.as(w.owner))
    expect([blank.status, blank.body.error.details[0].path]).toEqual([422, '/name'])
    const role = await w.role('  helpers ', ['view'])
    expect(role.name).toBe('helpers')
    expect((await http.patch(`/v1/roles/${role.id}`, { name: '   ' }, w.as(w.owner))).status).toBe(422)
    const roles = ok(await http.get(`/v1/communities/${w.id}/roles`, w.as(w.owner))).body
    expect(roles.map((r: { name: string }) => r.name)).toContain('helpers')
    expect(roles.map((r: { name: string }) => r.name)).not.toContain('')
  })
})

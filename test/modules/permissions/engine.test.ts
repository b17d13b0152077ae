import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok, threeLevels } from '../../helpers/community'
import { registerUser } from '../../helpers/http'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp()
const { http } = app

type Setup = Awaited<ReturnType<typeof threeLevels>>

// Each case builds community > A > B > C > room "deep" (plus "in-a" in A), applies some
// rules, and states what a plain member may do in "deep" (null: the room is hidden).
const matrix: [string, (s: Setup) => Promise<void>, { has?: string[]; lacks?: string[]; hidden?: boolean }][] = [
  ['no overwrites: the default role applies three levels down', async () => {}, { has: ['view', 'send', 'react'], lacks: ['manage_messages'] }],
  [
    'default role denied send at A: inherited by C\'s room',
    async ({ w, a, everyone }) => w.overwrite({ group: a.id }, { role: everyone }, { deny: ['send'] }),
    { has: ['view'], lacks: ['send'] },
  ],
  [
    'denied at A, allowed again at C: the lower level wins',
    async ({ w, a, c, everyone }) => {
      await w.overwrite({ group: a.id }, { role: everyone }, { deny: ['send'] })
      await w.overwrite({ group: c.id }, { role: everyone }, { allow: ['send'] })
    },
    { has: ['send'] },
  ],
  [
    'allowed at A, denied at the room: the room wins',
    async ({ w, a, room, everyone }) => {
      await w.overwrite({ group: a.id }, { role: everyone }, { allow: ['mention_everyone'] })
      await w.overwrite({ room: room.id }, { role: everyone }, { deny: ['mention_everyone'] })
    },
    { lacks: ['mention_everyone'] },
  ],
  [
    'same level: a role allow beats the default role deny',
    async ({ w, b, member, everyone }) => {
      const role = await w.role('talker', [])
      await w.grant(member, role.id)
      await w.overwrite({ group: b.id }, { role: everyone }, { deny: ['send'] })
      await w.overwrite({ group: b.id }, { role: role.id }, { allow: ['send'] })
    },
    { has: ['send'] },
  ],
  [
    'same level: among roles, allows beat denies',
    async ({ w, b, member }) => {
      const quiet = await w.role('quiet', [])
      const loud = await w.role('loud', [])
      await w.grant(member, quiet.id)
      await w.grant(member, loud.id)
      await w.overwrite({ group: b.id }, { role: quiet.id }, { deny: ['react'] })
      await w.overwrite({ group: b.id }, { role: loud.id }, { allow: ['react'] })
    },
    { has: ['react'] },
  ],
  [
    'same level: the member overwrite beats role allows',
    async ({ w, c, member }) => {
      const role = await w.role('talker', [])
      await w.grant(member, role.id)
      await w.overwrite({ group: c.id }, { role: role.id }, { allow: ['send'] })
      await w.overwrite({ group: c.id }, { member: member.id }, { deny: ['send'] })
    },
    { lacks: ['send'] },
  ],
  [
    'a member allow high up is undone by a default-role deny lower down',
    async ({ w, a, b, member, everyone }) => {
      await w.overwrite({ group: a.id }, { member: member.id }, { allow: ['send'] })
      await w.overwrite({ group: b.id }, { role: everyone }, { deny: ['send'] })
    },
    { lacks: ['send'] },
  ],
  [
    'view denied at A hides the room, and nothing else applies',
    async ({ w, a, everyone }) => {
      await w.overwrite({ group: a.id }, { role: everyone }, { deny: ['view'], allow: ['mention_everyone'] })
    },
    { hidden: true },
  ],
  [
    'view denied at A but allowed to the member at the room: visible',
    async ({ w, a, room, member, everyone }) => {
      await w.overwrite({ group: a.id }, { role: everyone }, { deny: ['view'] })
      await w.overwrite({ room: room.id }, { member: member.id }, { allow: ['view'] })
    },
    { has: ['view', 'send'] },
  ],
  [
    'a role scoped to B applies in C\'s room',
    async ({ w, b, member }) => {
      const role = await w.role('b-mod', ['manage_messages'], { scopeId: b.id })
      await w.grant(member, role.id)
    },
    { has: ['manage_messages'] },
  ],
  [
    'administrator has everything, overwrites notwithstanding',
    async ({ w, a, member, everyone }) => {
      const role = await w.role('admin', ['administrator'])
      await w.grant(member, role.id)
      await w.overwrite({ group: a.id }, { role: everyone }, { deny: ['view', 'send'] })
    },
    { has: ['view', 'send', 'ban_members', 'manage_roles'] },
  ],
  [
    'a second owner has everything',
    async ({ w, a, member, everyone }) => {
      ok(await http.post(`/v1/communities/${w.id}/owners`, { userId: member.id }, w.as(w.owner)), 201)
      await w.overwrite({ group: a.id }, { role: everyone }, { deny: ['view'] })
    },
    { has: ['view', 'administrator', 'ban_members'] },
  ],
  [
    'timed out: view only',
    async ({ w, member }) => {
      ok(await http.put(`/v1/communities/${w.id}/members/${member.id}/timeout`, { seconds: 600 }, w.as(w.owner)))
    },
    { has: ['view'], lacks: ['send', 'react'] },
  ],
  [
    'an administrator timed out by an owner: view only too',
    async ({ w, member }) => {
      const role = await w.role('admin', ['administrator'])
      await w.grant(member, role.id)
      ok(await http.put(`/v1/communities/${w.id}/members/${member.id}/timeout`, { seconds: 600 }, w.as(w.owner)))
    },
    { has: ['view'], lacks: ['send', 'react', 'ban_members', 'manage_roles'] },
  ],
]

describe('permission matrix', () => {
  test.each(matrix)('%s', async (_name, arrange, expected) => {
    const s = await threeLevels(http)
    await arrange(s)
    const perms = await s.w.permsIn(s.member, s.room.id)
    if (expected.hidden) {
      expect(perms).toBeNull()
      return
    }
    expect(perms).not.toBeNull()
    for (const p of expected.has ?? []) expect(perms).toContain(p)
    for (const p of expected.lacks ?? []) expect(perms).not.toContain(p)
  })

  test('a scoped role does not reach outside its group', async () => {
    const s = await threeLevels(http)
    const role = await s.w.role('b-mod', ['manage_messages'], { scopeId: s.b.id })
    await s.w.grant(s.member, role.id)
    expect(await s.w.permsIn(s.member, s.room.id)).toContain('manage_messages')
    expect(await s.w.permsIn(s.member, s.roomA.id)).not.toContain('manage_messages')
    expect(await s.w.permsIn(s.member, s.top.id)).not.toContain('manage_messages')
  })

  test('explain names the rule and level that set or cleared each bit', async () => {
    const s = await threeLevels(http)
    await s.w.overwrite({ group: s.a.id }, { role: s.everyone }, { deny: ['send'] })
    await s.w.overwrite({ group: s.c.id }, { member: s.member.id }, { allow: ['send'] })
    const res = ok(await http.get(`/v1/rooms/${s.room.id}/permissions`, s.w.as(s.member)))
    const steps = res.body.explain as { level: string; rule: string; set: string[]; cleared: string[] }[]
    expect(steps).toContainEqual({ level: `group:${s.a.id}`, rule: 'default role overwrite: deny', set: [], cleared: ['send'] })
    expect(steps).toContainEqual({ level: `group:${s.c.id}`, rule: 'member overwrite: allow', set: ['send'], cleared: [] })
    expect(res.body.permissions).toContain('send')
  })

  test('your permissions in a community and in a group: what a scoped role gives shows only in its group; outsiders and hidden groups are 404', async () => {
    const s = await threeLevels(http)
    const role = await s.w.role('b-hooks', ['manage_webhooks'], { scopeId: s.b.id })
    await s.w.grant(s.member, role.id)
    const atTop = ok(await http.get(`/v1/communities/${s.w.id}/permissions`, s.w.as(s.member))).body.permissions
    expect(atTop).toContain('view')
    expect(atTop).not.toContain('manage_webhooks')
    expect(ok(await http.get(`/v1/communities/${s.w.id}/permissions?groupId=${s.b.id}`, s.w.as(s.member))).body.permissions).toContain('manage_webhooks')
    expect(ok(await http.get(`/v1/communities/${s.w.id}/permissions`, s.w.as(s.w.owner))).body.permissions).toContain('administrator')
    const outsider = await registerUser(http)
    expect((await http.get(`/v1/communities/${s.w.id}/permissions`, { token: outsider.accessToken })).status).toBe(404)
    await s.w.overwrite({ group: s.a.id }, { member: s.member.id }, { deny: ['view'] })
    expect((await http.get(`/v1/communities/${s.w.id}/permissions?groupId=${s.a.id}`, s.w.as(s.member))).status).toBe(404)
    expect((await http.get(`/v1/communities/${s.w.id}/permissions?groupId=not-an-id`, s.w.as(s.member))).status).toBe(422)
  })

  test("your permissions in a group of another community are 404, even to that community's owner", async () => {
    const s = await threeLevels(http)
    const other = await newCommunity(http)
    expect((await http.get(`/v1/communities/${other.id}/permissions?groupId=${s.a.id}`, other.as(other.owner))).status).toBe(404)
  })

  test("an outsider's permissions in a group are 404", async () => {
    const s = await threeLevels(http)
    const outsider = await registerUser(http)
    expect((await http.get(`/v1/communities/${s.w.id}/permissions?groupId=${s.a.id}`, { token: outsider.accessToken })).status).toBe(404)
  })

  test('your permissions in a community need a token (401)', async () => {
    const s = await threeLevels(http)
    expect((await http.get(`/v1/communities/${s.w.id}/permissions`)).status).toBe(401)
  })

  test("another user's permissions need manage_roles", async () => {
    const s = await threeLevels(http)
    const other = await s.w.join()
    const refused = await http.get(`/v1/rooms/${s.room.id}/permissions?userId=${s.member.id}`, s.w.as(other))
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('missing_permission')
    const asOwner = ok(await http.get(`/v1/rooms/${s.room.id}/permissions?userId=${s.member.id}`, s.w.as(s.w.owner)))
    expect(asOwner.body.permissions).toContain('send')
    expect(asOwner.body.permissions).not.toContain('administrator')
  })

  test('a timeout ends by itself', async () => {
    const s = await threeLevels(http)
    ok(await http.put(`/v1/communities/${s.w.id}/members/${s.member.id}/timeout`, { seconds: 1 }, s.w.as(s.w.owner)))
    expect(await s.w.permsIn(s.member, s.room.id)).toEqual(['view'])
    await Bun.sleep(1100)
    expect(await s.w.permsIn(s.member, s.room.id)).toContain('send')
  })
})

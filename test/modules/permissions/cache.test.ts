import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok, threeLevels } from '../../helpers/community'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp()
const { http } = app

type Setup = Awaited<ReturnType<typeof threeLevels>>

// Each change is made right after the member's permissions were read (and so cached);
// the next read must reflect it.
const changes: [string, (s: Setup) => Promise<void>, (perms: string[] | null) => void][] = [
  [
    'a role gains a permission',
    async (s) => {
      const { w, member } = s
      const role = await w.role('r', [])
      await w.grant(member, role.id)
      await read(s)
      ok(await http.patch(`/v1/roles/${role.id}`, { permissions: ['manage_messages'] }, w.as(w.owner)))
    },
    (p) => expect(p).toContain('manage_messages'),
  ],
  [
    'the default role loses a permission',
    async (s) => {
      const { w, everyone } = s
      ok(await http.patch(`/v1/roles/${everyone}`, { permissions: ['view'] }, w.as(w.owner)))
    },
    (p) => expect(p).not.toContain('send'),
  ],
  [
    'a role is assigned',
    async (s) => {
      const { w, member } = s
      const role = await w.role('r', ['pin_messages'])
      await read(s)
      await w.grant(member, role.id)
    },
    (p) => expect(p).toContain('pin_messages'),
  ],
  [
    'a role is taken away',
    async (s) => {
      const { w, member } = s
      const role = await w.role('r', ['pin_messages'])
      await w.grant(member, role.id)
      await read(s)
      ok(await http.delete(`/v1/communities/${w.id}/members/${member.id}/roles/${role.id}`, w.as(w.owner)), 204)
    },
    (p) => expect(p).not.toContain('pin_messages'),
  ],
  [
    'a role is deleted',
    async (s) => {
      const { w, member } = s
      const role = await w.role('r', ['pin_messages'])
      await w.grant(member, role.id)
      await read(s)
      ok(await http.delete(`/v1/roles/${role.id}`, w.as(w.owner)), 204)
    },
    (p) => expect(p).not.toContain('pin_messages'),
  ],
  [
    'an overwrite is set on a group',
    async ({ w, b, everyone }) => w.overwrite({ group: b.id }, { role: everyone }, { deny: ['send'] }),
    (p) => expect(p).not.toContain('send'),
  ],
  [
    'an overwrite is removed',
    async (s) => {
      const { w, room, member } = s
      await w.overwrite({ room: room.id }, { member: member.id }, { deny: ['send'] })
      await read(s)
      ok(await http.delete(`/v1/rooms/${room.id}/overwrites/member/${member.id}`, w.as(w.owner)), 204)
    },
    (p) => expect(p).toContain('send'),
  ],
  [
    'the member is timed out',
    async (s) => {
      const { w, member } = s
      ok(await http.put(`/v1/communities/${w.id}/members/${member.id}/timeout`, { seconds: 300 }, w.as(w.owner)))
    },
    (p) => expect(p).toEqual(['view']),
  ],
  [
    'a timeout is lifted',
    async (s) => {
      const { w, member } = s
      ok(await http.put(`/v1/communities/${w.id}/members/${member.id}/timeout`, { seconds: 300 }, w.as(w.owner)))
      await read(s)
      ok(await http.put(`/v1/communities/${w.id}/members/${member.id}/timeout`, { seconds: 0 }, w.as(w.owner)))
    },
    (p) => expect(p).toContain('send'),
  ],
  [
    'the member is kicked',
    async (s) => {
      const { w, member } = s
      ok(await http.delete(`/v1/communities/${w.id}/members/${member.id}`, w.as(w.owner)), 204)
    },
    (p) => expect(p).toBeNull(),
  ],
  [
    'the member leaves',
    async (s) => {
      const { w, member } = s
      ok(await http.delete(`/v1/communities/${w.id}/members/${member.id}`, w.as(member)), 204)
    },
    (p) => expect(p).toBeNull(),
  ],
  [
    'the member is banned',
    async (s) => {
      const { w, member } = s
      ok(await http.post(`/v1/communities/${w.id}/bans`, { userId: member.id }, w.as(w.owner)), 201)
    },
    (p) => expect(p).toBeNull(),
  ],
  [
    'the member is made an owner',
    async (s) => {
      const { w, member } = s
      ok(await http.post(`/v1/communities/${w.id}/owners`, { userId: member.id }, w.as(w.owner)), 201)
    },
    (p) => expect(p).toContain('administrator'),
  ],
  [
    'the member stops being an owner',
    async (s) => {
      const { w, room, member, everyone } = s
      ok(await http.post(`/v1/communities/${w.id}/owners`, { userId: member.id }, w.as(w.owner)), 201)
      await w.overwrite({ room: room.id }, { role: everyone }, { deny: ['send'] })
      expect(await read(s)).toContain('send') // an owner has everything
      ok(await http.delete(`/v1/communities/${w.id}/owners/${member.id}`, w.as(w.owner)), 204)
    },
    (p) => expect(p).not.toContain('send'),
  ],
  [
    'the room moves under a group that hides it',
    async (s) => {
      const { w, room, everyone } = s
      const hidden = await w.group('hidden')
      await w.overwrite({ group: hidden.id }, { role: everyone }, { deny: ['view'] })
      await read(s)
      ok(await http.patch(`/v1/rooms/${room.id}`, { groupId: hidden.id }, w.as(w.owner)))
    },
    (p) => expect(p).toBeNull(),
  ],
  [
    'a group moves out from under a deny',
    async (s) => {
      const { w, a, b, everyone } = s
      await w.overwrite({ group: a.id }, { role: everyone }, { deny: ['send'] })
      await read(s)
      ok(await http.patch(`/v1/groups/${b.id}`, { parentId: null }, w.as(w.owner)))
    },
    (p) => expect(p).toContain('send'),
  ],
]

/** Reads (and so caches) the member's permissions in the deep room. */
const read = (s: Setup) => s.w.permsIn(s.member, s.room.id)

describe('permission cache never serves a stale answer', () => {
  test.each(changes)('after %s', async (_name, change, expectation) => {
    const s = await threeLevels(http)
    const before = await read(s)
    expect(before).toContain('send')
    expect(await read(s)).toEqual(before) // now served from the cache
    await change(s)
    expectation(await read(s))
  })

  test('answers are cached in Redis under the community version, and a change moves the version', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const member = await w.join()
    await w.permsIn(member, room.id)
    const versionKey = `${app.res.config.redisPrefix}perm:v:${w.id}`
    const v1 = await app.res.redis.client.get(versionKey)
    expect(v1).toBeTruthy()
    const cached = await app.res.redis.client.keys(`${app.res.config.redisPrefix}perm:c:${w.id}:${v1}:${member.id}`)
    expect(cached).toHaveLength(1)
    await w.role('r', [])
    expect(await app.res.redis.client.get(versionKey)).not.toBe(v1)
  })

  test('an invite accepted by someone already in, or banned, leaves every cache alone', async () => {
    const w = await newCommunity(http)
    const member = await w.join()
    const troll = await w.join()
    ok(await http.post(`/v1/communities/${w.id}/bans`, { userId: troll.id }, w.as(w.owner)), 201)
    const invite = ok(await http.post(`/v1/communities/${w.id}/invites`, {}, w.as(w.owner)), 201).body
    const versionKey = `${app.res.config.redisPrefix}perm:v:${w.id}`
    const before = await app.res.redis.client.get(versionKey)
    ok(await http.post(`/v1/invites/${invite.code}/accept`, undefined, w.as(member)))
    expect((await http.post(`/v1/invites/${invite.code}/accept`, undefined, w.as(troll))).status).toBe(403)
    expect(await app.res.redis.client.get(versionKey)).toBe(before)
  })

  test('a second app instance (another node) sees changes made through the first', async () => {
    const { PermissionService } = await import('../../../src/modules/permissions/service')
    const nodeB = new PermissionService({ ...app.res, events: app.hearth.core.events })
    const s = await threeLevels(http)
    expect(await nodeB.inRoom(s.member.id, s.room.id)).toBeGreaterThan(0n)
    await s.w.overwrite({ room: s.room.id }, { role: s.everyone }, { deny: ['view'] })
    expect(await nodeB.inRoom(s.member.id, s.room.id)).toBe(0n)
  })
})

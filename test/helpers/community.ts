import { expect } from 'bun:test'
import { registerUser, type HttpClient } from './http'

export type TestUser = Awaited<ReturnType<typeof registerUser>>

/** Fails the test with the server's answer when a setup call does not succeed. */
export function ok<T extends { status: number; body: any }>(res: T, status = 200): T {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`)
  return res
}

/** A community with an owner and helpers to populate it through the public API. */
export async function newCommunity(http: HttpClient, name = 'Test community') {
  const owner = await registerUser(http)
  const community = ok(await http.post('/v1/communities', { name }, { token: owner.accessToken }), 201).body
  const id: string = community.id
  const as = (u: TestUser) => ({ token: u.accessToken })

  const world = {
    id,
    owner,
    community,
    as,
    async join(user?: TestUser): Promise<TestUser> {
      const u = user ?? (await registerUser(http))
      const invite = ok(await http.post(`/v1/communities/${id}/invites`, {}, as(owner)), 201).body
      ok(await http.post(`/v1/invites/${invite.code}/accept`, undefined, as(u)))
      return u
    },
    async group(name: string, parentId?: string, by: TestUser = owner) {
      return ok(await http.post(`/v1/communities/${id}/groups`, { name, parentId }, as(by)), 201).body
    },
    async room(name: string, opts: { groupId?: string; private?: boolean } = {}, by: TestUser = owner) {
      return ok(await http.post(`/v1/communities/${id}/rooms`, { name, ...opts }, as(by)), 201).body
    },
    async role(name: string, permissions: string[], opts: { position?: number; scopeId?: string } = {}, by: TestUser = owner) {
      return ok(await http.post(`/v1/communities/${id}/roles`, { name, permissions, ...opts }, as(by)), 201).body
    },
    async grant(user: TestUser, roleId: string, by: TestUser = owner) {
      ok(await http.put(`/v1/communities/${id}/members/${user.id}/roles/${roleId}`, undefined, as(by)), 204)
    },
    async defaultRoleId(): Promise<string> {
      const roles = ok(await http.get(`/v1/communities/${id}/roles`, as(owner))).body
      return roles.find((r: any) => r.isDefault).id
    },
    async overwrite(
      target: { group?: string; room?: string },
      subject: { role?: string; member?: string },
      change: { allow?: string[]; deny?: string[] },
      by: TestUser = owner,
    ) {
      const where = target.group ? `groups/${target.group}` : `rooms/${target.room}`
      const who = subject.role ? `role/${subject.role}` : `member/${subject.member}`
      ok(await http.put(`/v1/${where}/overwrites/${who}`, { allow: change.allow ?? [], deny: change.deny ?? [] }, as(by)), 204)
    },
    /** The user's permission names in a room, or null when the room is hidden from them (404). */
    async permsIn(user: TestUser, roomId: string): Promise<string[] | null> {
      const res = await http.get(`/v1/rooms/${roomId}/permissions`, as(user))
      if (res.status === 404) return null
      expect(res.status).toBe(200)
      return res.body.permissions
    },
  }
  return world
}

export type World = Awaited<ReturnType<typeof newCommunity>>

/** A chain community > A > B > C > room, plus a room in A and one at the top. */
export async function threeLevels(http: HttpClient) {
  const w = await newCommunity(http)
  const a = await w.group('A')
  const b = await w.group('B', a.id)
  const c = await w.group('C', b.id)
  const room = await w.room('deep', { groupId: c.id })
  const roomA = await w.room('in-a', { groupId: a.id })
  const top = await w.room('top')
  const member = await w.join()
  const everyone = await w.defaultRoleId()
  return { w, a, b, c, room, roomA, top, member, everyone }
}

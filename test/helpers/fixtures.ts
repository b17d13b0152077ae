// One community with one of each thing a route can point at, and the people the security
// and fuzz suites act as: its owner, a member whose roles grant nothing (not even `view`),
// and the owner of another community.
import type { TestUser } from './community'
import { registerUser, type HttpClient } from './http'

export interface Fixtures {
  owner: TestUser
  /** A member of the community whose roles grant no permission at all. */
  member: TestUser
  /** The owner of another community: signed in, a stranger here. */
  outsider: TestUser
  ids: Record<
    | 'community' | 'group' | 'room' | 'privateRoom' | 'message' | 'role' | 'invite' | 'user' | 'otherCommunity'
    | 'poll' | 'survey' | 'webhook' | 'hook' | 'incoming-webhook' | 'event' | 'occurrence',
    string
  >
}

/** Things a feature adds to the fixture community: more ids routes can point at. */
export type FixtureExtension = (ctx: { http: HttpClient; owner: TestUser; ids: Fixtures['ids'] }) => Promise<Record<string, string>>

export async function makeFixtures(http: HttpClient): Promise<Fixtures> {
  const [owner, member, outsider] = [await registerUser(http), await registerUser(http), await registerUser(http)]
  const as = { token: owner.accessToken }
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const res = await p
    if (res.status >= 300) throw new Error(`fixture setup failed: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const community = await ok(http.post('/v1/communities', { name: 'Fixtures' }, as))
  const other = await ok(http.post('/v1/communities', { name: 'Elsewhere' }, { token: outsider.accessToken }))
  const group = await ok(http.post(`/v1/communities/${community.id}/groups`, { name: 'g' }, as))
  const room = await ok(http.post(`/v1/communities/${community.id}/rooms`, { name: 'r', groupId: group.id }, as))
  const privateRoom = await ok(http.post(`/v1/communities/${community.id}/rooms`, { name: 'p', private: true }, as))
  const invite = await ok(http.post(`/v1/communities/${community.id}/invites`, {}, as))
  await ok(http.post(`/v1/invites/${invite.code}/accept`, undefined, { token: member.accessToken }))
  const role = await ok(http.post(`/v1/communities/${community.id}/roles`, { name: 'mod', permissions: ['send'] }, as))
  const message = await ok(http.post(`/v1/rooms/${room.id}/messages`, { body: 'hello', nonce: 'fixture' }, as))
  const { poll } = await ok(http.post(`/v1/rooms/${room.id}/polls`, { question: 'Fixture?', options: ['a', 'b'] }, as))
  const survey = await ok(http.post(`/v1/communities/${community.id}/surveys`, { title: 'Fixture', questions: [{ id: 'q', kind: 'text', prompt: 'Say?' }] }, as))
  // A public address literal (no DNS), and a filter no fixture event matches: nothing is ever sent.
  const webhook = await ok(http.post(`/v1/communities/${community.id}/webhooks`, { url: 'https://93.184.216.34/hook', events: ['webhook.disabled'] }, as))
  const hook = await ok(http.post(`/v1/rooms/${room.id}/incoming-webhooks`, { name: 'fixture' }, as))
  // A weekly community-wide event and its first occurrence (by its originalStart).
  const event = await ok(http.post(`/v1/communities/${community.id}/events`, { title: 'e', start: '2030-01-07T10:00', timeZone: 'Etc/UTC', rrule: 'FREQ=WEEKLY' }, as))
  // Strip the default role: the member holds no permission anywhere in the community.
  const roles = await ok(http.get(`/v1/communities/${community.id}/roles`, as))
  const everyone = roles.find((r: { isDefault: boolean }) => r.isDefault)
  await ok(http.patch(`/v1/roles/${everyone.id}`, { permissions: [] }, as))
  return {
    owner,
    member,
    outsider,
    ids: {
      community: community.id,
      group: group.id,
      room: room.id,
      privateRoom: privateRoom.id,
      message: message.id,
      role: role.id,
      invite: invite.code,
      user: member.id,
      otherCommunity: other.id,
      poll: poll.id,
      survey: survey.id,
      webhook: webhook.id,
      hook: hook.id,
      'incoming-webhook': hook.id,
      event: event.id,
      occurrence: '2030-01-07T10:00:00.000Z',
    },
  }
}

const byCollection: Record<string, keyof Fixtures['ids']> = {
  communities: 'community',
  groups: 'group',
  rooms: 'room',
  messages: 'message',
  roles: 'role',
  invites: 'invite',
  users: 'user',
}

/**
 * The fixture a path parameter or body field most likely means: by its own name
 * (`roomId`, `userId`, `code`), else by the collection before it in the path
 * (`/v1/rooms/{id}`); `extra` holds ids that features added (`poll`, `post`, ...).
 */
export function fixtureFor(ids: Record<string, string>, name: string, before = ''): string | undefined {
  const n = name.toLowerCase()
  if (n.startsWith('user') || n === 'targetid' || n === 'userids') return ids.user
  if (n.startsWith('room')) return ids.room
  if (n.startsWith('message') || n === 'replyto' || n === 'upto') return ids.message
  if (n.startsWith('role')) return ids.role
  if (n.startsWith('group') || n === 'parentid' || n === 'scopeid') return ids.group
  if (n.startsWith('communit')) return ids.community
  if (n === 'code') return ids.invite
  const segment = before.split('/').filter(Boolean).pop() ?? ''
  const key = byCollection[segment] ?? segment.replace(/s$/, '')
  return ids[key]
}

import { SignJWT } from 'jose'
import { communityMembers, users } from '../../../src/db/schema'
import type { DomainEvent, DomainEventType } from '../../../src/domain-events/types'
import { newId } from '../../../src/lib/ids'
import type { Logger } from '../../../src/lib/log'
import type { OutboundEvent } from '../../../src/realtime/fanout'
import { startTestApp, type TestApp } from '../../helpers/app'
import { newCommunity, ok, type TestUser } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { WsClient } from '../../helpers/ws'

export interface Push {
  to: 'room' | 'user'
  id: string
  event: OutboundEvent
}

const OBSERVED: DomainEventType[] = ['poll.created', 'poll.closed', 'survey.created', 'survey.closed']

/**
 * The real app (every feature mounted, `startTestApp`), with what it pushes to sockets
 * and the domain events of polls and surveys observed on the way: the fan-out still
 * delivers every push; events are heard as they commit in this process and as the relay
 * queues them (those committed in worker threads), each once.
 */
export async function pollsWorld(env: Record<string, string> = {}, opts: { log?: Logger; jobs?: { modules?: string[] } } = {}) {
  const app: TestApp = await startTestApp(env, opts)
  const pushes: Push[] = []
  const events: DomainEvent[] = []
  const live = app.hearth.core.live
  const toRoom = live.toRoom.bind(live)
  const toUser = live.toUser.bind(live)
  live.toRoom = (roomId, event) => {
    pushes.push({ to: 'room', id: roomId, event })
    toRoom(roomId, event)
  }
  live.toUser = (userId, event) => {
    pushes.push({ to: 'user', id: userId, event })
    toUser(userId, event)
  }
  const seen = new Set<string>()
  const hear = (event: DomainEvent) => {
    if (seen.has(event.id)) return
    seen.add(event.id)
    events.push(event)
  }
  for (const type of OBSERVED) {
    app.hearth.core.events.on(type, hear)
    app.hearth.core.events.onRelayed(type, hear)
  }
  return {
    app,
    http: app.http,
    polls: app.hearth.api('polls'),
    surveys: app.hearth.api('surveys'),
    messages: app.hearth.api('messages'),
    pushes,
    /** Domain events of polls and surveys (`data` loosely typed for assertions). */
    events: events as (DomainEvent & { data: any })[],
    /** The pushes of type `poll.updated` sent to a room or a user. */
    updates(to: 'room' | 'user', id: string) {
      return pushes.filter((p) => p.to === to && p.id === id && p.event.type === 'poll.updated').map((p) => p.event.data as any)
    },
    socket: (token: string) => WsClient.open(app.wsUrl, token),
  }
}

export type PollsWorld = Awaited<ReturnType<typeof pollsWorld>>

/** Many members at once, straight into the database, with access tokens signed by the app's key. */
export async function bulkMembers(app: TestApp, communityId: string, n: number) {
  const ids = Array.from({ length: n }, () => newId())
  for (let i = 0; i < n; i += 500) {
    const slice = ids.slice(i, i + 500)
    await app.res.db.insert(users).values(slice.map((id) => ({ id, username: `m${id.slice(-12)}`, email: `${id}@bulk.test`, passwordHash: 'x' })))
    await app.res.db.insert(communityMembers).values(slice.map((userId) => ({ communityId, userId })))
  }
  return Promise.all(ids.map(async (id) => ({ id, accessToken: await accessToken(app, id) })))
}

export async function accessToken(app: TestApp, userId: string): Promise<string> {
  const { keys, config } = app.res
  return new SignJWT({ sid: newId() })
    .setProtectedHeader({ alg: 'EdDSA', kid: keys.kid, typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(config.jwt.issuer)
    .setAudience(config.jwt.audience)
    .setIssuedAt()
    .setExpirationTime('900s')
    .sign(keys.privateKey)
}

/** A community with a room, a member, a moderator (manage_messages) and an outsider, for poll tests. */
export async function pollRoom(w: PollsWorld) {
  const c = await newCommunity(w.app.http)
  const room = await c.room('general')
  const member = await c.join()
  const voter = await c.join()
  const moderator = await c.join()
  const modRole = await c.role('moderator', ['manage_messages'], { position: 1 })
  await c.grant(moderator, modRole.id)
  const outsider = await registerUser(w.app.http)
  const as = c.as
  const create = async (body: Record<string, unknown>, by = c.owner) => ok(await w.http.post(`/v1/rooms/${room.id}/polls`, body, as(by)), 201).body
  const vote = (pollId: string, choices: string[], by: TestUser) => w.http.put(`/v1/polls/${pollId}/vote`, { choices }, as(by))
  const get = (pollId: string, by: TestUser) => w.http.get(`/v1/polls/${pollId}`, as(by))
  return { c, room, member, voter, moderator, outsider, as, create, vote, get }
}

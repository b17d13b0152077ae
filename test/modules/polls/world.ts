import { afterAll } from 'bun:test'
import { SignJWT } from 'jose'
import { createApp } from '../../../src/app'
import { communityMembers, users } from '../../../src/db/schema'
import { newId } from '../../../src/lib/ids'
import { pollsRoutes } from '../../../src/modules/polls'
import type { DomainEventInput, LiveEvent, LivePort } from '../../../src/modules/polls/ports'
import { PollService } from '../../../src/modules/polls/service'
import { surveysRoutes } from '../../../src/modules/surveys'
import { SurveyService } from '../../../src/modules/surveys/service'
import type { Logger } from '../../../src/lib/log'
import { startTestApp, type TestApp } from '../../helpers/app'
import { newCommunity, ok, type TestUser } from '../../helpers/community'
import { HttpClient, registerUser } from '../../helpers/http'
import { WsClient } from '../../helpers/ws'

export interface Push {
  to: 'room' | 'user'
  id: string
  event: LiveEvent
}

/**
 * A test app with the polls and surveys routes mounted beside the app's own (until the
 * wiring issue mounts them), their ports backed by the real message service and fan-out,
 * and every push and domain event collected.
 */
export async function pollsWorld(env: Record<string, string> = {}, opts: { log?: Logger; jobs?: { modules?: string[] } } = {}) {
  const app: TestApp = await startTestApp(env, opts)
  const pushes: Push[] = []
  const events: DomainEventInput[] = []
  const fanout = app.services.fanout
  const live: LivePort = {
    toRoom(roomId, event) {
      pushes.push({ to: 'room', id: roomId, event })
      fanout.toRoom(roomId, event)
    },
    toUser(userId, event) {
      pushes.push({ to: 'user', id: userId, event })
      fanout.toUser(userId, event)
    },
  }
  const recordEvent = async (_tx: unknown, event: DomainEventInput) => {
    events.push(event)
  }
  const messages = app.services.messages
  const polls = new PollService({
    db: app.res.db,
    log: app.res.log,
    config: app.res.config.polls,
    permissions: app.services.permissions,
    jobs: app.res.jobs,
    live,
    recordEvent,
    messages: {
      async postPollMessage({ roomId, authorId, nonce, body }) {
        const ack = await messages.send(authorId, roomId, { nonce, body })
        return { messageId: ack.messageId, seq: ack.seq, createdAt: ack.createdAt }
      },
    },
  })
  const surveys = new SurveyService({
    db: app.res.db,
    log: app.res.log,
    permissions: app.services.permissions,
    jobs: app.res.jobs,
    recordEvent,
    messages: {
      async postSurveyMessage({ roomId, authorId, nonce, body }) {
        const ack = await messages.send(authorId, roomId, { nonce, body })
        return { messageId: ack.messageId, seq: ack.seq, createdAt: ack.createdAt }
      },
    },
  })
  // The app's own error rendering and guard, with these routes added; sockets stay on the first server.
  const server = createApp(app.res, app.services)
    .use(pollsRoutes({ polls, signedIn: app.services.signedIn }))
    .use(surveysRoutes({ surveys, signedIn: app.services.signedIn }))
    .listen({ port: 0, hostname: '127.0.0.1' })
  afterAll(async () => {
    polls.stop()
    await server.stop(true)
  })
  const http = new HttpClient(`http://127.0.0.1:${server.server!.port}`)
  return {
    app,
    http,
    polls,
    surveys,
    pushes,
    events,
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

import { beforeAll, describe, expect, test } from 'bun:test'
import { newCommunity, ok, type TestUser, type World } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import type { DomainEvent } from '../../../src/domain-events/types'
import type { JobContext } from '../../../src/jobs/processors'
import { moderationFeature } from '../../../src/modules/moderation'
import { eventually } from '../../helpers/wait'
import { startModeration } from './helpers'

const m = await startModeration({ RATE_REPORTS_PER_USER: '3/60', JOB_WORKERS: '1', JOB_BACKOFF_MS: '10' }, { jobs: {} })
const http = m.http

interface Scene {
  w: World
  room: any
  author: TestUser
  reporter: TestUser
  second: TestUser
  moderator: TestUser
  messageId: string
}

/** A community with an author, two reporters, a moderator (moderate, ban, manage messages) and a message. */
async function scene(text = 'you are all idiots'): Promise<Scene> {
  const w = await newCommunity(http)
  const room = await w.room('general')
  const [author, reporter, second, moderator] = [await w.join(), await w.join(), await w.join(), await w.join()]
  const mods = await w.role('mods', ['view', 'send', 'moderate_members', 'ban_members', 'manage_messages'], { position: 5 })
  await w.grant(moderator, mods.id)
  const message = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: text, nonce: 'm1' }, w.as(author)), 201).body
  return { w, room, author, reporter, second, moderator, messageId: message.id }
}

const reportMessage = (s: Scene, by: TestUser, reason = 'harassment') =>
  http.post('/v1/reports', { target: { kind: 'message', id: s.messageId }, reason }, s.w.as(by))
const queue = async (s: Scene, by: TestUser, query = '') => http.get(`/v1/communities/${s.w.id}/reports${query}`, s.w.as(by))

/** The notification a reporter gets about a report's outcome (it comes through the jobs). */
const toldAbout = (user: TestUser, reportId: string) =>
  eventually(`the notification about report ${reportId}`, async () => {
    const list = ok(await http.get('/v1/notifications', { token: user.accessToken })).body.notifications
    return list.find((n: any) => n.type === 'report.resolved' && n.targetId === reportId)
  })

describe('reporting', () => {
  let s: Scene
  beforeAll(async () => {
    s = await scene()
  })

  test('a member reports a message: 201 with the report as the reporter sees it', async () => {
    const res = await reportMessage(s, s.reporter)
    expect(res.status).toBe(201)
    expect(res.body).toEqual({ id: expect.any(String), target: { kind: 'message', id: s.messageId }, status: 'open', createdAt: expect.any(String) })
  })

  test('the same reporter again: 200, the same report, counted once', async () => {
    const first = ok(await reportMessage(s, s.reporter), 200).body
    const q = ok(await queue(s, s.moderator)).body.reports
    expect(q).toHaveLength(1)
    expect(q[0].id).toBe(first.id)
    expect(q[0].reporterCount).toBe(1)
  })

  test('another reporter joins the same open report', async () => {
    const res = await reportMessage(s, s.second, 'spam')
    expect(res.status).toBe(201)
    const [item] = ok(await queue(s, s.moderator)).body.reports
    expect(item.id).toBe(res.body.id)
    expect(item.reporterCount).toBe(2)
    expect(item.reasons).toEqual(expect.arrayContaining([{ reason: 'harassment', count: 1 }, { reason: 'spam', count: 1 }]))
    expect(item.target).toMatchObject({ kind: 'message', authorId: s.author.id, roomId: s.room.id, preview: 'you are all idiots' })
    expect(item.rule).toBeNull()
  })

  test('your own message: 422', async () => {
    expect((await reportMessage(s, s.author)).status).toBe(422)
  })

  test('a message you cannot see: 404', async () => {
    const stranger = await registerUser(http)
    expect((await reportMessage(s, stranger)).status).toBe(404)
  })

  test('no token: 401', async () => {
    expect((await http.post('/v1/reports', { target: { kind: 'message', id: s.messageId }, reason: 'spam' })).status).toBe(401)
  })

  test('an unknown reason: 422', async () => {
    expect((await reportMessage(s, s.second, 'because')).status).toBe(422)
  })

  test('a user, in a community: 201', async () => {
    const res = await http.post('/v1/reports', { target: { kind: 'user', id: s.author.id, communityId: s.w.id }, reason: 'harassment' }, s.w.as(s.reporter))
    expect(res.status).toBe(201)
    const item = ok(await queue(s, s.moderator)).body.reports.find((r: any) => r.target.kind === 'user')
    expect(item.target.preview).toContain(s.author.username)
  })

  test('a user without the community: 422', async () => {
    const res = await http.post('/v1/reports', { target: { kind: 'user', id: s.author.id }, reason: 'spam' }, s.w.as(s.second))
    expect(res.status).toBe(422)
  })

  test('a post, while posts are not wired: 422', async () => {
    const res = await http.post('/v1/reports', { target: { kind: 'post', id: s.messageId }, reason: 'spam' }, s.w.as(s.second))
    expect(res.status).toBe(422)
  })

  test('reports are rate-limited per reporter: 429', async () => {
    const t = await scene('spam one')
    const spammer = t.reporter
    const codes: number[] = []
    for (let i = 0; i < 4; i++) codes.push((await reportMessage(t, spammer)).status)
    expect(codes).toEqual([201, 200, 200, 429])
  })
})

describe('the queue is for moderators only', () => {
  let s: Scene
  beforeAll(async () => {
    s = await scene()
    ok(await reportMessage(s, s.reporter), 201)
  })

  test('an ordinary member: 403, and sees nothing', async () => {
    const res = await queue(s, s.second)
    expect(res.status).toBe(403)
    expect(JSON.stringify(res.body)).not.toContain(s.messageId)
  })

  test('someone outside the community: 404', async () => {
    const stranger = await registerUser(http)
    expect((await http.get(`/v1/communities/${s.w.id}/reports`, { token: stranger.accessToken })).status).toBe(404)
  })

  test('an ordinary member cannot resolve: 403', async () => {
    const [item] = ok(await queue(s, s.moderator)).body.reports
    const res = await http.post(`/v1/reports/${item.id}/resolve`, { action: 'dismiss' }, s.w.as(s.second))
    expect(res.status).toBe(403)
  })

  test('someone outside the community cannot resolve: 404', async () => {
    const [item] = ok(await queue(s, s.moderator)).body.reports
    const stranger = await registerUser(http)
    expect((await http.post(`/v1/reports/${item.id}/resolve`, { action: 'dismiss' }, { token: stranger.accessToken })).status).toBe(404)
  })

  test('no token on resolve: 401', async () => {
    const [item] = ok(await queue(s, s.moderator)).body.reports
    expect((await http.post(`/v1/reports/${item.id}/resolve`, { action: 'dismiss' })).status).toBe(401)
  })

  test('a preview from a private room the moderator cannot view is left out', async () => {
    const room = await s.w.room('secret', { private: true })
    for (const u of [s.author, s.reporter]) ok(await http.post(`/v1/rooms/${room.id}/members`, { userId: u.id }, s.w.as(s.w.owner)), 201)
    const msg = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'private words', nonce: 'p1' }, s.w.as(s.author)), 201).body
    ok(await http.post('/v1/reports', { target: { kind: 'message', id: msg.id }, reason: 'hate' }, s.w.as(s.reporter)), 201)
    const seen = ok(await queue(s, s.moderator)).body.reports.find((r: any) => r.target.id === msg.id)
    expect(seen.target.preview).toBeNull()
    const byOwner = ok(await queue(s, s.w.owner)).body.reports.find((r: any) => r.target.id === msg.id)
    expect(byOwner.target.preview).toBe('private words')
  })
})

describe('resolutions', () => {
  async function reported(text?: string) {
    const s = await scene(text)
    const report = ok(await reportMessage(s, s.reporter), 201).body
    return { s, report }
  }
  const resolve = (s: Scene, id: string, body: Record<string, unknown>, by = s.moderator) =>
    http.post(`/v1/reports/${id}/resolve`, body, s.w.as(by))

  test('dismiss: the report is dismissed, audited with the moderator, and the reporter told without the moderator', async () => {
    const { s, report } = await reported()
    const res = ok(await resolve(s, report.id, { action: 'dismiss', note: 'banter' }))
    expect(res.body).toMatchObject({ status: 'dismissed', resolution: { action: 'dismiss', note: 'banter', resolvedBy: s.moderator.id } })
    const log = ok(await http.get(`/v1/communities/${s.w.id}/audit-log`, s.w.as(s.w.owner))).body.entries
    const entry = log.find((e: any) => e.action === 'report.resolve')
    expect(entry).toMatchObject({ actorId: s.moderator.id, after: { reportId: report.id, action: 'dismiss', note: 'banter' } })
    const told = await toldAbout(s.reporter, report.id)
    expect(told).toMatchObject({ type: 'report.resolved', targetType: 'report', targetId: report.id, actors: [], data: { outcome: 'no_action' } })
    expect(JSON.stringify(told)).not.toContain(s.moderator.id)
    expect(ok(await queue(s, s.moderator, '?status=dismissed')).body.reports.map((r: any) => r.id)).toEqual([report.id])
  })

  test('every reporter is told, each once', async () => {
    const { s, report } = await reported()
    ok(await reportMessage(s, s.second, 'spam'), 201)
    ok(await resolve(s, report.id, { action: 'dismiss' }))
    for (const u of [s.reporter, s.second]) expect((await toldAbout(u, report.id)).count).toBe(1)
    const authorsList = ok(await http.get('/v1/notifications', { token: s.author.accessToken })).body.notifications
    expect(authorsList.some((n: any) => n.targetId === report.id)).toBe(false)
  })

  test('a redelivered report.resolved queues nothing again', async () => {
    const seen: DomainEvent<'report.resolved'>[] = []
    const off = m.app.hearth.core.events.on('report.resolved', (e) => seen.push(e))
    const { s, report } = await reported()
    ok(await resolve(s, report.id, { action: 'dismiss' }))
    off()
    await toldAbout(s.reporter, report.id)
    const event = seen.find((e) => e.data.reportId === report.id)!
    const queued: unknown[] = []
    const ctx = {
      ...m.app.res,
      live: { publishToUser: async () => {} },
      jobs: { enqueue: async () => '', enqueueBulk: async (batch: unknown) => void queued.push(batch) },
      job: { id: 'again', queue: 'events', name: 'event', attempt: 1 },
    } as unknown as JobContext
    await moderationFeature.reactions!['report.resolved']!.handle(event, ctx)
    expect(queued).toEqual([])
  })

  test('delete: the message is deleted', async () => {
    const { s, report } = await reported()
    const page = () => http.get(`/v1/rooms/${s.room.id}/messages`, s.w.as(s.reporter))
    expect(ok(await page()).body.messages[0].deletedAt).toBeNull() // the history page is cached now
    ok(await resolve(s, report.id, { action: 'delete' }))
    const msg = ok(await http.get(`/v1/messages/${s.messageId}`, s.w.as(s.reporter))).body
    expect(msg.deletedAt).not.toBeNull()
    expect(ok(await page()).body.messages[0].deletedAt).not.toBeNull()
    expect((await toldAbout(s.reporter, report.id)).data.outcome).toBe('content_removed')
  })

  test('timeout: the author is timed out for the duration', async () => {
    const { s, report } = await reported()
    ok(await resolve(s, report.id, { action: 'timeout', durationSeconds: 3600, note: 'cool off' }))
    const members = ok(await http.get(`/v1/communities/${s.w.id}/members`, s.w.as(s.moderator))).body.members
    expect(Date.parse(members.find((x: any) => x.userId === s.author.id).timeoutUntil)).toBeGreaterThan(Date.now() + 3_500_000)
  })

  test('timeout without a duration: 422, and the report stays open', async () => {
    const { s, report } = await reported()
    expect((await resolve(s, report.id, { action: 'timeout' })).status).toBe(422)
    expect(ok(await queue(s, s.moderator)).body.reports[0].status).toBe('open')
  })

  test('ban: the author is banned', async () => {
    const { s, report } = await reported()
    ok(await resolve(s, report.id, { action: 'ban', note: 'repeat offender' }))
    const bans = ok(await http.get(`/v1/communities/${s.w.id}/bans`, s.w.as(s.moderator))).body
    expect(bans.map((b: any) => b.userId)).toContain(s.author.id)
  })

  test('delete by a moderator without manage_messages: 403, the message stays and the report stays open', async () => {
    const { s, report } = await reported()
    const lesser = await s.w.join()
    const role = await s.w.role('reviewers', ['view', 'moderate_members'], { position: 4 })
    await s.w.grant(lesser, role.id)
    const res = await resolve(s, report.id, { action: 'delete' }, lesser)
    expect(res.status).toBe(403)
    expect(ok(await http.get(`/v1/messages/${s.messageId}`, s.w.as(s.reporter))).body.deletedAt).toBeNull()
    expect(ok(await queue(s, s.moderator)).body.reports[0].status).toBe('open')
  })

  test('resolving twice: 409', async () => {
    const { s, report } = await reported()
    ok(await resolve(s, report.id, { action: 'dismiss' }))
    expect((await resolve(s, report.id, { action: 'dismiss' })).status).toBe(409)
  })

  test('a moderator cannot ban someone ranked at or above them: 403, the report stays open', async () => {
    const { s, report } = await reported()
    const seniors = await s.w.role('seniors', ['view', 'send'], { position: 9 })
    await s.w.grant(s.author, seniors.id)
    const res = await resolve(s, report.id, { action: 'ban' })
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('member_hierarchy')
    expect(ok(await queue(s, s.moderator)).body.reports[0].status).toBe('open')
  })

  test('a moderator cannot resolve a report about their own message or themselves: 403, another moderator can', async () => {
    const s = await scene()
    const own = ok(await http.post(`/v1/rooms/${s.room.id}/messages`, { body: 'moderator said this', nonce: 'mod-1' }, s.w.as(s.moderator)), 201).body
    const aboutMessage = ok(await http.post('/v1/reports', { target: { kind: 'message', id: own.id }, reason: 'harassment' }, s.w.as(s.reporter)), 201).body
    const aboutUser = ok(await http.post('/v1/reports', { target: { kind: 'user', id: s.moderator.id, communityId: s.w.id }, reason: 'harassment' }, s.w.as(s.reporter)), 201).body
    for (const report of [aboutMessage, aboutUser]) {
      const res = await http.post(`/v1/reports/${report.id}/resolve`, { action: 'dismiss' }, s.w.as(s.moderator))
      expect(res.status).toBe(403)
      expect(res.body.error.code).toBe('forbidden')
      ok(await http.post(`/v1/reports/${report.id}/resolve`, { action: 'dismiss' }, s.w.as(s.w.owner)))
    }
  })

  test('a report reopened after resolution starts a new report', async () => {
    const { s, report } = await reported()
    ok(await resolve(s, report.id, { action: 'dismiss' }))
    const again = ok(await reportMessage(s, s.second), 201).body
    expect(again.id).not.toBe(report.id)
  })
})

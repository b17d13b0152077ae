import { expect, setDefaultTimeout, test } from 'bun:test'
import { and, count, eq, sql } from 'drizzle-orm'
import { communityMembers, notifications, users } from '../../../src/db/schema'
import type { DomainEvent } from '../../../src/domain-events/types'
import type { JobContext } from '../../../src/jobs/processors'
import { newId } from '../../../src/lib/ids'
import { notificationReactions } from '../../../src/modules/notifications/events'
import { RedisUserEventSink, userChannel } from '../../../src/realtime/user-channel'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok, type World } from '../../helpers/community'

setDefaultTimeout(60_000)

// No job workers: the test runs the notifications consumer's reaction by hand, as a
// worker thread would, as often as a redelivered job would.
const app = await startTestApp({ JOB_WORKERS: '1', JOB_BACKOFF_MS: '10' })
const { http } = app

const ctx: JobContext = {
  config: app.res.config,
  log: app.res.log,
  db: app.res.db,
  redis: app.res.redis,
  live: new RedisUserEventSink(app.res.redis),
  jobs: app.res.jobs,
  job: { id: 'by-hand', queue: 'events', name: 'events', attempt: 1 },
}
const react = (event: DomainEvent<'message.created'>) => notificationReactions['message.created']!.handle(event, ctx)

/** The `message.created` event of a sent message, as the relay reads it back from the committed row. */
const eventOf = (w: World, message: any): DomainEvent<'message.created'> => ({
  id: message.id,
  type: 'message.created',
  at: message.createdAt,
  roomId: message.roomId,
  actorId: message.authorId,
  communityId: w.id,
  data: { message, roomKind: 'text' },
})

const everyoneRows = (userId: string) =>
  app.res.db.select().from(notifications).where(and(eq(notifications.userId, userId), eq(notifications.type, 'everyone')))

test('an @everyone event handled twice, and twice at once, notifies each member once: one row, counted once, pushed once', async () => {
  const w = await newCommunity(http)
  const room = ok(await http.post(`/v1/communities/${w.id}/rooms`, { name: 'general' }, w.as(w.owner)), 201).body
  const [bob, carol] = [await w.join(), await w.join()]
  const sub = app.res.redis.client.duplicate()
  await sub.connect()
  const pushed: any[] = []
  await sub.subscribe(userChannel(app.res.redis, bob.id), (m) => pushed.push(JSON.parse(m)))
  try {
    const sent = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: '@everyone hi', nonce: 'n1' }, w.as(w.owner)), 201).body
    const event = eventOf(w, sent)
    await react(event)
    await react(event)
    await Promise.all([react(event), react(event)])

    for (const u of [bob, carol]) {
      const mine = await everyoneRows(u.id)
      expect(mine.map((n) => [n.count, n.data])).toEqual([[1, expect.objectContaining({ messageId: sent.id })]])
      expect(ok(await http.get('/v1/notifications', w.as(u))).body.unreadCount).toBe(1)
    }
    expect(await everyoneRows(w.owner.id)).toEqual([])
    await Bun.sleep(200)
    expect(pushed.filter((e) => e.type === 'notification.created')).toHaveLength(1)
  } finally {
    await sub.close()
  }
})

test('a community of 1,200 members: each notified once over several transactions, and once more handled, nothing doubles', async () => {
  const w = await newCommunity(http)
  const room = ok(await http.post(`/v1/communities/${w.id}/rooms`, { name: 'announcements' }, w.as(w.owner)), 201).body
  // Members straight into the tables: the API's password hashing would take minutes for this many.
  const tag = crypto.randomUUID().slice(0, 8)
  const ids = Array.from({ length: 1200 }, () => newId())
  await app.res.db.insert(users).values(ids.map((id, i) => ({ id, username: `m_${tag}_${i}`, email: `m_${tag}_${i}@example.test`, passwordHash: 'x' })))
  await app.res.db.insert(communityMembers).values(ids.map((userId) => ({ communityId: w.id, userId })))

  const sent = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'big news @everyone', nonce: 'n1' }, w.as(w.owner)), 201).body
  const event = eventOf(w, sent)
  const started = performance.now()
  await react(event)
  const firstRunMs = performance.now() - started
  await react(event)

  const perUser = await app.res.db
    .select({ userId: notifications.userId, rows: count(), total: sql<number>`sum(${notifications.count})::int` })
    .from(notifications)
    .where(and(eq(notifications.targetId, room.id), eq(notifications.type, 'everyone')))
    .groupBy(notifications.userId)
  expect(perUser).toHaveLength(ids.length)
  expect(perUser.every((r) => Number(r.rows) === 1 && r.total === 1)).toBe(true)
  expect(new Set(perUser.map((r) => r.userId))).toEqual(new Set(ids))
  console.log(`@everyone to ${ids.length} members: first run ${firstRunMs.toFixed(0)} ms`)
})

import { expect, setDefaultTimeout, test } from 'bun:test'
import { and, count, eq, sql } from 'drizzle-orm'
import { communityMembers, notifications, users } from '../../../src/db/schema'
import type { DomainEvent } from '../../../src/domain-events/types'
import type { JobContext } from '../../../src/jobs/processors'
import { newId } from '../../../src/lib/ids'
import { notificationReactions } from '../../../src/modules/notifications/events'
import { UnreadCounter } from '../../../src/modules/notifications/unread-count'
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

/** A community of `n` members put straight into the tables (the API's password hashing would take minutes), and an @everyone in its room. */
async function bigRoom(n: number) {
  const w = await newCommunity(http)
  const room = ok(await http.post(`/v1/communities/${w.id}/rooms`, { name: 'announcements' }, w.as(w.owner)), 201).body
  const tag = crypto.randomUUID().slice(0, 8)
  const ids = Array.from({ length: n }, () => newId())
  await app.res.db.insert(users).values(ids.map((id, i) => ({ id, username: `m_${tag}_${i}`, email: `m_${tag}_${i}@example.test`, passwordHash: 'x' })))
  await app.res.db.insert(communityMembers).values(ids.map((userId) => ({ communityId: w.id, userId })))
  const sent = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'big news @everyone', nonce: crypto.randomUUID() }, w.as(w.owner)), 201).body
  return { w, room, ids, event: eventOf(w, sent) }
}

/** Each member's `everyone` rows of the room (rows, summed count), and their unread count as the API would answer it. */
async function tally(roomId: string, ids: string[]) {
  const perUser = await app.res.db
    .select({ userId: notifications.userId, rows: count(), total: sql<number>`sum(${notifications.count})::int` })
    .from(notifications)
    .where(and(eq(notifications.targetId, roomId), eq(notifications.type, 'everyone')))
    .groupBy(notifications.userId)
  const unread = new UnreadCounter(app.res)
  const counts = await Promise.all(ids.map((id) => unread.get(id)))
  return { perUser, counts }
}

test('a run that fails after some parts committed (inside a later transaction, its counts already raised): the retry notifies the rest, no one twice, every cached count exact', async () => {
  const { room, ids, event } = await bigRoom(1200)
  // Every member's count cached (0) beforehand, so that a stray increment would show.
  const unread = new UnreadCounter(app.res)
  expect(new Set(await Promise.all(ids.map((id) => unread.get(id))))).toEqual(new Set([0]))

  // The second storing transaction fails after its work (rows inserted, counts incremented): it rolls back.
  let transactions = 0
  const failing = new Proxy(app.res.db, {
    get(target, prop, receiver) {
      if (prop !== 'transaction') return Reflect.get(target, prop, receiver)
      return (fn: (tx: unknown) => Promise<unknown>) =>
        target.transaction(async (tx) => {
          const out = await fn(tx)
          if (++transactions === 3) throw new Error('crash in the second part')
          return out
        })
    },
  })
  await expect(notificationReactions['message.created']!.handle(event, { ...ctx, db: failing as typeof ctx.db })).rejects.toThrow('crash in the second part')
  const partial = await tally(room.id, ids)
  expect(partial.perUser.length).toBeGreaterThan(0)
  expect(partial.perUser.length).toBeLessThan(ids.length)
  const notifiedFirst = new Set(partial.perUser.map((r) => r.userId))
  expect(partial.counts).toEqual(ids.map((id) => (notifiedFirst.has(id) ? 1 : 0)))

  await react(event)
  const done = await tally(room.id, ids)
  expect(done.perUser).toHaveLength(ids.length)
  expect(done.perUser.every((r) => Number(r.rows) === 1 && r.total === 1)).toBe(true)
  expect(done.counts.every((n) => n === 1)).toBe(true)
})

test('an @everyone handled by three runs at once, the first time: each member notified once, counted once', async () => {
  const { room, ids, event } = await bigRoom(1200)
  await Promise.all([react(event), react(event), react(event)])
  const { perUser, counts } = await tally(room.id, ids)
  expect(perUser).toHaveLength(ids.length)
  expect(perUser.every((r) => Number(r.rows) === 1 && r.total === 1)).toBe(true)
  expect(counts.every((n) => n === 1)).toBe(true)
})

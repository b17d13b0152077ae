import { describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { consumeOnce } from '../../src/db/outbox'
import { domainEvents } from '../../src/db/schema'
import { OutboxRelay, type ConsumerTable } from '../../src/domain-events/relay'
import type { DomainEvent } from '../../src/domain-events/types'
import { startTestApp } from '../helpers/app'

const app = await startTestApp({ EVENTS_RELAY_INTERVAL_MS: '0' })
const { events } = app.hearth.core
const db = app.res.db

const outbox = async () => (await db.select().from(domainEvents)).map((r) => r.type).sort()

/** A relay of its own, with a test consumer that wants only some events. */
function relayFor(consumers: ConsumerTable) {
  return new OutboxRelay(app.res, { consumers, expanders: {}, intervalMs: 0 })
}

describe('domain events commit with their change', () => {
  test('a transaction that commits leaves its events in the outbox, with the actor', async () => {
    const userId = crypto.randomUUID()
    await events.transaction({ actorId: userId }, async (_tx, emit) => {
      emit({ type: 'member.joined', communityId: userId, data: { communityId: userId, userId, via: 'invite' } })
    })
    const [row] = await db.select().from(domainEvents).where(sql`${domainEvents.communityId} = ${userId}`)
    expect(row).toMatchObject({ type: 'member.joined', actorId: userId, data: { userId, via: 'invite' } })
  })

  test('a transaction that rolls back leaves none, and no listener hears them', async () => {
    const heard: string[] = []
    const off = events.on('member.left', (e) => heard.push(e.id))
    const communityId = crypto.randomUUID()
    await events
      .transaction({ actorId: null }, async (_tx, emit) => {
        emit({ type: 'member.left', communityId, data: { communityId, userId: communityId, reason: 'left' } })
        throw new Error('changed my mind')
      })
      .catch(() => {})
    off()
    expect(heard).toEqual([])
    expect(await db.select().from(domainEvents).where(sql`${domainEvents.communityId} = ${communityId}`)).toEqual([])
  })

  test("this process's listeners hear an event once it has committed", async () => {
    const heard: DomainEvent<'member.left'>[] = []
    const off = events.on('member.left', (e) => heard.push(e))
    const communityId = crypto.randomUUID()
    await events.transaction({ actorId: null }, async (_tx, emit) => {
      emit({ type: 'member.left', communityId, data: { communityId, userId: communityId, reason: 'kicked' } })
      expect(heard).toEqual([]) // not before the commit
    })
    off()
    expect(heard.map((e) => e.data.reason)).toEqual(['kicked'])
  })
})

describe('the relay', () => {
  test('queues one job per event and interested consumer, with a deterministic id, and empties the outbox', async () => {
    await db.delete(domainEvents)
    const communityId = crypto.randomUUID()
    const kept = crypto.randomUUID()
    await events.transaction({ actorId: null }, async (_tx, emit) => {
      emit({ type: 'member.joined', communityId, data: { communityId, userId: kept, via: 'invite' } })
      emit({ type: 'member.joined', communityId, data: { communityId, userId: crypto.randomUUID(), via: 'invite' } })
    })
    const relay = relayFor(
      new Map([['test', { 'member.joined': { wants: (e: DomainEvent<'member.joined'>) => e.data.userId === kept, handle: async () => {} } }]]) as ConsumerTable,
    )
    expect(await relay.relayOnce()).toBe(2)
    expect(await outbox()).toEqual([])
    const jobs = await app.res.jobs.queues.events.getJobs(['waiting', 'prioritized', 'delayed'])
    const mine = jobs.filter((j) => j.data.event.communityId === communityId)
    expect(mine.map((j) => [j.id, j.data.consumer, j.data.event.data.userId])).toEqual([[`test.${mine[0]!.data.event.id}`, 'test', kept]])
  })

  test("an event's room or group (who may see it) survives the outbox: the relayed event carries it", async () => {
    await db.delete(domainEvents)
    const communityId = crypto.randomUUID()
    const groupId = crypto.randomUUID()
    const roomId = crypto.randomUUID()
    await events.transaction({ actorId: null }, async (_tx, emit) => {
      emit({ type: 'survey.created', communityId, groupId, data: { surveyId: groupId, communityId, groupId, title: 'in a group' } })
      emit({ type: 'survey.created', communityId, roomId, data: { surveyId: roomId, communityId, groupId: null, title: 'in a room' } })
    })
    const relay = relayFor(new Map([['scoped', { 'survey.created': { handle: async () => {} } }]]) as ConsumerTable)
    expect(await relay.relayOnce()).toBe(2)
    const jobs = await app.res.jobs.queues.events.getJobs(['waiting', 'prioritized', 'delayed'])
    const mine = jobs.filter((j) => j.data.consumer === 'scoped' && j.data.event.communityId === communityId).map((j) => j.data.event)
    expect(mine.map((e) => [e.data.title, e.groupId, e.roomId]).sort()).toEqual([
      ['in a group', groupId, undefined],
      ['in a room', undefined, roomId],
    ])
  })

  test('relaying the same events again (a crash between queueing and deleting) queues nothing new', async () => {
    await db.delete(domainEvents)
    const communityId = crypto.randomUUID()
    await events.transaction({ actorId: null }, async (_tx, emit) => {
      emit({ type: 'member.joined', communityId, data: { communityId, userId: communityId, via: 'invite' } })
    })
    const [row] = await db.select().from(domainEvents)
    const relay = relayFor(new Map([['again', { 'member.joined': { handle: async () => {} } }]]) as ConsumerTable)
    await relay.relayOnce()
    await db.insert(domainEvents).values(row!)
    await relay.relayOnce()
    const jobs = await app.res.jobs.queues.events.getJobs(['waiting', 'prioritized', 'delayed'])
    expect(jobs.filter((j) => j.data.event.communityId === communityId).length).toBe(1)
  })

  test('a `*` consumer gets every event, and the relayed events are heard once where they were relayed', async () => {
    await db.delete(domainEvents)
    const communityId = crypto.randomUUID()
    await events.transaction({ actorId: null }, async (_tx, emit) => {
      emit({ type: 'member.joined', communityId, data: { communityId, userId: communityId, via: 'invite' } })
      emit({ type: 'member.left', communityId, data: { communityId, userId: communityId, reason: 'left' } })
    })
    const heard: string[] = []
    const relay = new OutboxRelay(app.res, {
      consumers: new Map([['everything', { '*': { handle: async () => {} } }]]) as ConsumerTable,
      expanders: {},
      intervalMs: 0,
      onRelayed: (relayed) => heard.push(...relayed.map((e) => e.type)),
    })
    await relay.relayOnce()
    expect(heard.sort()).toEqual(['member.joined', 'member.left'])
    const jobs = await app.res.jobs.queues.events.getJobs(['waiting', 'prioritized', 'delayed'])
    expect(jobs.filter((j) => j.data.consumer === 'everything' && j.data.event.communityId === communityId).map((j) => j.data.event.type).sort()).toEqual([
      'member.joined',
      'member.left',
    ])
  })

  test('a consumer claims an event once: the second claim of the same id is refused', async () => {
    const eventId = crypto.randomUUID()
    const first = await db.transaction((tx) => consumeOnce(tx, 'claims', eventId))
    const second = await db.transaction((tx) => consumeOnce(tx, 'claims', eventId))
    expect([first, second]).toEqual([true, false])
  })
})

import { describe, expect, test } from 'bun:test'
import { UnrecoverableError } from 'bullmq'
import { sql } from 'drizzle-orm'
import { consumeOnce } from '../../src/db/outbox'
import { domainEvents } from '../../src/db/schema'
import { eventProcessors, type EventJob } from '../../src/domain-events/consume'
import { EVENTS_PER_JOB, OutboxRelay, type ConsumerTable } from '../../src/domain-events/relay'
import type { DomainEvent } from '../../src/domain-events/types'
import type { JobContext } from '../../src/jobs/processors'
import { expanders } from '../../src/features'
import { startTestApp } from '../helpers/app'
import { newCommunity, ok } from '../helpers/community'

const app = await startTestApp({ EVENTS_RELAY_INTERVAL_MS: '0' })
const { events } = app.hearth.core
const db = app.res.db

const outbox = async () => (await db.select().from(domainEvents)).map((r) => r.type).sort()

/** The events a queued `events` job carries. */
const carried = (job: { data: EventJob }) => job.data.events ?? (job.data.event ? [job.data.event] : [])
const queuedEvents = async () => app.res.jobs.queues.events.getJobs(['waiting', 'prioritized', 'delayed'])

/** A relay of its own, with a test consumer that wants only some events. */
function relayFor(consumers: ConsumerTable, withExpanders = false) {
  return new OutboxRelay(app.res, { consumers, expanders: withExpanders ? expanders : {}, intervalMs: 0 })
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
  test('queues the events each interested consumer wants, with a deterministic id, and empties the outbox', async () => {
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
    const mine = (await queuedEvents()).filter((j) => carried(j).some((e) => e.communityId === communityId))
    expect(mine.map((j) => [j.id, j.data.consumer, carried(j).map((e) => (e.data as { userId: string }).userId)])).toEqual([[`test.${carried(mine[0]!)[0]!.id}`, 'test', [kept]]])
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
    const mine = (await queuedEvents()).filter((j) => j.data.consumer === 'scoped').flatMap(carried).filter((e) => e.communityId === communityId) as DomainEvent<'survey.created'>[]
    expect(mine.map((e) => [e.data.title, e.groupId, e.roomId]).sort()).toEqual([
      ['in a group', groupId, undefined],
      ['in a room', undefined, roomId],
    ])
  })

  test("sends in two rooms, an edit and a delete relayed in one batch come out in commit order, each send's row with its own messages only", async () => {
    const w = await newCommunity(app.http)
    const [a, b] = [await w.room('a'), await w.room('b')]
    const send = async (roomId: string, body: string) => ok(await app.http.post(`/v1/rooms/${roomId}/messages`, { body, nonce: body }, w.as(w.owner)), 201).body as { id: string }
    const [a1, a2, a3] = [await send(a.id, 'a1'), await send(a.id, 'a2'), await send(a.id, 'a3')]
    const [b1, b2] = [await send(b.id, 'b1'), await send(b.id, 'b2')]
    ok(await app.http.patch(`/v1/messages/${a2.id}`, { body: 'a2 edited' }, w.as(w.owner)))
    ok(await app.http.delete(`/v1/messages/${b1.id}`, w.as(w.owner)), 204)
    await db.delete(domainEvents)
    // The rows as the commits would have left them; room a's sends 1 and 3 in two rows, its 2 in none.
    const at = Date.now()
    const row = (i: number, type: string, roomId: string, data: object) => ({ id: crypto.randomUUID(), type, roomId, communityId: w.id, data, createdAt: new Date(at + i) })
    const rows = [
      row(1, 'messages.committed', a.id, { fromSeq: 1, toSeq: 1 }),
      row(2, 'messages.committed', b.id, { fromSeq: 1, toSeq: 2 }),
      row(3, 'message.updated', a.id, { messageId: a2.id }),
      row(4, 'messages.committed', a.id, { fromSeq: 3, toSeq: 3 }),
      row(5, 'message.deleted', b.id, { messageId: b1.id }),
    ]
    await db.insert(domainEvents).values(rows)
    const relay = relayFor(new Map([['ordered', { '*': { handle: async () => {} } }]]) as ConsumerTable, true)
    expect(await relay.relayOnce()).toBe(rows.length)
    const relayed = (await queuedEvents()).filter((j) => j.data.consumer === 'ordered').flatMap(carried).filter((e) => e.roomId === a.id || e.roomId === b.id)
    const messageOf = (e: DomainEvent) => (e.data as { message?: { id: string; body: string }; messageId?: string }).message ?? { id: (e.data as { messageId: string }).messageId, body: undefined }
    expect(relayed.map((e) => [e.type, messageOf(e).id])).toEqual([
      ['message.created', a1.id],
      ['message.created', b1.id],
      ['message.created', b2.id],
      ['message.updated', a2.id],
      ['message.created', a3.id],
      ['message.deleted', b1.id],
    ])
    expect(relayed.map((e) => e.communityId)).toEqual(Array(6).fill(w.id))
    expect(messageOf(relayed[3]!).body).toBe('a2 edited')
    expect(relayed[3]!.id).toBe(rows[2]!.id)
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
    expect((await queuedEvents()).filter((j) => carried(j).some((e) => e.communityId === communityId)).length).toBe(1)
  })

  test('when the queue cannot take the jobs, the rows stay in the outbox and the next pass relays them', async () => {
    await db.delete(domainEvents)
    const communityId = crypto.randomUUID()
    await events.transaction({ actorId: null }, async (_tx, emit) => {
      emit({ type: 'member.joined', communityId, data: { communityId, userId: communityId, via: 'invite' } })
    })
    const consumers = new Map([['test', { 'member.joined': { handle: async () => {} } }]]) as ConsumerTable
    const down = new OutboxRelay({ ...app.res, jobs: { enqueueBulk: () => Promise.reject(new Error('redis down')) } }, { consumers, expanders: {}, intervalMs: 0 })
    await expect(down.relayOnce()).rejects.toThrow('redis down')
    expect(await outbox()).toEqual(['member.joined'])
    expect(await relayFor(consumers).relayOnce()).toBe(1)
    expect(await outbox()).toEqual([])
  })

  /** A relay of its own that waits `delayMs` after a wake, and the sizes of its passes. */
  function delayedRelay(delayMs: number) {
    const passes: number[] = []
    const relay = new OutboxRelay(app.res, { consumers: new Map(), expanders: {}, intervalMs: 60_000, delayMs, onRelayed: (e) => passes.push(e.length) })
    return { relay, passes }
  }
  const commitJoin = (communityId: string) =>
    events.transaction({ actorId: null }, async (_tx, emit) => {
      emit({ type: 'member.joined', communityId, data: { communityId, userId: crypto.randomUUID(), via: 'invite' } })
    })

  test('commits within the relay delay share one pass, which runs once the delay is over', async () => {
    await db.delete(domainEvents)
    const { relay, passes } = delayedRelay(1000)
    try {
      const communityId = crypto.randomUUID()
      for (let i = 0; i < 3; i++) {
        await commitJoin(communityId)
        relay.start() // the first wake starts the delay; the others find a pass already due
      }
      expect(await outbox()).toEqual(['member.joined', 'member.joined', 'member.joined'])
      expect(passes).toEqual([])
      for (const deadline = Date.now() + 10_000; passes.length === 0 && Date.now() < deadline; ) await Bun.sleep(50)
      expect(passes).toEqual([3])
      expect(await outbox()).toEqual([])
    } finally {
      await relay.stop()
    }
  })

  test('a relay stopped while a wake waits out its delay relays those events before it stops', async () => {
    await db.delete(domainEvents)
    const { relay, passes } = delayedRelay(60_000)
    relay.start()
    await commitJoin(crypto.randomUUID())
    relay.wake()
    await relay.stop()
    expect(passes).toEqual([1])
    expect(await outbox()).toEqual([])
  })

  /** A relay whose queue holds each pass until `release`: `inPass` resolves once one is under way. */
  function heldRelay(delayMs: number) {
    const passes: number[] = []
    let release!: () => void
    let entered!: () => void
    const held = new Promise<void>((r) => (release = r))
    const inPass = new Promise<void>((r) => (entered = r))
    const relay = new OutboxRelay(
      { ...app.res, jobs: { enqueueBulk: async () => (entered(), held) } },
      { consumers: new Map([['held', { 'member.joined': { handle: async () => {} } }]]) as ConsumerTable, expanders: {}, intervalMs: 60_000, delayMs, onRelayed: (e) => passes.push(e.length) },
    )
    return { relay, passes, inPass, release }
  }

  test('a commit during a pass gets a pass of its own after it', async () => {
    await db.delete(domainEvents)
    const { relay, passes, inPass, release } = heldRelay(10)
    try {
      await commitJoin(crypto.randomUUID())
      relay.start()
      await inPass
      await commitJoin(crypto.randomUUID()) // after the pass read the outbox
      relay.wake()
      release()
      for (const deadline = Date.now() + 10_000; passes.length < 2 && Date.now() < deadline; ) await Bun.sleep(20)
      expect(passes).toEqual([1, 1])
      expect(await outbox()).toEqual([])
    } finally {
      await relay.stop()
    }
  })

  test('a relay stopped during a pass relays a commit that came meanwhile before it stops', async () => {
    await db.delete(domainEvents)
    const { relay, passes, inPass, release } = heldRelay(0)
    await commitJoin(crypto.randomUUID())
    relay.start()
    await inPass
    await commitJoin(crypto.randomUUID())
    relay.wake()
    const stopped = relay.stop()
    release()
    await stopped
    expect(passes).toEqual([1, 1])
    expect(await outbox()).toEqual([])
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
    const mine = (await queuedEvents()).filter((j) => j.data.consumer === 'everything' && carried(j).some((e) => e.communityId === communityId))
    expect(mine.length).toBe(1)
    expect(carried(mine[0]!).map((e) => e.type)).toEqual(['member.joined', 'member.left'])
  })

  test('a consumer claims an event once: the second claim of the same id is refused', async () => {
    const eventId = crypto.randomUUID()
    const first = await db.transaction((tx) => consumeOnce(tx, 'claims', eventId))
    const second = await db.transaction((tx) => consumeOnce(tx, 'claims', eventId))
    expect([first, second]).toEqual([true, false])
  })
})

describe('events travel in jobs of many', () => {
  test(`a burst is one job per ${EVENTS_PER_JOB} events per consumer, in commit order, and the same burst relayed again queues nothing new`, async () => {
    await db.delete(domainEvents)
    const communityId = crypto.randomUUID()
    const count = EVENTS_PER_JOB + 20
    await events.transaction({ actorId: null }, async (_tx, emit) => {
      for (let i = 0; i < count; i++) emit({ type: 'member.joined', communityId, data: { communityId, userId: crypto.randomUUID(), via: `${i}` } as never })
    })
    const rows = await db.select().from(domainEvents)
    const relay = relayFor(new Map([['burst', { 'member.joined': { handle: async () => {} } }]]) as ConsumerTable)
    await relay.relayOnce()
    await db.insert(domainEvents).values(rows)
    await relay.relayOnce()
    const mine = (await queuedEvents()).filter((j) => j.data.consumer === 'burst' && carried(j).some((e) => e.communityId === communityId))
    expect(mine.map((j) => carried(j).length).sort((a, b) => b - a)).toEqual([EVENTS_PER_JOB, 20])
    const order = mine.sort((a, b) => carried(b).length - carried(a).length).flatMap(carried).map((e) => Number((e.data as { via: string }).via))
    expect(order).toEqual(Array.from({ length: count }, (_, i) => i))
  })

  function ctxFor(queued: { jobs: { data: EventJob; jobId?: string }[] }[]): JobContext {
    return {
      ...app.res,
      live: { toUser: async () => {} },
      jobs: { enqueue: async () => {}, enqueueBulk: async (batch: { jobs: { data: EventJob; jobId?: string }[] }) => void queued.push(batch) },
      job: { id: 'batch', queue: 'events', name: 'event', attempt: 1 },
    } as unknown as JobContext
  }
  const event = (n: number): DomainEvent => ({ id: `e${n}`, type: 'member.joined', at: new Date().toISOString(), data: { n } as never })

  test('in a job of many, an event whose reaction fails is split off into a job of its own; the others are done once', async () => {
    const done: string[] = []
    const run = eventProcessors(
      new Map([['flaky', { 'member.joined': { handle: async (e: DomainEvent) => (e.id === 'e2' ? Promise.reject(new Error('no')) : void done.push(e.id)) } }]]) as ConsumerTable,
    ).events!.event!
    const queued: { jobs: { data: EventJob; jobId?: string }[] }[] = []
    await run({ consumer: 'flaky', events: [event(1), event(2), event(3)] }, ctxFor(queued))
    expect(done).toEqual(['e1', 'e3'])
    expect(queued.flatMap((b) => b.jobs.map((j) => [j.jobId, j.data.event?.id]))).toEqual([['flaky.e2', 'e2']])
  })

  test('when every event of a job fails, the job fails (and is retried whole)', async () => {
    const run = eventProcessors(new Map([['down', { 'member.joined': { handle: async () => Promise.reject(new Error('db down')) } }]]) as ConsumerTable).events!.event!
    const queued: { jobs: { data: EventJob; jobId?: string }[] }[] = []
    await expect(run({ consumer: 'down', events: [event(1), event(2)] }, ctxFor(queued))).rejects.toThrow('db down')
    expect(queued).toEqual([])
  })

  test('in a job of many, an event the consumer has no reaction to is split off (to be dead-lettered alone), not dropped', async () => {
    const done: string[] = []
    const run = eventProcessors(new Map([['partial', { 'member.joined': { handle: async (e: DomainEvent) => void done.push(e.id) } }]]) as ConsumerTable).events!.event!
    const queued: { jobs: { data: EventJob; jobId?: string }[] }[] = []
    const unknown: DomainEvent = { ...event(2), type: 'member.left' }
    await run({ consumer: 'partial', events: [event(1), unknown, event(3)] }, ctxFor(queued))
    expect(done).toEqual(['e1', 'e3'])
    expect(queued.flatMap((b) => b.jobs.map((j) => [j.jobId, j.data.event?.type]))).toEqual([['partial.e2', 'member.left']])
  })

  test('a job of many events the consumer has no reaction to fails for good (it cannot succeed on a retry)', async () => {
    const run = eventProcessors(new Map([['partial', { 'member.joined': { handle: async () => {} } }]]) as ConsumerTable).events!.event!
    const left = (n: number): DomainEvent => ({ ...event(n), type: 'member.left' })
    const queued: { jobs: { data: EventJob; jobId?: string }[] }[] = []
    await expect(run({ consumer: 'partial', events: [left(1), left(2)] }, ctxFor(queued))).rejects.toBeInstanceOf(UnrecoverableError)
    expect(queued).toEqual([])
  })

  test('a reaction with handleBatch gets the events of a job together; if it throws, they go one by one and only the bad one is retried alone', async () => {
    const batches: string[][] = []
    const ok = eventProcessors(
      new Map([['together', { 'member.joined': { handle: async () => Promise.reject(new Error('not this')), handleBatch: async (es: DomainEvent[]) => void batches.push(es.map((e) => e.id)) } }]]) as ConsumerTable,
    ).events!.event!
    await ok({ consumer: 'together', events: [event(1), event(2)] }, ctxFor([]))
    expect(batches).toEqual([['e1', 'e2']])
    const done: string[] = []
    const queued: { jobs: { data: EventJob; jobId?: string }[] }[] = []
    const failing = eventProcessors(
      new Map([
        [
          'split',
          {
            'member.joined': {
              handle: async (e: DomainEvent) => (e.id === 'e2' ? Promise.reject(new Error('bad apple')) : void done.push(e.id)),
              handleBatch: async () => Promise.reject(new Error('one bad apple')),
            },
          },
        ],
      ]) as ConsumerTable,
    ).events!.event!
    await failing({ consumer: 'split', events: [event(1), event(2), event(3)] }, ctxFor(queued))
    expect(done).toEqual(['e1', 'e3'])
    expect(queued.flatMap((b) => b.jobs.map((j) => j.jobId))).toEqual(['split.e2'])
  })
})

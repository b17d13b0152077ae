// A hot room commits its next batch while the one before is in flight: the compare-and-set
// on room_state.last_seq keeps the room gap-free and in order whatever reaches Postgres first.
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { asc, eq } from 'drizzle-orm'
import { messages } from '../../src/db/schema'
import type { Database } from '../../src/db/client'
import { CommitPipeline, RoomActor, RoomStore, StaleEpochError, type RoomBatch, type RoomEvent, type SendAck, type WriteHooks } from '../../rooms'
import { newRoomId, openRoomsTestbed } from '../helpers/rooms'

setDefaultTimeout(20_000)

const bed = await openRoomsTestbed()
const [alice] = await bed.createUsers(1)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The real store over a database whose commit statements (db.execute) are held back by
 * `delayOf(n)` ms, n counting statements from 0; it counts statements in flight at once.
 */
function slowStore(delayOf: (n: number) => number) {
  let statements = 0
  const seen = { inFlight: 0, mostInFlight: 0 }
  const db = new Proxy(bed.db, {
    get(target, prop, receiver) {
      if (prop !== 'execute') return Reflect.get(target, prop, receiver)
      return async (query: Parameters<Database['execute']>[0]) => {
        const n = statements++
        seen.mostInFlight = Math.max(seen.mostInFlight, ++seen.inFlight)
        try {
          await sleep(delayOf(n))
          return await target.execute(query)
        } finally {
          seen.inFlight--
        }
      }
    },
  }) as Database
  return { store: new RoomStore({ ...bed.resources, db }), seen }
}

async function actorOn(store: RoomStore, roomId = newRoomId()) {
  const events: RoomEvent[] = []
  // Pipelined from the first send on (by default a batch needs 32 sends to go behind another).
  const actor = await RoomActor.activate(bed.resources, { roomId, store, pipeline: new CommitPipeline({ store }), publish: (e) => events.push(e), minPipelinedSends: 1 })
  return { actor, events, roomId }
}

const sendAll = (actor: RoomActor, nonces: string[]) =>
  nonces.map((nonce) => actor.enqueue({ type: 'send', roomId: actor.roomId, authorId: alice!, nonce, body: nonce }))

const stored = async (roomId: string) =>
  (await bed.db.select({ seq: messages.seq, body: messages.body }).from(messages).where(eq(messages.roomId, roomId)).orderBy(asc(messages.seq))).map(
    (m) => [m.seq, m.body],
  )

/** Acks settle in the order of the sends: records the order their promises resolved in. */
function settleOrder(promises: Promise<SendAck>[]) {
  const order: number[] = []
  return { order, all: Promise.allSettled(promises.map((p, i) => p.finally(() => order.push(i)))) }
}

describe('pipelined batches of one room', () => {
  test('the next batch goes while the first is in flight; both commit in order, acks and events in seq order', async () => {
    const { store, seen } = slowStore(() => 60)
    const { actor, events, roomId } = await actorOn(store)
    const first = sendAll(actor, ['a1', 'a2', 'a3'])
    await sleep(20) // the first batch is planned and its statement is on its way
    const second = sendAll(actor, ['b1', 'b2'])
    const { order, all } = settleOrder([...first, ...second])
    const acks = (await all).map((r) => (r.status === 'fulfilled' ? r.value.seq : r.reason))
    expect(acks).toEqual([1, 2, 3, 4, 5])
    expect(order).toEqual([0, 1, 2, 3, 4])
    expect(seen.mostInFlight).toBe(2)
    expect(actor.stats).toMatchObject({ batches: 2, replanned: 0 })
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
    expect(await stored(roomId)).toEqual([
      [1, 'a1'],
      [2, 'a2'],
      [3, 'a3'],
      [4, 'b1'],
      [5, 'b2'],
    ])
    expect(actor.lastSeq).toBe(5)
  })

  test('a later batch that reaches Postgres first writes nothing and is planned again; the room stays in mailbox order', async () => {
    // The first statement is held back longer than the second, so the second arrives first.
    const { store } = slowStore((n) => (n === 0 ? 150 : 0))
    const { actor, events, roomId } = await actorOn(store)
    const first = sendAll(actor, ['a1', 'a2'])
    await sleep(20)
    const second = sendAll(actor, ['b1'])
    const { order, all } = settleOrder([...first, ...second])
    expect((await all).map((r) => r.status === 'fulfilled' && r.value.seq)).toEqual([1, 2, 3])
    expect(order).toEqual([0, 1, 2])
    expect(actor.stats.replanned).toBe(1)
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3])
    expect(await stored(roomId)).toEqual([
      [1, 'a1'],
      [2, 'a2'],
      [3, 'b1'],
    ])
  })

  test('a batch that fails in the middle: the one planned behind it never commits past the gap, it is planned again from the last commit', async () => {
    // The real store, except that a statement carrying a "poison" send is planned and then fails.
    class FailsPoison extends RoomStore {
      override async commitSends(batches: RoomBatch[], hooks?: WriteHooks) {
        if (batches.some((b) => b.sends.some((s) => s.nonce.startsWith('poison')))) {
          hooks?.onPlanned?.(batches.map((b) => b.lastSeq + b.sends.length))
          await sleep(80)
          throw new Error('statement failed')
        }
        return super.commitSends(batches, hooks)
      }
    }
    const store = new FailsPoison(bed.resources)
    const { actor, events, roomId } = await actorOn(store)
    const first = sendAll(actor, ['a1', 'a2'])
    await first[1]
    const poisoned = sendAll(actor, ['poison'])
    await sleep(20) // the poisoned batch is planned (to end at seq 3) and in flight
    const third = sendAll(actor, ['c1', 'c2'])
    const { order, all } = settleOrder([...poisoned, ...third])
    const [bad, ...rest] = await all
    expect(bad!.status === 'rejected' && (bad!.reason as Error).message).toBe('statement failed')
    expect(rest.map((r) => r.status === 'fulfilled' && r.value.seq)).toEqual([3, 4])
    expect(order).toEqual([0, 1, 2])
    // c1, c2 were planned at seqs 4, 5 behind the failed batch; the compare-and-set refused them.
    expect(actor.stats.replanned).toBe(1)
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4])
    expect(await stored(roomId)).toEqual([
      [1, 'a1'],
      [2, 'a2'],
      [3, 'c1'],
      [4, 'c2'],
    ])
    expect((await actor.enqueue({ type: 'send', roomId, authorId: alice!, nonce: 'd', body: 'd' })).seq).toBe(5)
  })

  test('fenced off with two batches in flight: neither commits, the actor retires, the new owner continues gap-free', async () => {
    const { store } = slowStore(() => 80)
    const { actor, roomId } = await actorOn(store)
    await Promise.all(sendAll(actor, ['w']))
    const first = sendAll(actor, ['a1', 'a2'])
    await sleep(20)
    const second = sendAll(actor, ['b1'])
    await sleep(10)
    // Another node takes the room while both statements are held back.
    const owner = await new RoomStore(bed.resources).activate({ roomId })
    const results = await Promise.allSettled([...first, ...second])
    for (const r of results) expect(r.status === 'rejected' && r.reason).toBeInstanceOf(StaleEpochError)
    expect(actor.isClosed).toBe(true)
    expect(await stored(roomId)).toEqual([[1, 'w']])
    const { actor: next } = await actorOn(new RoomStore(bed.resources), roomId)
    expect(next.epoch).toBe(owner.epoch + 1)
    expect((await next.enqueue({ type: 'send', roomId, authorId: alice!, nonce: 'n', body: 'n' })).seq).toBe(2)
  })

  test('a room with a few sends at a time does not pipeline them: they wait and form the next batch', async () => {
    const { store, seen } = slowStore(() => 60)
    const events: RoomEvent[] = []
    const actor = await RoomActor.activate(bed.resources, { roomId: newRoomId(), store, pipeline: new CommitPipeline({ store }), publish: (e) => events.push(e) })
    const first = sendAll(actor, ['a1'])
    await sleep(20)
    const second = sendAll(actor, ['b1', 'b2'])
    expect((await Promise.all([...first, ...second])).map((a) => a.seq)).toEqual([1, 2, 3])
    expect(seen.mostInFlight).toBe(1)
    expect(actor.stats.batches).toBe(2)
  })

  test('an edit waits for the batches in flight: it sees the sends before it committed', async () => {
    const { store } = slowStore(() => 40)
    const { actor, events, roomId } = await actorOn(store)
    const [sent] = sendAll(actor, ['m'])
    const { messageId } = await sent!
    const inFlight = sendAll(actor, ['x'])
    const edit = actor.enqueue({ type: 'edit', roomId, messageId, actorId: alice!, body: 'edited' })
    const later = sendAll(actor, ['after'])
    await Promise.all([...inFlight, edit, ...later])
    expect(events.map((e) => [e.type, e.atSeq])).toEqual([
      ['message.created', 1],
      ['message.created', 2],
      ['message.updated', 2],
      ['message.created', 3],
    ])
  })
})

import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { domainEvents, messages, roomState } from '../../src/db/schema'
import { expandCommittedSends } from '../../src/modules/messages/events'
import { OutOfOrderError, RoomStore, StaleEpochError, writeSends, type RoomEvent } from '../../rooms'
import { newRoomId, openRoomsTestbed } from '../helpers/rooms'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const bed = await openRoomsTestbed()
const [alice] = await bed.createUsers(1)
const sendTo = (host: ReturnType<typeof bed.host>, roomId: string, nonce: string) =>
  host.send({ type: 'send', roomId, authorId: alice!, nonce, body: `body ${nonce}` })
const stateOf = async (roomId: string) => (await bed.db.select().from(roomState).where(eq(roomState.roomId, roomId)))[0]!

describe('eviction and rebuild', () => {
  test('an idle actor is evicted on a timer, and the rebuilt one continues the seq with a new epoch', async () => {
    const host = bed.host({ idleMs: 40 })
    const roomId = newRoomId()
    const events: RoomEvent[] = []
    host.subscribe({ roomId, listener: (e) => events.push(e) })
    await sendTo(host, roomId, 'a')
    await sendTo(host, roomId, 'b')
    const firstEpoch = host.actor({ roomId })!.epoch
    await Bun.sleep(150)
    expect(host.activeRooms()).not.toContain(roomId)
    expect(host.stats.evictions).toBe(1)
    const ack = await sendTo(host, roomId, 'c')
    expect(ack.seq).toBe(3)
    expect(host.actor({ roomId })!.epoch).toBe(firstEpoch + 1)
    expect(await stateOf(roomId)).toMatchObject({ lastSeq: 3, epoch: firstEpoch + 1, ownerNode: 'rooms-test' })
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3])
  })

  test('a busy actor is not evicted', async () => {
    const host = bed.host({ idleMs: 30 })
    const roomId = newRoomId()
    for (let i = 0; i < 8; i++) {
      await sendTo(host, roomId, `busy${i}`)
      await Bun.sleep(10)
    }
    expect(host.stats.activations).toBe(1)
  })

  test('stop() lets every queued command commit, then refuses new ones (retryable)', async () => {
    const host = bed.host()
    const roomId = newRoomId()
    const pending = Array.from({ length: 100 }, (_, i) => sendTo(host, roomId, `s${i}`))
    await Bun.sleep(0)
    await host.stop()
    const acks = await Promise.all(pending)
    expect(acks.map((a) => a.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    await expect(sendTo(host, roomId, 'late')).rejects.toMatchObject({ code: 'dependency_unavailable', status: 503 })
    expect((await stateOf(roomId)).lastSeq).toBe(100)
  })
})

describe('epoch fencing', () => {
  test('after another owner takes the room, the old actor cannot commit and says why', async () => {
    const stale = bed.host()
    const roomId = newRoomId()
    await sendTo(stale, roomId, 'one')
    const staleEpoch = stale.actor({ roomId })!.epoch

    const takeover = await new RoomStore(bed.resources).activate({ roomId })
    expect(takeover).toEqual({ epoch: staleEpoch + 1, lastSeq: 1 })

    const err = await sendTo(stale, roomId, 'two').catch((e) => e)
    expect(err).toBeInstanceOf(StaleEpochError)
    expect(err).toMatchObject({ code: 'conflict', status: 409, epoch: staleEpoch })
    expect(err.message).toContain('newer owner')
    expect(await bed.db.select({ seq: messages.seq }).from(messages).where(eq(messages.roomId, roomId))).toEqual([{ seq: 1 }])
    expect(await stateOf(roomId)).toMatchObject({ lastSeq: 1, epoch: staleEpoch + 1 })
    expect(stale.activeRooms()).not.toContain(roomId)
  })

  test('two hosts on one room: the newer owner writes, the stale one is stopped by the epoch or by the compare-and-set on last_seq', async () => {
    const first = bed.host()
    const second = bed.host()
    const roomId = newRoomId()
    const a = await sendTo(first, roomId, 'a')
    const oldActor = first.actor({ roomId })!
    const b = await sendTo(second, roomId, 'b') // takes ownership, writes seq 2
    expect([a.seq, b.seq]).toEqual([1, 2])
    // The epoch check stops the stale actor's edit...
    const edit = await first.send({ type: 'edit', roomId, messageId: a.messageId, actorId: alice!, body: 'x' }).catch((e) => e)
    expect(edit).toBeInstanceOf(StaleEpochError)
    // ...and so does it a raw commit that still believes last_seq is 1: nothing is written.
    const stale = { roomId, epoch: oldActor.epoch, lastSeq: 1, sends: [{ type: 'send' as const, roomId, authorId: alice!, nonce: 'c', body: 'c' }] }
    const [raw] = await writeSends(bed.db, [stale])
    expect(raw).toBeInstanceOf(StaleEpochError)
    // Under the right epoch, the compare-and-set on last_seq still stops a writer whose last_seq is behind.
    const behind = { ...stale, epoch: second.actor({ roomId })!.epoch }
    expect((await first.store.commitSends([behind]))[0]).toBeInstanceOf(OutOfOrderError)
    const history = await second.history({ roomId })
    expect(history.map((m) => [m.seq, m.body])).toEqual([
      [1, 'body a'],
      [2, 'body b'],
    ])
    expect((await sendTo(second, roomId, 'd')).seq).toBe(3)
  })
})

describe('eventsSince', () => {
  test('served from the recent buffer when it reaches back, else rebuilt from Postgres', async () => {
    const host = bed.host({ bufferSize: 10 })
    const roomId = newRoomId()
    const acks = []
    for (let i = 1; i <= 25; i++) acks.push(await sendTo(host, roomId, `m${i}`))
    await host.send({ type: 'edit', roomId, messageId: acks[21]!.messageId, actorId: alice!, body: 'edited 22' })

    const recent = await host.eventsSince({ roomId, sinceSeq: 20 })
    expect(recent.map((e) => [e.type, e.seq])).toEqual([
      ['message.created', 21],
      ['message.created', 22],
      ['message.created', 23],
      ['message.created', 24],
      ['message.created', 25],
      ['message.updated', undefined],
    ])

    const older = await host.eventsSince({ roomId, sinceSeq: 5 })
    expect(older.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 6))
    expect(older.every((e) => e.type === 'message.created')).toBe(true)
    expect((older[16]!.data.message as { body: string }).body).toBe('edited 22')

    expect(await host.eventsSince({ roomId, sinceSeq: 25 })).toEqual([
      expect.objectContaining({ type: 'message.updated' }),
    ])
  })

  test('after eviction the events come from Postgres', async () => {
    const host = bed.host({ idleMs: 60_000 })
    const roomId = newRoomId()
    for (let i = 1; i <= 3; i++) await sendTo(host, roomId, `e${i}`)
    host.evictIdle({ now: Date.now() + 60_000 })
    const events = await host.eventsSince({ roomId, sinceSeq: 1 })
    expect(events.map((e) => [e.type, e.seq, (e.data.message as { body: string }).body])).toEqual([
      ['message.created', 2, 'body e2'],
      ['message.created', 3, 'body e3'],
    ])
  })
})

describe('the outbox rows of a send statement', () => {
  test('each room the statement moved gets one messages.committed row with its seq range; a room fenced off in it gets none, nor does a statement that moves no room', async () => {
    const host = bed.host()
    const [live, other, taken] = [newRoomId(), newRoomId(), newRoomId()]
    for (const [roomId, nonce] of [[live, 'l1'], [other, 'o1'], [taken, 't1']] as const) await sendTo(host, roomId, nonce)
    const batch = (roomId: string, epoch: number, nonces: string[]) => ({
      roomId,
      epoch,
      lastSeq: 1,
      sends: nonces.map((nonce) => ({ type: 'send' as const, roomId, authorId: alice!, nonce, body: nonce })),
    })
    const epochOf = (roomId: string) => host.actor({ roomId })!.epoch
    const before = new Set((await bed.db.select({ id: domainEvents.id }).from(domainEvents)).map((r) => r.id))
    const committedRows = async () =>
      (await bed.db.select().from(domainEvents).where(eq(domainEvents.type, 'messages.committed'))).filter((r) => !before.has(r.id))

    const verdicts = await writeSends(bed.db, [batch(live, epochOf(live), ['l2', 'l3']), batch(other, epochOf(other), ['o2']), batch(taken, epochOf(taken) - 1, ['t2'])])
    expect(verdicts[0]).not.toBeInstanceOf(Error)
    expect(verdicts[1]).not.toBeInstanceOf(Error)
    expect(verdicts[2]).toBeInstanceOf(StaleEpochError)
    const rows = await committedRows()
    expect(rows.map((r) => [r.roomId, r.data]).sort()).toEqual(
      [
        [live, { fromSeq: 2, toSeq: 3 }],
        [other, { fromSeq: 2, toSeq: 2 }],
      ].sort(),
    )
    // Read back together, each row is its own room's messages in seq order (not the room's earlier ones).
    const ordered = [rows.find((r) => r.roomId === live)!, rows.find((r) => r.roomId === other)!]
    const created = await bed.db.transaction((tx) => expandCommittedSends(tx, ordered))
    expect(created.map((events) => events.map((e) => (e.data as { message: { body: string } }).message.body))).toEqual([['l2', 'l3'], ['o2']])

    expect((await writeSends(bed.db, [batch(taken, epochOf(taken) - 1, ['t3'])]))[0]).toBeInstanceOf(StaleEpochError)
    expect((await committedRows()).length).toBe(rows.length)
  })
})

import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { and, eq, inArray, like, sql } from 'drizzle-orm'
import { messages } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { CommitPipeline, RoomStore, StaleEpochError } from '../../rooms'
import { newRoomId, openRoomsTestbed } from '../helpers/rooms'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const bed = await openRoomsTestbed()
const [alice, bob] = await bed.createUsers(2)

/** How many Postgres transactions wrote these rooms' messages whose nonce starts with `prefix`. */
async function transactionsAcross(roomIds: string[], prefix: string) {
  const [row] = await bed.db
    .select({ n: sql<number>`count(distinct xmin::text)::int` })
    .from(messages)
    .where(and(inArray(messages.roomId, roomIds), like(messages.nonce, `${prefix}%`)))
  return row!.n
}

describe('group commit across rooms', () => {
  test('sends to 50 rooms at once share a few transactions; every room stays gap-free', async () => {
    const host = bed.host()
    const rooms = Array.from({ length: 50 }, () => newRoomId())
    // Activate first, so the sends below race only each other.
    await Promise.all(rooms.map((roomId) => host.send({ type: 'send', roomId, authorId: alice!, nonce: 'warm', body: 'hi' })))
    const before = host.pipeline.stats.commits
    const acks = await Promise.all(
      rooms.flatMap((roomId) =>
        Array.from({ length: 4 }, (_, i) => host.send({ type: 'send', roomId, authorId: bob!, nonce: `x${i}`, body: `#${i}` })),
      ),
    )
    const commits = host.pipeline.stats.commits - before
    expect(acks.length).toBe(200)
    expect(commits).toBeLessThanOrEqual(10)
    for (const roomId of rooms) {
      expect((await host.history({ roomId })).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5])
    }
    expect(await transactionsAcross(rooms, 'x')).toBe(commits)
  })

  test('a send naming a user that does not exist fails alone; the rest of its batch commits in order', async () => {
    const host = bed.host()
    const roomId = newRoomId()
    const results = await Promise.allSettled([
      host.send({ type: 'send', roomId, authorId: alice!, nonce: 'p1', body: 'one' }),
      host.send({ type: 'send', roomId, authorId: newId(), nonce: 'p2', body: 'ghost' }),
      host.send({ type: 'send', roomId, authorId: bob!, nonce: 'p3', body: 'three' }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'validation_failed', details: { field: 'authorId' } })
    expect((await host.history({ roomId })).map((m) => [m.seq, m.body])).toEqual([
      [1, 'one'],
      [2, 'three'],
    ])
    expect((await host.send({ type: 'send', roomId, authorId: alice!, nonce: 'p4', body: 'four' })).seq).toBe(3)
  })

  test('a retried nonce inside a shared commit gets its first ack; the new sends around it take the next seqs', async () => {
    const host = bed.host()
    const [one, two] = [newRoomId(), newRoomId()]
    const first = await host.send({ type: 'send', roomId: one, authorId: alice!, nonce: 'r', body: 'first' })
    await host.send({ type: 'send', roomId: two, authorId: alice!, nonce: 'w', body: 'w' })
    const [retry, after, other] = await Promise.all([
      host.send({ type: 'send', roomId: one, authorId: alice!, nonce: 'r', body: 'retried' }),
      host.send({ type: 'send', roomId: one, authorId: bob!, nonce: 'n', body: 'after' }),
      host.send({ type: 'send', roomId: two, authorId: bob!, nonce: 'n', body: 'other' }),
    ])
    expect(retry).toEqual({ ...first, duplicate: true })
    expect([after.seq, after.duplicate, other.seq]).toEqual([2, false, 2])
    expect((await host.history({ roomId: one })).map((m) => [m.seq, m.body])).toEqual([
      [1, 'first'],
      [2, 'after'],
    ])
    expect((await host.send({ type: 'send', roomId: one, authorId: bob!, nonce: 'm', body: 'm' })).seq).toBe(3)
  })

  test('a stale and a new owner of one room, with one nonce, in one flush: only a committed message is acked', async () => {
    const store = new RoomStore(bed.resources)
    const pipeline = new CommitPipeline({ store })
    const roomId = newRoomId()
    const stale = await store.activate({ roomId })
    const fresh = await store.activate({ roomId })
    const send = { type: 'send' as const, roomId, authorId: alice!, nonce: 'same', body: 'hello' }
    // Handed in in the same tick, as an evicted actor's last batch and its successor's first would be.
    const [old, current] = await Promise.allSettled([
      pipeline.commit({ roomId, epoch: stale.epoch, lastSeq: stale.lastSeq, sends: [send] }),
      pipeline.commit({ roomId, epoch: fresh.epoch, lastSeq: fresh.lastSeq, sends: [send] }),
    ])
    expect(old.status === 'rejected' && old.reason).toBeInstanceOf(StaleEpochError)
    const ack = current.status === 'fulfilled' ? current.value.outcomes[0] : undefined
    expect(ack && 'ack' in ack && ack.ack).toMatchObject({ seq: 1, duplicate: false })
    const rows = await bed.db.select({ id: messages.id, seq: messages.seq }).from(messages).where(eq(messages.roomId, roomId))
    expect(rows).toEqual([{ id: (ack as { ack: { messageId: string } }).ack.messageId, seq: 1 }])
  })

  test('fenced off while its batch is split to find a bad send: what committed keeps its ack, the rest fail', async () => {
    const roomId = newRoomId()
    const owner = await new RoomStore(bed.resources).activate({ roomId })
    // The real store; after the first single-send commit, another node takes the room over.
    class TakenOverMidway extends RoomStore {
      calls = 0
      override async commitSends(batches: Parameters<RoomStore['commitSends']>[0]) {
        if (++this.calls === 3) await new RoomStore(bed.resources).activate({ roomId })
        return super.commitSends(batches)
      }
    }
    const pipeline = new CommitPipeline({ store: new TakenOverMidway(bed.resources) })
    const send = (nonce: string, authorId: string) => ({ type: 'send' as const, roomId, authorId, nonce, body: nonce })
    // A send by a user that does not exist spoils the batch, so it is committed send by send.
    const result = await pipeline.commit({ ...owner, roomId, sends: [send('a', alice!), send('b', newId()), send('c', bob!)] })
    expect(result.outcomes.map((o) => ('ack' in o ? o.ack.seq : (o.error as { code?: string }).code))).toEqual([1, 'conflict', 'conflict'])
    expect(result.outcomes[2]).toMatchObject({ error: expect.any(StaleEpochError) })
    expect(result.lastSeq).toBe(1)
    expect((await bed.db.select({ seq: messages.seq }).from(messages).where(eq(messages.roomId, roomId))).map((r) => r.seq)).toEqual([1])
  })

  test('a room fenced off inside a shared transaction fails alone; the other rooms commit', async () => {
    const host = bed.host()
    const healthy = newRoomId()
    const fenced = newRoomId()
    for (const roomId of [healthy, fenced]) await host.send({ type: 'send', roomId, authorId: alice!, nonce: 'w', body: 'w' })
    await new RoomStore(bed.resources).activate({ roomId: fenced })
    const [a, b] = await Promise.allSettled([
      host.send({ type: 'send', roomId: healthy, authorId: alice!, nonce: 'h', body: 'h' }),
      host.send({ type: 'send', roomId: fenced, authorId: alice!, nonce: 'f', body: 'f' }),
    ])
    expect(a.status === 'fulfilled' && a.value.seq).toBe(2)
    expect(b.status === 'rejected' && b.reason).toBeInstanceOf(StaleEpochError)
    expect((await host.history({ roomId: fenced })).length).toBe(1)
  })
})

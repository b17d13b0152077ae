import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { AppError } from '../../src/lib/errors'
import type { RoomEvent, SendAck } from '../../rooms'
import { newRoomId, openRoomsTestbed } from '../helpers/rooms'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const bed = await openRoomsTestbed()
const host = bed.host()
const [alice, bob] = await bed.createUsers(2)

const send = (roomId: string, authorId: string, nonce: string, body = `hello ${nonce}`) =>
  host.send({ type: 'send', roomId, authorId, nonce, body })

describe('RoomActor sends', () => {
  test('20 concurrent senders x 50 messages get seqs 1..1000 with no gaps, each sender in its own order', async () => {
    const roomId = newRoomId()
    const senders = await bed.createUsers(20)
    const acks = await Promise.all(
      senders.map(async (authorId) => {
        const mine: SendAck[] = []
        for (let i = 0; i < 50; i++) mine.push(await send(roomId, authorId, `n${i}`, `${authorId}:${i}`))
        return mine
      }),
    )
    const seqs = acks.flat().map((a) => a.seq).sort((a, b) => a - b)
    expect(seqs).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
    for (const mine of acks) {
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.seq).toBeGreaterThan(mine[i - 1]!.seq)
    }
    const stored = await host.history({ roomId, limit: 100 })
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 901 + i))
    expect(host.actor({ roomId })!.lastSeq).toBe(1000)
  })

  test('an ack means the message is in Postgres', async () => {
    const roomId = newRoomId()
    const ack = await send(roomId, alice!, 'durable', 'committed before ack')
    const [message] = await host.history({ roomId })
    expect(message).toMatchObject({ id: ack.messageId, seq: 1, body: 'committed before ack', authorId: alice })
    expect(ack.duplicate).toBe(false)
  })

  test('200 concurrent sends are group-committed in far fewer than 200 transactions', async () => {
    const roomId = newRoomId()
    const commitsBefore = host.store.commits
    const acks = await Promise.all(Array.from({ length: 200 }, (_, i) => send(roomId, i % 2 ? alice! : bob!, `g${i}`)))
    expect(new Set(acks.map((a) => a.seq)).size).toBe(200)
    const transactions = await bed.writeTransactions(roomId)
    expect(transactions).toBeLessThanOrEqual(10)
    expect(host.store.commits - commitsBefore).toBe(transactions)
    const { stats } = host.actor({ roomId })!
    expect(stats.sends / stats.batches).toBeGreaterThanOrEqual(20)
  })

  test('events reach listeners once each, in seq order, after the commit', async () => {
    const roomId = newRoomId()
    const seen: RoomEvent[] = []
    const unsubscribe = host.subscribe({ roomId, listener: (e) => seen.push(e) })
    const acks = await Promise.all(Array.from({ length: 120 }, (_, i) => send(roomId, alice!, `e${i}`)))
    unsubscribe()
    await send(roomId, alice!, 'after-unsubscribe')
    expect(seen.map((e) => e.type)).toEqual(Array(120).fill('message.created'))
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1))
    const byNonce = new Map(acks.map((a, i) => [`e${i}`, a]))
    for (const e of seen) {
      const message = e.data.message as { nonce: string; id: string }
      expect(byNonce.get(message.nonce)!.messageId).toBe(message.id)
    }
  })
})

describe('idempotent sends', () => {
  test('duplicates within one batch get the original ack and take no seq', async () => {
    const roomId = newRoomId()
    const [a, b, c, d] = await Promise.all([
      send(roomId, alice!, 'same'),
      send(roomId, alice!, 'same'),
      send(roomId, bob!, 'same'),
      send(roomId, alice!, 'other'),
    ])
    expect(b).toEqual({ ...a!, duplicate: true })
    expect(a!.duplicate).toBe(false)
    expect(c!.messageId).not.toBe(a!.messageId)
    expect([a!.seq, c!.seq, d!.seq]).toEqual([1, 2, 3])
    expect((await host.history({ roomId })).length).toBe(3)
  })

  test('a retry later returns the original ack, even with another body', async () => {
    const roomId = newRoomId()
    const first = await send(roomId, alice!, 'retry-me', 'original')
    await send(roomId, bob!, 'in-between')
    const again = await send(roomId, alice!, 'retry-me', 'changed on retry')
    expect(again).toEqual({ ...first, duplicate: true })
    const next = await send(roomId, alice!, 'fresh')
    expect(next.seq).toBe(3)
    expect((await host.history({ roomId })).map((m) => m.body)).toEqual(['original', 'hello in-between', 'hello fresh'])
  })

  test('a retry after the actor was evicted and rebuilt returns the original ack', async () => {
    const local = bed.host({ idleMs: 60_000 })
    const roomId = newRoomId()
    const first = await local.send({ type: 'send', roomId, authorId: alice!, nonce: 'survives', body: 'x' })
    expect(local.evictIdle({ now: Date.now() + 60_000 })).toBe(1)
    expect(local.activeRooms()).not.toContain(roomId)
    const again = await local.send({ type: 'send', roomId, authorId: alice!, nonce: 'survives', body: 'x' })
    expect(again).toEqual({ ...first, duplicate: true })
    expect(local.stats.activations).toBe(2)
  })
})

describe('bad commands', () => {
  const roomId = newRoomId()
  const cases: [string, Record<string, unknown>, string][] = [
    ['a body over 4000 characters', { body: 'x'.repeat(4001) }, 'body'],
    ['an empty body without attachments', { body: '  ' }, 'body'],
    ['a nonce over 64 characters', { nonce: 'n'.repeat(65) }, 'nonce'],
    ['no nonce', { nonce: '' }, 'nonce'],
    ['11 attachments', { attachments: Array.from({ length: 11 }, () => newRoomId()) }, 'attachments'],
    ['an attachment that is not an id', { attachments: ['../etc/passwd'] }, 'attachments'],
  ]
  test.each(cases)('%s is rejected with validation_failed', async (_, patch, field) => {
    const err = await host
      .send({ type: 'send', roomId, authorId: alice!, nonce: 'ok', body: 'ok', ...patch })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'validation_failed', status: 422, details: { field } })
    expect((err as Error).message).toContain(field)
  })

  test('the body limit counts characters, not UTF-16 units: 4000 emoji fit', async () => {
    const ack = await host.send({ type: 'send', roomId: newRoomId(), authorId: alice!, nonce: 'emoji', body: '🔥'.repeat(4000) })
    expect(ack.seq).toBe(1)
  })

  test('exactly 4000 characters, a 64-character nonce and 10 attachments are accepted (the rejected sends took no seq)', async () => {
    const attachments = Array.from({ length: 10 }, () => newRoomId())
    const ack = await host.send({ type: 'send', roomId, authorId: alice!, nonce: 'n'.repeat(64), body: 'y'.repeat(4000), attachments })
    expect(ack.seq).toBe(1)
    const [message] = await host.history({ roomId })
    expect(message!.attachments).toEqual(attachments)
    expect(message!.body.length).toBe(4000)
  })

  test('a reply to a message of another room is not found; the rest of the batch commits', async () => {
    const other = await send(newRoomId(), alice!, 'elsewhere')
    const room = newRoomId()
    const [bad, good] = await Promise.allSettled([
      host.send({ type: 'send', roomId: room, authorId: alice!, nonce: 'r1', body: 'hi', replyTo: other.messageId }),
      send(room, bob!, 'r2'),
    ])
    expect(bad.status === 'rejected' && (bad.reason as AppError).code).toBe('not_found')
    expect(good.status === 'fulfilled' && good.value.seq).toBe(1)
  })

  test('replies carry their thread root', async () => {
    const room = newRoomId()
    const root = await send(room, alice!, 't0')
    const reply = await host.send({ type: 'send', roomId: room, authorId: bob!, nonce: 't1', body: 're', replyTo: root.messageId })
    await host.send({ type: 'send', roomId: room, authorId: alice!, nonce: 't2', body: 're re', replyTo: reply.messageId })
    const [, r1, r2] = await host.history({ roomId: room })
    expect(r1).toMatchObject({ replyToId: root.messageId, threadRootId: root.messageId })
    expect(r2).toMatchObject({ replyToId: reply.messageId, threadRootId: root.messageId })
  })
})

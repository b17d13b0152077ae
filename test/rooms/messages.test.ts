import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { asc, eq } from 'drizzle-orm'
import { messageEdits } from '../../src/db/schema'
import type { RoomEvent } from '../../rooms'
import { newRoomId, openRoomsTestbed } from '../helpers/rooms'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const bed = await openRoomsTestbed()
const host = bed.host()
const [alice, bob, carol] = await bed.createUsers(3)

async function roomWith(n: number) {
  const roomId = newRoomId()
  const acks = []
  for (let i = 1; i <= n; i++) acks.push(await host.send({ type: 'send', roomId, authorId: alice!, nonce: `m${i}`, body: `message ${i}` }))
  return { roomId, acks }
}

function collect(roomId: string) {
  const events: RoomEvent[] = []
  host.subscribe({ roomId, listener: (e) => events.push(e) })
  return events
}

describe('edits', () => {
  test('an edit changes the body, sets editedAt and keeps every earlier body', async () => {
    const { roomId, acks } = await roomWith(1)
    const messageId = acks[0]!.messageId
    const events = collect(roomId)
    await host.send({ type: 'edit', roomId, messageId, actorId: alice!, body: 'second' })
    const edited = await host.send({ type: 'edit', roomId, messageId, actorId: alice!, body: 'third' })
    expect(edited).toMatchObject({ id: messageId, seq: 1, body: 'third' })
    expect(edited.editedAt).toBeInstanceOf(Date)
    const [shown] = await host.history({ roomId })
    expect(shown).toMatchObject({ body: 'third', editedAt: edited.editedAt })
    const earlier = await bed.db.select().from(messageEdits).where(eq(messageEdits.messageId, messageId)).orderBy(asc(messageEdits.editedAt))
    expect(earlier.map((e) => e.body)).toEqual(['message 1', 'second'])
    expect(events.map((e) => [e.type, (e.data.message as { body: string }).body])).toEqual([
      ['message.updated', 'second'],
      ['message.updated', 'third'],
    ])
  })

  test('editing a missing message, or one of another room, is not_found', async () => {
    const { roomId } = await roomWith(1)
    const other = await roomWith(1)
    for (const messageId of [newRoomId(), other.acks[0]!.messageId]) {
      const err = await host.send({ type: 'edit', roomId, messageId, actorId: alice!, body: 'x' }).catch((e) => e)
      expect(err).toMatchObject({ code: 'not_found', status: 404 })
    }
    expect((await host.history({ roomId: other.roomId }))[0]!.body).toBe('message 1')
  })
})

describe('deletes', () => {
  test('a delete leaves a tombstone in history: seq kept, content gone', async () => {
    const { roomId, acks } = await roomWith(3)
    const target = acks[1]!.messageId
    await host.send({ type: 'edit', roomId, messageId: target, actorId: alice!, body: 'secret edit' })
    await host.send({ type: 'react', roomId, messageId: target, userId: bob!, emoji: '👍', on: true })
    const events = collect(roomId)
    await host.send({ type: 'delete', roomId, messageId: target })
    const history = await host.history({ roomId })
    expect(history.map((m) => m.seq)).toEqual([1, 2, 3])
    expect(history[1]).toMatchObject({ id: target, body: '', attachments: [], mentions: [], reactions: [] })
    expect(history[1]!.deletedAt).toBeInstanceOf(Date)
    expect(await bed.db.select().from(messageEdits).where(eq(messageEdits.messageId, target))).toEqual([])
    expect(events).toEqual([{ type: 'message.deleted', roomId, atSeq: 3, data: { messageId: target, seq: 2 } }])
  })

  test('deleting twice is harmless (no second event); a deleted message cannot be edited or reacted to', async () => {
    const { roomId, acks } = await roomWith(1)
    const messageId = acks[0]!.messageId
    await host.send({ type: 'delete', roomId, messageId })
    const events = collect(roomId)
    expect(await host.send({ type: 'delete', roomId, messageId })).toEqual({ messageId })
    expect(events).toEqual([])
    await expect(host.send({ type: 'edit', roomId, messageId, actorId: alice!, body: 'back' })).rejects.toMatchObject({ code: 'not_found' })
    await expect(host.send({ type: 'react', roomId, messageId, userId: bob!, emoji: '🔥', on: true })).rejects.toMatchObject({ code: 'not_found' })
    await expect(host.send({ type: 'delete', roomId, messageId: newRoomId() })).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('reactions', () => {
  test('one reaction per (user, emoji); history shows counts; removing lowers them', async () => {
    const { roomId, acks } = await roomWith(1)
    const messageId = acks[0]!.messageId
    const events = collect(roomId)
    const react = (userId: string, emoji: string, on = true) => host.send({ type: 'react', roomId, messageId, userId, emoji, on })
    expect(await react(alice!, '👍')).toEqual({ changed: true, count: 1 })
    expect(await react(alice!, '👍')).toEqual({ changed: false, count: 1 })
    expect(await react(bob!, '👍')).toEqual({ changed: true, count: 2 })
    expect(await react(carol!, '🎉')).toEqual({ changed: true, count: 1 })
    expect((await host.history({ roomId }))[0]!.reactions).toEqual([
      { emoji: '👍', count: 2 },
      { emoji: '🎉', count: 1 },
    ])
    expect(await react(alice!, '👍', false)).toEqual({ changed: true, count: 1 })
    expect(await react(alice!, '👍', false)).toEqual({ changed: false, count: 1 })
    expect((await host.history({ roomId }))[0]!.reactions).toEqual([
      { emoji: '👍', count: 1 },
      { emoji: '🎉', count: 1 },
    ])
    expect(events.map((e) => [e.type, e.data.userId, e.data.emoji, e.data.count])).toEqual([
      ['reaction.added', alice, '👍', 1],
      ['reaction.added', bob, '👍', 2],
      ['reaction.added', carol, '🎉', 1],
      ['reaction.removed', alice, '👍', 1],
    ])
  })

  test('an emoji over 64 characters is rejected', async () => {
    const { roomId, acks } = await roomWith(1)
    const err = await host
      .send({ type: 'react', roomId, messageId: acks[0]!.messageId, userId: bob!, emoji: 'x'.repeat(65), on: true })
      .catch((e) => e)
    expect(err).toMatchObject({ code: 'validation_failed', details: { field: 'emoji' } })
  })
})

describe('history paging', () => {
  const seqs = (list: { seq: number }[]) => list.map((m) => m.seq)
  let roomId: string
  test('newest page by default, ascending, limit clamped to 1..100', async () => {
    roomId = (await roomWith(120)).roomId
    expect(seqs(await host.history({ roomId, limit: 5 }))).toEqual([116, 117, 118, 119, 120])
    expect((await host.history({ roomId })).length).toBe(50)
    expect((await host.history({ roomId, limit: 500 })).length).toBe(100)
    expect(seqs(await host.history({ roomId, limit: 0 }))).toEqual([120])
  })

  test('before, after and around are seqs', async () => {
    expect(seqs(await host.history({ roomId, before: 10, limit: 3 }))).toEqual([7, 8, 9])
    expect(seqs(await host.history({ roomId, before: 3, limit: 10 }))).toEqual([1, 2])
    expect(seqs(await host.history({ roomId, after: 10, limit: 3 }))).toEqual([11, 12, 13])
    expect(seqs(await host.history({ roomId, after: 118, limit: 10 }))).toEqual([119, 120])
    expect(seqs(await host.history({ roomId, around: 50, limit: 5 }))).toEqual([48, 49, 50, 51, 52])
    expect(seqs(await host.history({ roomId, around: 2, limit: 6 }))).toEqual([1, 2, 3, 4])
    expect(seqs(await host.history({ roomId, around: 120, limit: 4 }))).toEqual([118, 119, 120])
  })

  test('paging backwards with before visits every message once', async () => {
    const all: number[] = []
    let before: number | undefined
    for (;;) {
      const page = await host.history({ roomId, before, limit: 33 })
      if (page.length === 0) break
      all.unshift(...seqs(page))
      before = page[0]!.seq
    }
    expect(all).toEqual(Array.from({ length: 120 }, (_, i) => i + 1))
  })

  test('another room is never mixed in', async () => {
    const other = await roomWith(2)
    expect((await host.history({ roomId: other.roomId, limit: 100 })).every((m) => m.roomId === other.roomId)).toBe(true)
    expect(seqs(await host.history({ roomId: other.roomId }))).toEqual([1, 2])
  })
})

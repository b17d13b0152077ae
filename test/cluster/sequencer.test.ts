import { expect, setDefaultTimeout, test } from 'bun:test'
import { RoomSequencer } from '../../src/cluster/room-sequencer'
import { createLogger } from '../../src/lib/log'
import type { RoomEvent } from '../../rooms'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const created = (seq: number): RoomEvent => ({ type: 'message.created', roomId: 'r', seq, atSeq: seq, data: {} })
const edited = (atSeq: number): RoomEvent => ({ type: 'message.updated', roomId: 'r', atSeq, data: {} })

test('a hole is filled before later events; repeats and late arrivals are dropped', async () => {
  const delivered: RoomEvent[] = []
  const asked: number[] = []
  const seq = new RoomSequencer('r', {
    missed: async (since) => {
      asked.push(since)
      await Bun.sleep(10)
      return [created(3), created(4)]
    },
    deliver: (e) => delivered.push(e),
    log: createLogger('silent'),
  })
  seq.push(created(1))
  seq.push(created(2))
  seq.push(created(4))
  seq.push(edited(4))
  seq.push(created(5))
  await Bun.sleep(30)
  seq.push(created(3))
  seq.push(created(2))
  seq.push(created(6))
  expect(asked).toEqual([2])
  expect(delivered.map((e) => `${e.type === 'message.created' ? 'c' : 'u'}${e.seq ?? e.atSeq}`)).toEqual(['c1', 'c2', 'c3', 'c4', 'u4', 'c5', 'c6'])
})

test('a hole that cannot be filled is given up on instead of stalling the room', async () => {
  const delivered: number[] = []
  const seq = new RoomSequencer('r', {
    missed: async () => {
      throw new Error('owner gone')
    },
    deliver: (e) => delivered.push(e.seq!),
    log: createLogger('silent'),
  })
  seq.push(created(1))
  seq.push(created(3))
  await Bun.sleep(5)
  seq.push(created(4))
  expect(delivered).toEqual([1, 3, 4])
})

test('edits and reactions made inside a hole are filled with it, in order, before the message that showed it', async () => {
  const delivered: RoomEvent[] = []
  const seq = new RoomSequencer('r', {
    // The dead owner committed 3, then an edit and a reaction at 3, and none reached us.
    missed: async () => [created(3), edited(3), { type: 'reaction.added', roomId: 'r', atSeq: 3, data: {} }, created(4), edited(4)],
    deliver: (e) => delivered.push(e),
    log: createLogger('silent'),
  })
  seq.push(created(1))
  seq.push(created(2))
  seq.push(created(4))
  await Bun.sleep(5)
  seq.push(edited(4))
  const name = (e: RoomEvent) => `${e.type === 'message.created' ? 'c' : e.type === 'message.updated' ? 'u' : 'r'}${e.seq ?? e.atSeq}`
  expect(delivered.map(name)).toEqual(['c1', 'c2', 'c3', 'u3', 'r3', 'c4', 'u4'])
})

import { expect, test } from 'bun:test'
import type { RoomEvent, RoomListener, Router } from '../../rooms'
import { createLogger } from '../../src/lib/log'
import { Fanout } from '../../src/realtime/fanout'
import { RoomHub, type RoomSocket } from '../../src/realtime/hub'

const ROOM = '00000000-0000-4000-8000-000000000001'

/** A router whose replay answers only when the test lets it, and whose live events the test sends. */
function slowRouter() {
  const listeners = new Set<RoomListener>()
  let answer: (events: RoomEvent[]) => void = () => {}
  const router: Router = {
    send: () => Promise.reject(new Error('not used')),
    subscribe: (_roomId, listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    eventsSince: () => new Promise((resolve) => (answer = resolve)),
  }
  return {
    router,
    live: (event: RoomEvent) => listeners.forEach((l) => l(event)),
    replay: (events: RoomEvent[]) => answer(events),
  }
}

const created = (seq: number, body: string): RoomEvent => ({
  type: 'message.created',
  roomId: ROOM,
  seq,
  atSeq: seq,
  data: { message: { id: `m${seq}`, roomId: ROOM, seq, authorId: 'a', nonce: `n${seq}`, body, replyToId: null, threadRootId: null, attachments: [], mentions: [], mentionEveryone: false, kind: 'text', pollId: null, surveyId: null, createdAt: new Date(), editedAt: null, deletedAt: null, reactions: [] } },
})

function socket() {
  const sent: string[] = []
  const s: RoomSocket & { sent: string[] } = { sent, send: (f) => void sent.push(f), subscribe: () => {}, unsubscribe: () => {} }
  return s
}

test('a socket that left the room while its replay was under way is sent nothing more of it', async () => {
  const r = slowRouter()
  const hub = new RoomHub({ router: r.router, fanout: new Fanout(), log: createLogger('error') })
  const s = socket()
  const joining = hub.join(s, ROOM, 0)
  r.live(created(2, 'after you left')) // held for the socket while it catches up
  hub.leave(s, ROOM) // access revoked meanwhile
  r.replay([created(1, 'missed while away')])
  await joining
  expect(s.sent.join('\n')).not.toContain('after you left')
  expect(s.sent.join('\n')).not.toContain('missed while away')
})

test('a replay that failed (Postgres away) leaves the socket out of the room, so subscribing again joins it', async () => {
  let down = true
  const router: Router = {
    send: () => Promise.reject(new Error('not used')),
    subscribe: () => () => {},
    eventsSince: async () => {
      if (down) throw new Error('connection refused')
      return [created(1, 'hello')]
    },
  }
  const hub = new RoomHub({ router, fanout: new Fanout(), log: createLogger('error') })
  const topics: string[] = []
  const s = { ...socket(), subscribe: (t: string) => void topics.push(t) }
  await expect(hub.join(s, ROOM, 0)).rejects.toThrow('connection refused')
  expect(hub.joined(s, ROOM)).toBe(false)
  down = false
  await hub.join(s, ROOM, 0)
  expect(s.sent.join('\n')).toContain('hello')
  expect(topics).toEqual([`room:${ROOM}`])
})

/** Sockets on topics: what the hub hands a room's topic reaches the sockets subscribed to it. */
function topicFanout() {
  const onTopic = new Map<string, Set<RoomSocket>>()
  const fanout = { deliver: (topic: string, event: { type: string }) => onTopic.get(topic)?.forEach((s) => s.send(JSON.stringify({ op: 'event', ...event }))) }
  const sock = () => {
    const s = socket()
    s.subscribe = (t) => void (onTopic.get(t) ?? onTopic.set(t, new Set()).get(t)!).add(s)
    s.unsubscribe = (t) => void onTopic.get(t)?.delete(s)
    return s
  }
  return { fanout: fanout as unknown as Fanout, sock }
}

const seqsOf = (s: { sent: string[] }) => s.sent.map((f) => JSON.parse(f)).filter((f) => f.type === 'message.created').map((f) => f.seq)

/** A router whose room holds what `room()` answers now; `listeners` are the hub's live subscriptions. */
function fakeRouter(room: () => RoomEvent[]) {
  const listeners = new Set<RoomListener>()
  const router: Router = {
    send: () => Promise.reject(new Error('not used')),
    subscribe: (_roomId, listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    eventsSince: async ({ sinceSeq }) => room().filter((e) => e.seq! > sinceSeq),
  }
  return { listeners, router }
}

/**
 * The owner's buffer has a message before its live copy comes back from Redis. One socket
 * joined from 0 while the room was empty (on the topic, which has carried nothing); a
 * second then replays the new message: it must reach the first socket too, not only move
 * the topic past it (the live copy, when it comes, is then a repeat and is dropped).
 */
test('a replay that finds a message before its live copy came hands it to the sockets already on the topic', async () => {
  let room: RoomEvent[] = []
  const { listeners, router } = fakeRouter(() => room)
  const t = topicFanout()
  const hub = new RoomHub({ router, fanout: t.fanout, log: createLogger('error') })
  const first = t.sock()
  await hub.join(first, ROOM, 0) // the room is empty: nothing replayed, on the topic
  room = [created(1, 'first message')] // committed; its live copy is still on its way
  const second = t.sock()
  await hub.join(second, ROOM, 0) // replays seq 1
  listeners.forEach((l) => l(created(1, 'first message'))) // the live copy arrives
  listeners.forEach((l) => l(created(2, 'second message')))
  expect(seqsOf(second)).toEqual([1, 2])
  expect(seqsOf(first)).toEqual([1, 2])
})

/** The same while the first socket still waits for its own (slower, Postgres) replay, which read the room before the message. */
test('a replay that finds a message before its live copy came hands it to the sockets still catching up', async () => {
  const listeners = new Set<RoomListener>()
  let room: RoomEvent[] = []
  let slow: (() => void) | undefined
  const router: Router = {
    send: () => Promise.reject(new Error('not used')),
    subscribe: (_roomId, listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    eventsSince: async ({ sinceSeq }) => {
      const snapshot = room.filter((e) => e.seq! > sinceSeq)
      if (!slow) await new Promise<void>((resolve) => (slow = resolve))
      return snapshot
    },
  }
  const t = topicFanout()
  const hub = new RoomHub({ router, fanout: t.fanout, log: createLogger('error') })
  const first = t.sock()
  const firstJoin = hub.join(first, ROOM, 0) // reads the empty room, answers later
  await Bun.sleep(0)
  room = [created(1, 'first message')]
  const second = t.sock()
  await hub.join(second, ROOM, 0)
  slow!()
  await firstJoin
  listeners.forEach((l) => l(created(1, 'first message')))
  listeners.forEach((l) => l(created(2, 'second message')))
  expect(seqsOf(second)).toEqual([1, 2])
  expect(seqsOf(first)).toEqual([1, 2])
})

test('a replay hands the topic nothing a socket on it already had', async () => {
  const room = [1, 2, 3].map((seq) => created(seq, `m${seq}`))
  const { listeners, router } = fakeRouter(() => room)
  const t = topicFanout()
  const hub = new RoomHub({ router, fanout: t.fanout, log: createLogger('error') })
  const back = t.sock()
  await hub.join(back, ROOM, 3) // resumes at the room's end: nothing missed
  const fresh = t.sock()
  await hub.join(fresh, ROOM, 0)
  listeners.forEach((l) => l(created(3, 'm3'))) // a late live copy
  listeners.forEach((l) => l(created(4, 'm4')))
  expect(seqsOf(back)).toEqual([4])
  expect(seqsOf(fresh)).toEqual([1, 2, 3, 4])
})

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

import { expect, test } from 'bun:test'
import { NONE, Perm } from '../../src/modules/permissions/bits'
import type { RoomHub } from '../../src/realtime/hub'
import { SocketSession, type SessionDeps } from '../../src/realtime/session'

const ROOM = '00000000-0000-4000-8000-000000000002'
const USER = { id: '00000000-0000-4000-8000-000000000003', expiresAt: Date.now() + 60_000 } as never

function fakeSocket() {
  const sent: any[] = []
  return { sent, send: (f: string) => void sent.push(JSON.parse(f)), close: () => {}, subscribe: () => {}, unsubscribe: () => {} }
}

test('access lost while a subscribe was being checked: nothing of the room is replayed, and the subscribe is refused', async () => {
  let changes = 0
  let canView = true
  const joins: string[] = []
  const deps: SessionDeps = {
    auth: { verifyAccessToken: async () => USER },
    permissions: {
      // The check passes, and the access is taken away (a permission change heard) before it answers.
      requireRoom: async () => {
        changes++
        canView = false
        return { bits: Perm.view, placement: { communityId: 'c', kind: 'private' }, slowModeSeconds: 0 } as never
      },
      inRoom: async () => (canView ? Perm.view : NONE),
      context: async () => undefined as never,
    },
    hub: { join: async (_s: unknown, roomId: string) => void joins.push(roomId), leave: () => {} } as unknown as RoomHub,
    fanout: { deliver: () => {} },
    lastSeq: async () => 10,
    permissionChanges: () => changes,
  }
  const raw = fakeSocket()
  const session = new SocketSession(raw as never, USER, deps)
  await expect(session.subscribe({ op: 'subscribe', id: 's1', roomId: ROOM, sinceSeq: 0 })).rejects.toMatchObject({ code: 'not_found' })
  expect(joins).toEqual([])
  expect(session.rooms.has(ROOM)).toBe(false)
  expect(raw.sent.filter((f) => f.op === 'ack')).toEqual([])
  session.ended()
})

function idleSession() {
  const deps = {
    auth: { verifyAccessToken: async () => USER },
    permissions: { requireRoom: async () => undefined as never, inRoom: async () => NONE, context: async () => undefined as never },
    hub: { join: async () => {}, leave: () => {} } as unknown as RoomHub,
    fanout: { deliver: () => {} },
    lastSeq: async () => 0,
    permissionChanges: () => 0,
  } satisfies SessionDeps
  return new SocketSession(fakeSocket() as never, USER, deps)
}

test("a socket's first two sends, given at once, are prepared one after the other, in order; a failed one does not stop the next", async () => {
  const session = idleSession()
  const steps: string[] = []
  const op = (name: string, fail = false) =>
    session.ordered(async () => {
      steps.push(`${name} prepare`)
      await Bun.sleep(name === 'a' ? 20 : 0)
      steps.push(`${name} prepared`)
      if (fail) throw new Error(name)
      return async () => name
    })
  const [a, b, c] = await Promise.allSettled([op('a', true), op('b'), op('c')])
  expect([a.status, b, c]).toEqual(['rejected', { status: 'fulfilled', value: 'b' }, { status: 'fulfilled', value: 'c' }])
  expect(steps).toEqual(['a prepare', 'a prepared', 'b prepare', 'b prepared', 'c prepare', 'c prepared'])
  session.ended()
})

test('a socket idle after a send keeps nothing of it: what the send prepared is not held until the next one', async () => {
  const session = idleSession()
  const message = { body: 'x'.repeat(4000) }
  expect(await session.ordered(async () => async () => message.body.length)).toBe(4000)
  // The chain the next send waits on: it carries no value (the last commit, and with it its message, would stay reachable).
  expect(await (session as unknown as { order: Promise<unknown> }).order).toBeUndefined()
  session.ended()
})

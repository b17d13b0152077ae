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

import type { Data } from '../../client/src/index.ts'
import { hearth, unwrap } from './session'
import { Store } from './store'

type UnreadRoom = Data<'/v1/me/unread', 'get'>['rooms'][number]

/** Unread and mention counts per room: loaded once, then kept by `unread.updated` events. */
export const unread = new Store<ReadonlyMap<string, UnreadRoom>>(new Map())

export async function loadUnread(): Promise<void> {
  const data = unwrap(await hearth.api.GET('/v1/me/unread'))
  unread.set(new Map(data.rooms.map((r) => [r.roomId, r])))
}

hearth.realtime.onEvent('unread.updated', (room) => {
  unread.set((all) => new Map(all).set(room.roomId, room))
})

/** Marks a room read up to `seq` (never backwards), here at once and on the server. */
export function markRead(roomId: string, seq: number): void {
  const current = unread.get().get(roomId)
  if (current && current.readSeq >= seq) return
  unread.set((all) => new Map(all).set(roomId, { roomId, unread: 0, mentions: 0, lastSeq: Math.max(seq, current?.lastSeq ?? 0), readSeq: seq }))
  hearth.realtime.markRead(roomId, seq).catch(() => {
    // The socket was down: REST does the same.
    hearth.api.POST('/v1/rooms/{id}/read', { params: { path: { id: roomId } }, body: { seq } }).catch(() => undefined)
  })
}

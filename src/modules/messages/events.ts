import { and, between, eq, inArray, or } from 'drizzle-orm'
import { toMessage, withReactions } from '../../../rooms'
import { messages, rooms } from '../../db/schema'
import type { DomainEvent, Expander } from '../../domain-events/types'
import { toMessageView } from './model'

/** The payload of the outbox row a room's send statement writes for its batch (rooms/send-commit.ts). */
interface CommittedSends {
  fromSeq: number
  toSeq: number
}

/**
 * Reads rooms' committed batches of sends back into one `message.created` per message,
 * each with the message's id as the event id (so a redelivery is recognised as one). All
 * the batches in two reads: their rooms, and their messages, a seq span per run of a room's
 * batches that follow each other. A room's batches with a gap between them (its rows taken
 * by another node's relay, or relayed while a pass that then failed held the earlier row)
 * are read as separate spans, so the gap's messages, however many, are not read.
 */
export const expandCommittedSends: Expander = async (tx, batches) => {
  const byRoom = new Map<string, { from: number; to: number }[]>()
  for (const row of batches) {
    if (!row.roomId) continue
    const { fromSeq, toSeq } = row.data as CommittedSends
    const list = byRoom.get(row.roomId)
    if (list) list.push({ from: fromSeq, to: toSeq })
    else byRoom.set(row.roomId, [{ from: fromSeq, to: toSeq }])
  }
  if (byRoom.size === 0) return batches.map(() => [])
  const spans: { roomId: string; from: number; to: number }[] = []
  for (const [roomId, list] of byRoom) {
    let last: { roomId: string; from: number; to: number } | undefined
    for (const { from, to } of list.sort((a, b) => a.from - b.from)) {
      if (last && from <= last.to + 1) last.to = Math.max(last.to, to)
      else spans.push((last = { roomId, from, to }))
    }
  }
  const roomRows = await tx.select({ id: rooms.id, kind: rooms.kind, communityId: rooms.communityId }).from(rooms).where(inArray(rooms.id, [...byRoom.keys()]))
  const rows = await tx
    .select()
    .from(messages)
    .where(or(...spans.map(({ roomId, from, to }) => and(eq(messages.roomId, roomId), between(messages.seq, from, to)))))
  const roomOf = new Map(roomRows.map((r) => [r.id, r]))
  const bySeq = new Map(rows.map((m) => [`${m.roomId}:${m.seq}`, m]))
  return batches.map((row) => {
    if (!row.roomId) return []
    const { fromSeq, toSeq } = row.data as CommittedSends
    const room = roomOf.get(row.roomId)
    const events: DomainEvent<'message.created'>[] = []
    for (let seq = fromSeq; seq <= toSeq; seq++) {
      const m = bySeq.get(`${row.roomId}:${seq}`)
      if (!m) continue
      events.push({
        id: m.id,
        type: 'message.created',
        at: m.createdAt.toISOString(),
        roomId: m.roomId,
        actorId: m.authorId,
        ...(room?.communityId ? { communityId: room.communityId } : {}),
        data: { message: toMessageView(toMessage(m)), roomKind: room?.kind ?? 'text' },
      })
    }
    return events
  })
}

/** Edits' and deletes' outbox rows (rooms/store.ts) read back: each message as it committed. */
const expandChange =
  (type: 'message.updated' | 'message.deleted'): Expander =>
  async (tx, changes) => {
    const ids = changes.map((row) => (row.data as { messageId: string }).messageId)
    const found = await tx.select().from(messages).where(inArray(messages.id, ids))
    if (found.length === 0) return changes.map(() => [])
    const roomRows = await tx.select({ id: rooms.id, communityId: rooms.communityId }).from(rooms).where(inArray(rooms.id, [...new Set(found.map((m) => m.roomId))]))
    const communityOf = new Map(roomRows.map((r) => [r.id, r.communityId]))
    const views = new Map((type === 'message.updated' ? await withReactions(tx, found) : []).map((m) => [m.id, m]))
    const rowOf = new Map(found.map((m) => [m.id, m]))
    return changes.map((row, i): DomainEvent[] => {
      const messageId = ids[i]!
      const m = rowOf.get(messageId)
      if (!m) return []
      const communityId = communityOf.get(m.roomId)
      const base = { id: row.id, at: row.createdAt.toISOString(), roomId: m.roomId, ...(communityId ? { communityId } : {}) }
      if (type === 'message.deleted') return [{ ...base, type, data: { messageId, roomId: m.roomId, kind: m.kind } }]
      return [{ ...base, type, data: { message: toMessageView(views.get(messageId)!) } }]
    })
  }

export const expandMessageUpdated = expandChange('message.updated')
export const expandMessageDeleted = expandChange('message.deleted')

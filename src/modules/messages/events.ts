import { and, asc, between, eq, inArray, or } from 'drizzle-orm'
import { toMessage, withReactions } from '../../../rooms'
import { messages, rooms } from '../../db/schema'
import type { DomainEvent, Expander } from '../../domain-events/types'
import { toMessageView } from './model'

/** A room's batch of sends: seqs fromSeq..toSeq. */
interface CommittedRange {
  roomId: string
  fromSeq: number
  toSeq: number
}

/**
 * The payload of the outbox row a send statement writes for the batches it committed
 * (rooms/send-commit.ts). Rows written before a statement's batches shared one row name
 * their single room in the row's room_id and its range in fromSeq/toSeq.
 */
type CommittedSends = { rooms: CommittedRange[] } | { fromSeq: number; toSeq: number }

/**
 * Reads a statement's committed batches of sends back into one `message.created` per
 * message, room by room in seq order, each with the message's id as the event id (so a
 * redelivery is recognised as one).
 */
export const expandCommittedSends: Expander = async (tx, row) => {
  const data = row.data as CommittedSends
  const ranges: CommittedRange[] = 'rooms' in data ? data.rooms : row.roomId ? [{ roomId: row.roomId, ...data }] : []
  if (!ranges.length) return []
  const ids = ranges.map((r) => r.roomId)
  const roomsById = new Map(
    (await tx.select({ id: rooms.id, kind: rooms.kind, communityId: rooms.communityId }).from(rooms).where(inArray(rooms.id, ids))).map((r) => [r.id, r]),
  )
  const rows = await tx
    .select()
    .from(messages)
    .where(or(...ranges.map((r) => and(eq(messages.roomId, r.roomId), between(messages.seq, r.fromSeq, r.toSeq)))))
    .orderBy(asc(messages.seq))
  const order = new Map(ids.map((id, i) => [id, i]))
  rows.sort((a, b) => order.get(a.roomId)! - order.get(b.roomId)! || a.seq - b.seq)
  return rows.map((m): DomainEvent<'message.created'> => {
    const room = roomsById.get(m.roomId)
    return {
      id: m.id,
      type: 'message.created',
      at: m.createdAt.toISOString(),
      roomId: m.roomId,
      actorId: m.authorId,
      ...(room?.communityId ? { communityId: room.communityId } : {}),
      data: { message: toMessageView(toMessage(m)), roomKind: room?.kind ?? 'text' },
    }
  })
}

/** An edit's or a delete's outbox row (rooms/store.ts) read back: the message as it committed. */
const expandChange =
  (type: 'message.updated' | 'message.deleted'): Expander =>
  async (tx, row) => {
    const { messageId } = row.data as { messageId: string }
    const [found] = await tx.select().from(messages).where(eq(messages.id, messageId))
    if (!found) return []
    const [room] = await tx.select({ communityId: rooms.communityId }).from(rooms).where(eq(rooms.id, found.roomId))
    const base = {
      id: row.id,
      at: row.createdAt.toISOString(),
      roomId: found.roomId,
      ...(room?.communityId ? { communityId: room.communityId } : {}),
    }
    if (type === 'message.deleted') return [{ ...base, type, data: { messageId, roomId: found.roomId, kind: found.kind } }]
    const [message] = await withReactions(tx, [found])
    return [{ ...base, type, data: { message: toMessageView(message!) } }]
  }

export const expandMessageUpdated = expandChange('message.updated')
export const expandMessageDeleted = expandChange('message.deleted')

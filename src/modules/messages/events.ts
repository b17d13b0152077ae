import { and, asc, between, eq } from 'drizzle-orm'
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
 * Reads a room's committed batch of sends back into one `message.created` per message,
 * each with the message's id as the event id (so a redelivery is recognised as one).
 */
export const expandCommittedSends: Expander = async (tx, row) => {
  const { fromSeq, toSeq } = row.data as CommittedSends
  if (!row.roomId) return []
  const [room] = await tx.select({ kind: rooms.kind, communityId: rooms.communityId }).from(rooms).where(eq(rooms.id, row.roomId))
  const rows = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.roomId, row.roomId), between(messages.seq, fromSeq, toSeq)))
    .orderBy(asc(messages.seq))
  return rows.map(
    (m): DomainEvent<'message.created'> => ({
      id: m.id,
      type: 'message.created',
      at: m.createdAt.toISOString(),
      roomId: m.roomId,
      actorId: m.authorId,
      ...(room?.communityId ? { communityId: room.communityId } : {}),
      data: { message: toMessageView(toMessage(m)), roomKind: room?.kind ?? 'text' },
    }),
  )
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

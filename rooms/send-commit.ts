import { and, eq, inArray, sql } from 'drizzle-orm'
import { messages, roomState } from '../src/db/schema'
import { notFound } from '../src/lib/errors'
import { newId } from '../src/lib/ids'
import { StaleEpochError } from './errors'
import type { Fence, Tx } from './store'
import type { Message, SendAck, SendCommand } from './types'

/** The sends one actor queued in one tick, with the seq it continues from. */
export interface RoomBatch extends Fence {
  lastSeq: number
  sends: SendCommand[]
}

/** A send either got its ack or failed on its own (the rest of the batch still commits). */
export type SendOutcome = { ack: SendAck; message?: Message } | { error: unknown }

export interface BatchResult {
  outcomes: SendOutcome[]
  lastSeq: number
}

/**
 * Writes the send batches of one or more rooms in the caller's transaction: one lookup of
 * known nonces, one multi-row insert and one room_state update fenced by every room's
 * epoch. Nonces seen before (in Postgres or earlier in the batch) get the original ack;
 * the others take the next seqs of their room, gap-free.
 */
export async function writeSends(tx: Tx, batches: RoomBatch[]): Promise<BatchResult[]> {
  const all = batches.flatMap((b) => b.sends)
  const key = (s: { roomId: string; authorId: string; nonce: string }) => `${s.roomId}/${s.authorId}/${s.nonce}`
  const known = new Map<string, Omit<SendAck, 'duplicate'>>()
  // All three lists, so the (room_id, author_id, nonce) index is used; stray combinations are ignored.
  const existing = await tx
    .select({ id: messages.id, seq: messages.seq, createdAt: messages.createdAt, roomId: messages.roomId, authorId: messages.authorId, nonce: messages.nonce })
    .from(messages)
    .where(
      and(
        inArray(messages.roomId, unique(batches.map((b) => b.roomId))),
        inArray(messages.authorId, unique(all.map((s) => s.authorId))),
        inArray(messages.nonce, unique(all.map((s) => s.nonce))),
      ),
    )
  for (const r of existing) known.set(key(r), { messageId: r.id, seq: r.seq, createdAt: r.createdAt })

  const replyIds = unique(all.flatMap((s) => (s.replyTo ? [s.replyTo] : [])))
  const parents = new Map<string, { roomId: string; threadRootId: string | null }>()
  if (replyIds.length) {
    const rows = await tx
      .select({ id: messages.id, roomId: messages.roomId, threadRootId: messages.threadRootId })
      .from(messages)
      .where(inArray(messages.id, replyIds))
    for (const r of rows) parents.set(r.id, r)
  }

  const rows: Message[] = []
  const results = batches.map((batch): BatchResult => {
    let seq = batch.lastSeq
    const outcomes = batch.sends.map((s): SendOutcome => {
      const prior = known.get(key(s))
      if (prior) return { ack: { ...prior, duplicate: true } }
      const parent = s.replyTo ? parents.get(s.replyTo) : undefined
      if (s.replyTo && parent?.roomId !== batch.roomId) return { error: notFound('replied-to message') }
      const message: Message = {
        id: newId(),
        roomId: batch.roomId,
        seq: ++seq,
        authorId: s.authorId,
        nonce: s.nonce,
        body: s.body,
        replyToId: s.replyTo ?? null,
        threadRootId: s.replyTo ? (parent?.threadRootId ?? s.replyTo) : null,
        attachments: s.attachments ?? [],
        mentions: s.mentions ?? [],
        mentionEveryone: s.mentionEveryone ?? false,
        createdAt: new Date(),
        editedAt: null,
        deletedAt: null,
        reactions: [],
      }
      rows.push(message)
      const ack = { messageId: message.id, seq: message.seq, createdAt: message.createdAt }
      known.set(key(s), ack)
      return { ack: { ...ack, duplicate: false }, message }
    })
    return { outcomes, lastSeq: seq }
  })

  const moved = batches.filter((b, i) => results[i]!.lastSeq !== b.lastSeq)
  if (moved.length === 0) return results
  await tx.insert(messages).values(rows.map(({ reactions: _, ...row }) => row))
  const newLastSeq = (b: RoomBatch) => results[batches.indexOf(b)]!.lastSeq
  const fenced = await tx
    .update(roomState)
    .set({ lastSeq: sql`(case ${roomState.roomId} ${sql.join(moved.map((b) => sql`when ${b.roomId}::uuid then ${newLastSeq(b)}::bigint`), sql` `)} end)` })
    .where(
      and(
        inArray(roomState.roomId, moved.map((b) => b.roomId)),
        sql`${roomState.epoch} = (case ${roomState.roomId} ${sql.join(moved.map((b) => sql`when ${b.roomId}::uuid then ${b.epoch}::bigint`), sql` `)} end)`,
      ),
    )
    .returning({ roomId: roomState.roomId })
  if (fenced.length !== moved.length) {
    const ok = new Set(fenced.map((r) => r.roomId))
    const stale = moved.find((b) => !ok.has(b.roomId))!
    throw new StaleEpochError(stale.roomId, stale.epoch)
  }
  return results
}

const unique = <T>(list: T[]): T[] => [...new Set(list)]

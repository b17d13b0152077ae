import { and, inArray, sql } from 'drizzle-orm'
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
  // The batch's (room, author, nonce) triples go in as one JSON parameter: Postgres expands
  // them, instead of the driver building SQL per row (the hot spot of a commit).
  const triples = JSON.stringify(all.map((s) => ({ room_id: s.roomId, author_id: s.authorId, nonce: s.nonce })))
  const existing = await tx
    .select({ id: messages.id, seq: messages.seq, createdAt: messages.createdAt, roomId: messages.roomId, authorId: messages.authorId, nonce: messages.nonce })
    .from(messages)
    .where(
      sql`(${messages.roomId}, ${messages.authorId}, ${messages.nonce}) in (
        select room_id, author_id, nonce from jsonb_to_recordset(${triples}::jsonb) as t(room_id uuid, author_id uuid, nonce text))`,
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
  await tx.execute(sql`insert into messages
      (id, room_id, seq, author_id, nonce, body, reply_to_id, thread_root_id, attachments, mentions, mention_everyone, created_at)
    select id, room_id, seq, author_id, nonce, body, reply_to_id, thread_root_id, attachments, mentions, mention_everyone, created_at
      from jsonb_to_recordset(${JSON.stringify(rows.map(toRecord))}::jsonb) as m(
        id uuid, room_id uuid, seq bigint, author_id uuid, nonce text, body text, reply_to_id uuid,
        thread_root_id uuid, attachments jsonb, mentions jsonb, mention_everyone boolean, created_at timestamptz)`)
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

const toRecord = (m: Message) => ({
  id: m.id,
  room_id: m.roomId,
  seq: m.seq,
  author_id: m.authorId,
  nonce: m.nonce,
  body: m.body,
  reply_to_id: m.replyToId,
  thread_root_id: m.threadRootId,
  attachments: m.attachments,
  mentions: m.mentions,
  mention_everyone: m.mentionEveryone,
  created_at: m.createdAt.toISOString(),
})

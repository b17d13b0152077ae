import { inArray, sql } from 'drizzle-orm'
import { queryRows, type Queryable } from '../src/db/tx'
import { messages } from '../src/db/schema'
import { notFound } from '../src/lib/errors'
import { newId } from '../src/lib/ids'
import { uniqueViolation } from '../src/lib/pg-errors'
import { OutOfOrderError, StaleEpochError } from './errors'
import type { Fence } from './store'
import type { Message, SendAck, SendCommand } from './types'

/**
 * The sends one actor queued in one tick, with the seq it continues from: the room's
 * committed last seq, or the seq an earlier batch still in flight plans to end at.
 */
export interface RoomBatch extends Fence {
  lastSeq: number
  sends: SendCommand[]
}

/** A batch's place in the room, or why it has none: a newer owner, or an earlier batch that did not commit as planned. */
export type BatchVerdict = BatchResult | StaleEpochError | OutOfOrderError

export interface WriteHooks {
  /**
   * Told, before the statement goes out, the seq each batch plans to end at: the actor
   * plans its next batch from there while this one is in flight.
   */
  onPlanned?(lastSeqs: number[]): void
}

/** A send either got its ack or failed on its own (the rest of the batch still commits). */
export type SendOutcome = { ack: SendAck; message?: Message } | { error: unknown }

export interface BatchResult {
  outcomes: SendOutcome[]
  lastSeq: number
}

type Parent = { roomId: string; threadRootId: string | null }
type Known = Map<string, Omit<SendAck, 'duplicate'>>

const key = (s: { roomId: string; authorId: string; nonce: string }) => `${s.roomId}/${s.authorId}/${s.nonce}`

/**
 * Commits the send batches of one or more rooms (one batch per room: the caller's rule)
 * in one statement, so one round trip: a room_state update fenced by each room's epoch
 * and compared-and-set on its last seq, an insert of the messages of the rooms it moved,
 * and for each of those rooms one outbox row standing for its batch (`messages.committed`,
 * seqs first..last): the domain events of the sends commit with them at the cost of one
 * small row per batch, not one per message. A room whose epoch moved on gets a
 * StaleEpochError, one that is not at the seq its batch continues from an
 * OutOfOrderError; either writes nothing, the others commit. So a batch planned behind
 * one still in flight commits only right after it: never past a gap, never before it.
 * The first try assumes no nonce was sent before (a retry is rare): if one was, the
 * unique (room, author, nonce) undoes the whole statement, the batch's nonces are looked
 * up, and the statement runs again with those answered by their first ack. New messages
 * take the next seqs of their room, gap-free.
 */
export async function writeSends(db: Queryable, batches: RoomBatch[], hooks: WriteHooks = {}): Promise<BatchVerdict[]> {
  const parents = await repliedTo(db, batches)
  try {
    const planned = plan(batches, parents, new Map())
    hooks.onPlanned?.(planned.results.map((r) => r.lastSeq))
    return await writePlanned(db, batches, planned)
  } catch (err) {
    if (uniqueViolation(err) !== 'messages_room_author_nonce_key') throw err
    return await writePlanned(db, batches, plan(batches, parents, await knownNonces(db, batches)))
  }
}

/** The rooms and thread roots of replied-to messages (they never change, so no transaction is needed). */
async function repliedTo(db: Queryable, batches: RoomBatch[]): Promise<Map<string, Parent>> {
  const ids = [...new Set(batches.flatMap((b) => b.sends.flatMap((s) => (s.replyTo ? [s.replyTo] : []))))]
  const parents = new Map<string, Parent>()
  if (ids.length === 0) return parents
  const rows = await db
    .select({ id: messages.id, roomId: messages.roomId, threadRootId: messages.threadRootId })
    .from(messages)
    .where(inArray(messages.id, ids))
  for (const r of rows) parents.set(r.id, r)
  return parents
}

/** The first acks of the batch's nonces that were committed before. */
async function knownNonces(db: Queryable, batches: RoomBatch[]): Promise<Known> {
  // The (room, author, nonce) triples go in as one JSON parameter that Postgres expands.
  const triples = JSON.stringify(batches.flatMap((b) => b.sends.map((s) => ({ room_id: s.roomId, author_id: s.authorId, nonce: s.nonce }))))
  const rows = await db
    .select({ id: messages.id, seq: messages.seq, createdAt: messages.createdAt, roomId: messages.roomId, authorId: messages.authorId, nonce: messages.nonce })
    .from(messages)
    .where(
      sql`(${messages.roomId}, ${messages.authorId}, ${messages.nonce}) in (
        select room_id, author_id, nonce from jsonb_to_recordset(${triples}::jsonb) as t(room_id uuid, author_id uuid, nonce text))`,
    )
  return new Map(rows.map((r) => [key(r), { messageId: r.id, seq: r.seq, createdAt: r.createdAt }]))
}

interface Plan {
  results: BatchResult[]
  rows: Message[]
}

/** Outcomes and rows for every send: known nonces get their first ack, the rest their room's next seqs. */
function plan(batches: RoomBatch[], parents: Map<string, Parent>, prior: Known): Plan {
  const known: Known = new Map(prior)
  const rows: Message[] = []
  const results = batches.map((batch): BatchResult => {
    let seq = batch.lastSeq
    const outcomes = batch.sends.map((s): SendOutcome => {
      const first = known.get(key(s))
      if (first) return { ack: { ...first, duplicate: true } }
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
        ...(s.attachmentInfo ? { attachmentInfo: s.attachmentInfo } : {}),
        mentions: s.mentions ?? [],
        mentionEveryone: s.mentionEveryone ?? false,
        kind: s.kind ?? 'text',
        pollId: s.pollId ?? null,
        surveyId: s.surveyId ?? null,
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
  return { results, rows }
}

async function writePlanned(db: Queryable, batches: RoomBatch[], { results, rows }: Plan): Promise<BatchVerdict[]> {
  const moved = batches.flatMap((b, i) =>
    results[i]!.lastSeq !== b.lastSeq ? [{ i, room_id: b.roomId, epoch: b.epoch, prev_seq: b.lastSeq, last_seq: results[i]!.lastSeq }] : [],
  )
  if (moved.length === 0) return results
  // Every fenced room reports whether it moved and, if not, the epoch it had (read from the
  // statement's snapshot: a takeover committed meanwhile reads as out of order, and the
  // actor's retry then meets the new epoch).
  const verdicts = await queryRows<{ i: number; moved: boolean; epoch: string | number | null }>(
    db,
    sql`with fence as (
        select * from jsonb_to_recordset(${JSON.stringify(moved)}::jsonb) as f(i int, room_id uuid, epoch bigint, prev_seq bigint, last_seq bigint)
      ), moved as (
        update room_state s set last_seq = fence.last_seq from fence
         where s.room_id = fence.room_id and s.epoch = fence.epoch and s.last_seq = fence.prev_seq
        returning s.room_id, fence.i
      ), inserted as (
        insert into messages
          (id, room_id, seq, author_id, nonce, body, reply_to_id, thread_root_id, attachments, mentions, mention_everyone, kind, poll_id, survey_id, created_at)
        select id, room_id, seq, author_id, nonce, body, reply_to_id, thread_root_id, attachments, mentions, mention_everyone, kind, poll_id, survey_id, created_at
          from jsonb_to_recordset(${JSON.stringify(rows.map(toRecord))}::jsonb) as m(
            id uuid, room_id uuid, seq bigint, author_id uuid, nonce text, body text, reply_to_id uuid,
            thread_root_id uuid, attachments jsonb, mentions jsonb, mention_everyone boolean, kind text, poll_id uuid, survey_id uuid, created_at timestamptz)
         where m.room_id in (select room_id from moved)
      ), outbox as (
        insert into domain_events (id, type, room_id, data)
        select gen_random_uuid(), 'messages.committed', fence.room_id, jsonb_build_object('fromSeq', fence.prev_seq + 1, 'toSeq', fence.last_seq)
          from fence join moved on moved.i = fence.i
      )
      select fence.i, exists (select 1 from moved where moved.i = fence.i) as moved, s.epoch
        from fence left join room_state s on s.room_id = fence.room_id`,
  )
  const byIndex = new Map(verdicts.map((v) => [Number(v.i), v]))
  return batches.map((b, i): BatchVerdict => {
    const v = byIndex.get(i)
    if (!v || v.moved) return results[i]!
    return v.epoch !== null && Number(v.epoch) === b.epoch ? new OutOfOrderError(b.roomId, b.lastSeq) : new StaleEpochError(b.roomId, b.epoch)
  })
}

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
  kind: m.kind,
  poll_id: m.pollId,
  survey_id: m.surveyId,
  created_at: m.createdAt.toISOString(),
})

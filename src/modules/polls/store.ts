import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import { messages, pollOptions, polls, type PollRow } from '../../db/schema'
import { queryRows, type Queryable } from '../../db/tx'
import type { DomainEvents } from '../../domain-events/bus'
import type { PollDefinition } from './definition'
import { toDefinition, type PollRecord, type PollState } from './rules'

const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)))

export function toRecord(row: PollRow, options: { id: string; text: string }[]): PollRecord {
  return {
    id: row.id,
    roomId: row.roomId,
    authorId: row.authorId,
    messageId: row.messageId!,
    seq: row.seq!,
    question: row.question,
    options,
    multiple: row.multiple,
    maxChoices: row.maxChoices,
    anonymous: row.anonymous,
    resultsVisibility: row.resultsVisibility,
    allowChange: row.allowChange,
    quizCorrectOptionId: row.quizCorrectOptionId,
    quizExplanation: row.quizExplanation,
    closesAt: row.closesAt,
    createdAt: row.createdAt,
  }
}

/**
 * Polls whose message is committed (pending ones are nobody's to see), with their options
 * in order. Visible as soon as the message is: one the poll has not recorded yet (a moment
 * after the room committed it) is found by its nonce, `poll.<id>`, so a reader who got
 * the message live can read its poll at once.
 */
export async function loadRecords(db: Queryable, pollIds: string[]): Promise<Map<string, PollRecord>> {
  if (pollIds.length === 0) return new Map()
  const rows = await db.select().from(polls).where(and(inArray(polls.id, pollIds), isNull(polls.deletedAt)))
  const pending = rows.filter((r) => r.messageId === null && r.authorId !== null)
  if (pending.length) {
    const posted = await db
      .select({ id: messages.id, seq: messages.seq, pollId: messages.pollId })
      .from(messages)
      .where(
        and(
          isNull(messages.deletedAt),
          or(...pending.map((r) => and(eq(messages.roomId, r.roomId), eq(messages.authorId, r.authorId!), eq(messages.nonce, postedNonce(r.id))))),
        ),
      )
    const byPoll = new Map(posted.map((m) => [m.pollId, m]))
    for (const row of pending) {
      const message = byPoll.get(row.id)
      if (message) Object.assign(row, { messageId: message.id, seq: message.seq })
    }
  }
  return withOptions(db, rows.filter((r) => r.messageId !== null))
}

/** The nonce of a poll's message (clients may not use `poll.`). */
export const postedNonce = (pollId: string) => `poll.${pollId}`

/**
 * What the messages of these polls carry, the same for every reader. By the message's
 * `poll_id`, so a message read before its poll recorded it (a moment after the commit)
 * carries it too; a deleted message carries none (the messages module leaves it out).
 */
export async function loadDefinitions(db: Queryable, pollIds: string[]): Promise<Map<string, PollDefinition>> {
  const rows = pollIds.length ? await db.select().from(polls).where(and(inArray(polls.id, pollIds), isNull(polls.deletedAt))) : []
  const records = await withOptions(db, rows)
  return new Map([...records].map(([id, record]) => [id, toDefinition(record)]))
}

async function withOptions(db: Queryable, rows: PollRow[]): Promise<Map<string, PollRecord>> {
  const found = new Map<string, PollRecord>()
  if (rows.length === 0) return found
  const options = await db
    .select({ pollId: pollOptions.pollId, id: pollOptions.id, text: pollOptions.text })
    .from(pollOptions)
    .where(inArray(pollOptions.pollId, rows.map((r) => r.id)))
    .orderBy(asc(pollOptions.pollId), asc(pollOptions.position))
  for (const row of rows) {
    found.set(row.id, toRecord(row, options.filter((o) => o.pollId === row.id).map((o) => ({ id: o.id, text: o.text }))))
  }
  return found
}

interface StateRow {
  version: string | number
  voter_count: number
  closed_at: unknown
  deleted_at: unknown
  counts: Record<string, number> | string | null
  mine?: string[] | string | null
}

const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T

function toState(row: StateRow): PollState {
  return {
    version: Number(row.version),
    voterCount: Number(row.voter_count),
    counts: parseJson<Record<string, number> | null>(row.counts) ?? {},
    closedAt: toDate(row.closed_at),
    deletedAt: toDate(row.deleted_at),
  }
}

/** A Postgres uuid[] as postgres.js or PGlite hands it over. */
export function uuidArray(v: unknown): string[] {
  if (v === null || v === undefined) return []
  if (Array.isArray(v)) return v.map(String)
  const s = String(v)
  return s.length <= 2 ? [] : s.slice(1, -1).split(',')
}

/**
 * The poll's counts and status, and the reader's own ballot, in one read. A poll whose
 * message is deleted reads as deleted at once (its own row follows when the
 * `message.deleted` reaction runs), also before the poll recorded its message.
 */
export async function loadState(db: Queryable, pollId: string, userId?: string): Promise<{ state: PollState; mine: string[] } | undefined> {
  const [row] = await queryRows<StateRow>(db, sql`
      select p.version, p.voter_count, p.closed_at,
             coalesce(p.deleted_at, (select m.deleted_at from messages m where m.id = p.message_id),
                      (select m.deleted_at from messages m where p.message_id is null
                          and m.room_id = p.room_id and m.author_id = p.author_id and m.nonce = 'poll.' || p.id::text)) as deleted_at,
             (select jsonb_object_agg(o.id, o.votes) from poll_options o where o.poll_id = p.id) as counts,
             (select b.option_ids from poll_ballots b where b.poll_id = p.id and b.user_id = ${userId ?? null}::uuid) as mine
        from polls p where p.id = ${pollId}`)
  if (!row) return undefined
  return { state: toState(row), mine: uuidArray(row.mine) }
}

/**
 * Closes a poll unless it already is: at `closesAt` if that has passed, else now. With
 * `onlyIfDue`, only a poll whose `closesAt` has passed (the timed job); `deleted` also
 * hides it (its message is gone). Records `poll.closed` in the same transaction. Returns
 * the new version, or undefined when nothing changed (so running it twice is harmless).
 */
export async function closePoll(
  events: Pick<DomainEvents, 'transaction'>,
  input: { pollId: string; actorId: string | null; reason: 'manual' | 'time' | 'deleted'; onlyIfDue?: boolean },
): Promise<{ roomId: string; version: number } | undefined> {
  return events.transaction({ actorId: input.actorId }, async (tx, emit) => {
    const due = input.onlyIfDue ? sql`and p.closes_at is not null and p.closes_at <= now()` : sql``
    const deleted = input.reason === 'deleted' ? sql`, deleted_at = now()` : sql``
    // A poll whose message is deleted is hidden: only the `deleted` close (the reaction) still applies to it.
    const unlessAlready =
      input.reason === 'deleted'
        ? sql`p.deleted_at is null`
        : sql`p.closed_at is null and p.deleted_at is null
              and not exists (select 1 from messages m where m.id = p.message_id and m.deleted_at is not null)`
    const [row] = await queryRows<{ id: string; room_id: string; community_id: string | null; version: string | number; closed_at: unknown }>(tx, sql`
        update polls p set closed_at = coalesce(p.closed_at, least(now(), coalesce(p.closes_at, now()))), version = p.version + 1 ${deleted}
         where p.id = ${input.pollId} and ${unlessAlready} ${due}
        returning p.id, p.room_id, p.version, p.closed_at, (select r.community_id from rooms r where r.id = p.room_id) as community_id`)
    if (!row) return undefined
    emit({
      type: 'poll.closed',
      roomId: row.room_id,
      ...(row.community_id ? { communityId: row.community_id } : {}),
      data: { pollId: row.id, roomId: row.room_id, reason: input.reason, closedAt: toDate(row.closed_at)!.toISOString() },
    })
    return { roomId: row.room_id, version: Number(row.version) }
  })
}

/** The poll a message carries, if it is a poll's message. */
export async function pollOfMessage(db: Queryable, messageId: string): Promise<string | undefined> {
  const [row] = await db.select({ pollId: messages.pollId }).from(messages).where(eq(messages.id, messageId))
  return row?.pollId ?? undefined
}

/** Every ballot of a poll (for per-voter pushes). */
export async function allBallots(db: Queryable, pollId: string): Promise<{ userId: string; optionIds: string[] }[]> {
  const rows = await queryRows<{ user_id: string; option_ids: unknown }>(db, sql`select user_id, option_ids from poll_ballots where poll_id = ${pollId}`)
  return rows.map((r) => ({ userId: r.user_id, optionIds: uuidArray(r.option_ids) }))
}

export async function voterPage(
  db: Queryable,
  input: { pollId: string; optionId?: string; after?: string; limit: number },
): Promise<{ userId: string; optionIds: string[]; votedAt: Date }[]> {
  const option = input.optionId ? sql`and option_ids @> array[${input.optionId}::uuid]` : sql``
  const after = input.after ? sql`and user_id > ${input.after}::uuid` : sql``
  const rows = await queryRows<{ user_id: string; option_ids: unknown; voted_at: unknown }>(db, sql`
      select user_id, option_ids, voted_at from poll_ballots
       where poll_id = ${input.pollId} ${option} ${after}
       order by user_id limit ${input.limit}`)
  return rows.map((r) => ({ userId: r.user_id, optionIds: uuidArray(r.option_ids), votedAt: toDate(r.voted_at)! }))
}

export { toState, type StateRow }

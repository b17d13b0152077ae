import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { AppError, notFound } from '../../lib/errors'
import type { Logger } from '../../lib/log'
import { isDatabaseDown } from '../../lib/pg-errors'
import type { PollRecord, PollState } from './rules'
import { isQuiz } from './rules'
import { queryRows } from '../../db/tx'
import { toState, uuidArray, type StateRow } from './store'

export interface BallotBoxDeps {
  db: Database
  log: Logger
  /** Votes of one poll written in one transaction at most. */
  batchMax: number
}

/** A vote as it was counted: the voter's choices after it, and the poll's state at that commit. */
export interface CastResult {
  choices: string[]
  changed: boolean
  state: PollState
}

interface Pending {
  userId: string
  /** Sorted, distinct, already checked against the poll. */
  choices: string[]
  resolve(result: CastResult): void
  reject(err: unknown): void
}

interface Queue {
  poll: PollRecord
  pending: Pending[]
  flushing: boolean
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i])

/**
 * Votes of a poll, group-committed: while one transaction of a poll's votes runs, the next
 * votes wait and go together in the following one. Each transaction locks the poll row
 * first (so a close, or another node's batch, is ordered against it), reads the voters'
 * ballots, applies the votes in arrival order, and writes every change in one statement;
 * the counters are moved by the ballot triggers once per statement. So a hot poll costs a
 * few statements per batch, not a lock queue per vote on its counter rows, and the counts
 * always equal the stored ballots.
 */
export class BallotBox {
  private readonly queues = new Map<string, Queue>()

  constructor(private readonly deps: BallotBoxDeps) {}

  cast(poll: PollRecord, userId: string, choices: string[]): Promise<CastResult> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(poll.id)
      if (!queue) this.queues.set(poll.id, (queue = { poll, pending: [], flushing: false }))
      queue.pending.push({ userId, choices, resolve, reject })
      if (!queue.flushing) void this.drain(queue)
    })
  }

  private async drain(queue: Queue): Promise<void> {
    queue.flushing = true
    // Let the votes that arrive in this event-loop turn join the first batch.
    await new Promise((resolve) => setImmediate(resolve))
    try {
      while (queue.pending.length > 0) await this.commitIsolating(queue.poll, queue.pending.splice(0, this.deps.batchMax))
    } finally {
      queue.flushing = false
      if (queue.pending.length === 0) this.queues.delete(queue.poll.id)
      else void this.drain(queue)
    }
  }

  /**
   * Commits a batch; if the database refuses it (one vote of a user deleted meanwhile
   * breaks a foreign key), commits its halves, in order, so only the bad vote fails.
   */
  private async commitIsolating(poll: PollRecord, batch: Pending[]): Promise<void> {
    try {
      const results = await this.commit(poll, batch)
      batch.forEach((vote, i) => {
        const result = results[i]!
        if (result instanceof Error) vote.reject(result)
        else vote.resolve(result)
      })
    } catch (err) {
      if (batch.length === 1 || isDatabaseDown(err)) {
        for (const vote of batch) vote.reject(err)
        return
      }
      const half = Math.ceil(batch.length / 2)
      await this.commitIsolating(poll, batch.slice(0, half))
      await this.commitIsolating(poll, batch.slice(half))
    }
  }

  private async commit(poll: PollRecord, batch: Pending[]): Promise<(CastResult | AppError)[]> {
    const userIds = [...new Set(batch.map((v) => v.userId))]
    return this.deps.db.transaction(async (tx) => {
      // The lock first, on its own: a statement that waited for it still reads with the
      // snapshot it began with (READ COMMITTED), so the ballots and the message are read by
      // the next statement, which sees what the batch that held the lock committed.
      const [locked] = await queryRows<{ id: string }>(tx, sql`select p.id from polls p where p.id = ${poll.id} for no key update`)
      const [head] = locked
        ? await queryRows<{ closed: boolean; deleted: boolean; ballots: { u: string; o: string[] }[] | string }>(tx, sql`
              select (p.deleted_at is not null
                      or exists (select 1 from messages m where m.id = p.message_id and m.deleted_at is not null)) as deleted,
                     (p.closed_at is not null or (p.closes_at is not null and p.closes_at <= now())) as closed,
                     coalesce((select jsonb_agg(jsonb_build_object('u', b.user_id, 'o', b.option_ids))
                                 from poll_ballots b
                                where b.poll_id = p.id
                                  and b.user_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(userIds)}::jsonb))),
                              '[]'::jsonb) as ballots
                from polls p where p.id = ${poll.id}`)
        : []
      if (!head || head.deleted) return batch.map(() => notFound('poll'))
      if (head.closed) return batch.map(() => new AppError('poll_closed', 'this poll is closed'))

      const before = new Map<string, string[]>()
      for (const b of typeof head.ballots === 'string' ? JSON.parse(head.ballots) : head.ballots) before.set(b.u, [...uuidArray(b.o)].sort())
      const current = new Map(before)
      const fixed = !poll.allowChange || isQuiz(poll)
      const outcomes = batch.map((vote): { choices: string[]; changed: boolean } | AppError => {
        const had = current.get(vote.userId) ?? []
        if (sameSet(had, vote.choices)) return { choices: had, changed: false }
        if (had.length > 0 && fixed) {
          return new AppError('already_voted', isQuiz(poll) ? 'a quiz answer cannot be changed' : 'this poll does not allow changing a vote')
        }
        if (vote.choices.length === 0) current.delete(vote.userId)
        else current.set(vote.userId, vote.choices)
        return { choices: vote.choices, changed: true }
      })

      const writes: { user_id: string; option_ids: string[] | null; op: 'add' | 'change' | 'retract' }[] = []
      for (const userId of userIds) {
        const was = before.get(userId)
        const now = current.get(userId)
        if (!was && now) writes.push({ user_id: userId, option_ids: now, op: 'add' })
        else if (was && !now) writes.push({ user_id: userId, option_ids: null, op: 'retract' })
        else if (was && now && !sameSet(was, now)) writes.push({ user_id: userId, option_ids: now, op: 'change' })
      }
      if (writes.length > 0) {
        await tx.execute(sql`
          with input as (
            select * from jsonb_to_recordset(${JSON.stringify(writes)}::jsonb) as w(user_id uuid, option_ids uuid[], op text)
          ), removed as (
            delete from poll_ballots b using input i
             where b.poll_id = ${poll.id} and b.user_id = i.user_id and i.op = 'retract'
            returning 1
          ), changed as (
            update poll_ballots b set option_ids = i.option_ids, voted_at = now() from input i
             where b.poll_id = ${poll.id} and b.user_id = i.user_id and i.op = 'change'
            returning 1
          ), added as (
            insert into poll_ballots (poll_id, user_id, option_ids)
            select ${poll.id}, user_id, option_ids from input where op = 'add'
            returning 1
          )
          update polls set version = version + 1 where id = ${poll.id}`)
      }
      const [row] = await queryRows<StateRow>(tx, sql`
          select p.version, p.voter_count, p.closed_at, p.deleted_at,
                 (select jsonb_object_agg(o.id, o.votes) from poll_options o where o.poll_id = p.id) as counts
            from polls p where p.id = ${poll.id}`)
      const state = toState(row!)
      return outcomes.map((o) => (o instanceof AppError ? o : { ...o, state }))
    })
  }
}

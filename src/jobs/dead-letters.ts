import { and, count, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm'
import type { Database } from '../db/client'
import { deadLetterReplays, deadLetters, type DeadLetterReplayRow, type DeadLetterRow } from '../db/schema'
import { AppError, notFound } from '../lib/errors'
import { newId } from '../lib/ids'
import type { Redis } from '../lib/redis'
import type { QueueName } from './queues'

export type DeadLetterStatus = 'dead' | 'replaying' | 'recovered' | 'discarded'
export const deadLetterStatuses = ['dead', 'replaying', 'recovered', 'discarded'] as const

/** A failed run as the consumer saw it. */
export interface FailedRun {
  queue: QueueName
  name: string
  jobId: string
  payload: unknown
  error: string
  attemptsMade: number
}

const replayPrefix = 'replay.'
/** The replay a job id belongs to, if it is a replay. */
export const replayIdOf = (id: string): string | undefined => (id.startsWith(replayPrefix) ? id.slice(replayPrefix.length) : undefined)

/**
 * The dead-letter store: where a job lands after its last attempt, and from where an
 * admin replays it. Every replay gets a row with its outcome, which gives the recovery
 * rate (dead letters recovered by a replay / all dead letters).
 */
export class DeadLetterStore {
  constructor(private readonly res: { db: Database; redis: Redis }) {}

  /** Remembers when a job first failed (the dead letter reports it); harmless to call on every failure. */
  async noteFailure({ queue, jobId }: { queue: QueueName; jobId: string }): Promise<void> {
    await this.res.redis.client.set(this.firstFailureKey(queue, jobId), String(Date.now()), { NX: true, EX: 30 * 86400 })
  }

  /** Called after the last attempt (or an unrecoverable error). A replay that fails returns its dead letter to `dead`. */
  async recordDead(run: FailedRun): Promise<void> {
    const now = new Date()
    const firstKey = this.firstFailureKey(run.queue, run.jobId)
    const first = Number(await this.res.redis.client.get(firstKey).catch(() => null)) || now.getTime()
    const replayId = replayIdOf(run.jobId)
    await this.res.db.transaction(async (tx) => {
      if (replayId) {
        const [replay] = await tx
          .update(deadLetterReplays)
          .set({ status: 'failed', error: run.error, finishedAt: now })
          .where(and(eq(deadLetterReplays.id, replayId), eq(deadLetterReplays.status, 'pending')))
          .returning()
        if (replay) {
          await tx
            .update(deadLetters)
            .set({ status: 'dead', error: run.error, lastFailedAt: now, attempts: sql`${deadLetters.attempts} + ${run.attemptsMade}` })
            .where(eq(deadLetters.id, replay.deadLetterId))
          return
        }
      }
      await tx.insert(deadLetters).values({
        id: newId(),
        queue: run.queue,
        name: run.name,
        jobId: run.jobId,
        payload: run.payload ?? null,
        error: run.error,
        attempts: run.attemptsMade,
        firstFailedAt: new Date(first),
        lastFailedAt: now,
      })
    })
    await this.res.redis.client.del(firstKey).catch(() => {})
  }

  /** A job finished; if it was a replay, its dead letter is recovered. */
  async recordSuccess({ jobId }: { jobId: string }): Promise<void> {
    const replayId = replayIdOf(jobId)
    if (!replayId) return
    await this.res.db.transaction(async (tx) => {
      const [replay] = await tx
        .update(deadLetterReplays)
        .set({ status: 'succeeded', finishedAt: new Date() })
        .where(and(eq(deadLetterReplays.id, replayId), eq(deadLetterReplays.status, 'pending')))
        .returning()
      if (replay) await tx.update(deadLetters).set({ status: 'recovered' }).where(eq(deadLetters.id, replay.deadLetterId))
    })
  }

  async list(opts: { queue?: string; status?: DeadLetterStatus; cursor?: string; limit: number }) {
    const where: SQL[] = []
    if (opts.queue) where.push(eq(deadLetters.queue, opts.queue))
    if (opts.status) where.push(eq(deadLetters.status, opts.status))
    if (opts.cursor) where.push(lt(deadLetters.id, opts.cursor))
    const rows = await this.res.db
      .select()
      .from(deadLetters)
      .where(and(...where))
      .orderBy(desc(deadLetters.id))
      .limit(opts.limit + 1)
    const page = rows.slice(0, opts.limit)
    return { deadLetters: page, nextCursor: rows.length > opts.limit ? page[page.length - 1]!.id : null }
  }

  async get(id: string): Promise<DeadLetterRow & { replays: DeadLetterReplayRow[] }> {
    // One snapshot, so the letter's status and its replays' outcomes agree.
    return this.res.db.transaction(
      async (tx) => {
        const [row] = await tx.select().from(deadLetters).where(eq(deadLetters.id, id))
        if (!row) throw notFound('dead letter')
        const replays = await tx
          .select()
          .from(deadLetterReplays)
          .where(eq(deadLetterReplays.deadLetterId, id))
          .orderBy(desc(deadLetterReplays.requestedAt))
        return { ...row, replays }
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    )
  }

  /** Ids of dead letters (status `dead`) matching a filter, oldest first, at most `limit`. */
  async findReplayable(filter: { queue?: string; ids?: string[]; limit: number }): Promise<string[]> {
    const where: SQL[] = [eq(deadLetters.status, 'dead')]
    if (filter.queue) where.push(eq(deadLetters.queue, filter.queue))
    if (filter.ids) where.push(inArray(deadLetters.id, filter.ids))
    const rows = await this.res.db
      .select({ id: deadLetters.id })
      .from(deadLetters)
      .where(and(...where))
      .orderBy(deadLetters.id)
      .limit(filter.limit)
    return rows.map((r) => r.id)
  }

  /**
   * Marks a dead letter as replaying and records the replay; `enqueue` then puts the job
   * back on its queue. Only a letter in `dead` can be replayed (409 otherwise).
   */
  async replay(opts: {
    id: string
    requestedBy: string | null
    enqueue: (job: { queue: QueueName; name: string; data: unknown; jobId: string }) => Promise<unknown>
  }): Promise<DeadLetterReplayRow> {
    const replayId = newId()
    const replayJobId = replayPrefix + replayId
    const { letter, replay } = await this.res.db.transaction(async (tx) => {
      const [letter] = await tx.select().from(deadLetters).where(eq(deadLetters.id, opts.id)).for('update')
      if (!letter) throw notFound('dead letter')
      if (letter.status !== 'dead') throw new AppError('conflict', `this dead letter is ${letter.status}; only dead ones can be replayed`)
      await tx.update(deadLetters).set({ status: 'replaying' }).where(eq(deadLetters.id, letter.id))
      const [replay] = await tx
        .insert(deadLetterReplays)
        .values({ id: replayId, deadLetterId: letter.id, requestedBy: opts.requestedBy, jobId: replayJobId })
        .returning()
      return { letter, replay: replay! }
    })
    try {
      await opts.enqueue({ queue: letter.queue as QueueName, name: letter.name, data: letter.payload, jobId: replayJobId })
    } catch (err) {
      await this.res.db.transaction(async (tx) => {
        await tx
          .update(deadLetterReplays)
          .set({ status: 'failed', error: `could not enqueue: ${(err as Error).message}`, finishedAt: new Date() })
          .where(eq(deadLetterReplays.id, replayId))
        await tx.update(deadLetters).set({ status: 'dead' }).where(eq(deadLetters.id, letter.id))
      })
      throw err
    }
    return replay
  }

  /** Discarded letters stay (they count as dead for the recovery rate) but can no longer be replayed. */
  async discard(id: string): Promise<void> {
    // One statement: a replay starting meanwhile, or a recovered letter, is never overwritten.
    const done = await this.res.db
      .update(deadLetters)
      .set({ status: 'discarded' })
      .where(and(eq(deadLetters.id, id), inArray(deadLetters.status, ['dead', 'discarded'])))
      .returning({ id: deadLetters.id })
    if (done.length > 0) return
    const [row] = await this.res.db.select({ status: deadLetters.status }).from(deadLetters).where(eq(deadLetters.id, id))
    if (!row) throw notFound('dead letter')
    throw new AppError('conflict', row.status === 'replaying' ? 'this dead letter is being replayed' : `this dead letter is ${row.status}`)
  }

  /** Recovery rate = dead letters recovered by a replay / all dead letters. */
  async stats(): Promise<{ total: number; byStatus: Record<DeadLetterStatus, number>; recoveryRate: number }> {
    const rows = await this.res.db.select({ status: deadLetters.status, n: count() }).from(deadLetters).groupBy(deadLetters.status)
    const byStatus = { dead: 0, replaying: 0, recovered: 0, discarded: 0 } as Record<DeadLetterStatus, number>
    for (const r of rows) byStatus[r.status as DeadLetterStatus] = Number(r.n)
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0)
    return { total, byStatus, recoveryRate: total === 0 ? 0 : byStatus.recovered / total }
  }

  private firstFailureKey(queue: string, id: string): string {
    return this.res.redis.key('jobs', 'first-failure', queue, id)
  }
}

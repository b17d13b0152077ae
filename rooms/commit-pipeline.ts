import { AppError } from '../src/lib/errors'
import { isDatabaseDown } from '../src/lib/pg-errors'
import { OutOfOrderError, StaleEpochError } from './errors'
import type { BatchResult, BatchVerdict, RoomBatch } from './send-commit'
import type { RoomStore } from './store'

interface Pending {
  batch: RoomBatch
  /** Told once the seq the batch plans to end at, before its statement goes out. */
  onPlanned?(lastSeq: number): void
  resolve(result: BatchResult): void
  reject(err: unknown): void
}

export interface CommitPipelineOptions {
  /** Transactions in flight at once; batches arriving meanwhile wait and share the next one. */
  maxInFlight?: number
  /** Most messages in one transaction. */
  maxMessages?: number
}

/**
 * Group commit across the rooms of a node: the send batches that actors hand in while
 * a commit is in flight (or in the same tick) share the next transaction. A room may
 * have several batches here, each planned to continue where the one before it ends;
 * they go in separate statements, and the compare-and-set on the room's last seq
 * (send-commit.ts) lets one commit only right after the one before it.
 */
export class CommitPipeline {
  readonly stats = { commits: 0, roomBatches: 0, sends: 0 }
  private readonly waiting: Pending[] = []
  private inFlight = 0
  private scheduled = false

  constructor(
    private readonly resources: { store: RoomStore },
    private readonly options: CommitPipelineOptions = {},
  ) {}

  commit(batch: RoomBatch, hooks: { onPlanned?(lastSeq: number): void } = {}): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ batch, onPlanned: hooks.onPlanned, resolve, reject })
      this.schedule()
    })
  }

  private schedule() {
    if (this.scheduled || this.waiting.length === 0 || this.inFlight >= (this.options.maxInFlight ?? 2)) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      void this.flush()
    })
  }

  private async flush() {
    if (this.inFlight >= (this.options.maxInFlight ?? 2)) return
    const group: Pending[] = []
    const rooms = new Set<string>()
    let size = 0
    const max = this.options.maxMessages ?? 1000
    // One batch per room in a statement: a room handed from an old actor to a new one may
    // have a batch from each waiting, and each must see the other's nonces as committed.
    for (let i = 0; i < this.waiting.length && (group.length === 0 || size < max); ) {
      const next = this.waiting[i]!
      if (rooms.has(next.batch.roomId) || (group.length > 0 && size + next.batch.sends.length > max)) {
        i++
        continue
      }
      this.waiting.splice(i, 1)
      group.push(next)
      rooms.add(next.batch.roomId)
      size += next.batch.sends.length
    }
    if (group.length === 0) return
    this.inFlight++
    this.schedule() // what did not fit may go now, if another transaction may be in flight
    try {
      await this.commitGroup(group)
    } finally {
      this.inFlight--
      this.schedule()
    }
  }

  private async commitGroup(group: Pending[]) {
    try {
      const results = await this.transaction(
        group.map((p) => p.batch),
        (lastSeqs) => group.forEach((p, i) => p.onPlanned?.(lastSeqs[i]!)),
      )
      group.forEach((p, i) => settle(p, results[i]!))
    } catch (err) {
      if (group.length === 1) return this.isolate(group[0]!, err)
      // One room spoiled the group (a bad row, a stale owner's seq): commit each room on its own.
      await Promise.all(group.map((p) => this.commitGroup([p])))
    }
  }

  /**
   * A room's batch failed: a stale epoch or an outage fails it whole; otherwise each send
   * is committed on its own to find the one at fault. If the room is fenced off or Postgres
   * goes away part way, the sends already committed keep their acks and the rest fail.
   */
  private async isolate(pending: Pending, err: unknown) {
    const { batch } = pending
    if (err instanceof StaleEpochError || err instanceof OutOfOrderError || isDatabaseDown(err) || batch.sends.length === 1) return pending.reject(err)
    const merged: BatchResult = { outcomes: [], lastSeq: batch.lastSeq }
    for (const [n, send] of batch.sends.entries()) {
      let stop: unknown
      try {
        const [result] = await this.transaction([{ ...batch, lastSeq: merged.lastSeq, sends: [send] }])
        if (result instanceof StaleEpochError || result instanceof OutOfOrderError) stop = result
        else {
          merged.outcomes.push(...result!.outcomes)
          merged.lastSeq = result!.lastSeq
        }
      } catch (single) {
        if (single instanceof StaleEpochError || isDatabaseDown(single)) stop = single
        else merged.outcomes.push({ error: describeFailure(single) })
      }
      if (stop !== undefined) {
        // Out of order before anything committed: the whole batch goes back to its actor to be planned again.
        if (n === 0 || (stop instanceof OutOfOrderError && merged.lastSeq === batch.lastSeq)) return pending.reject(stop)
        for (let rest = n; rest < batch.sends.length; rest++) merged.outcomes.push({ error: stop })
        break
      }
    }
    pending.resolve(merged)
  }

  private async transaction(batches: RoomBatch[], onPlanned?: (lastSeqs: number[]) => void) {
    const results = await this.resources.store.commitSends(batches, { onPlanned })
    this.stats.commits++
    this.stats.roomBatches += batches.length
    this.stats.sends += batches.reduce((n, b) => n + b.sends.length, 0)
    return results
  }
}

/** A room fenced off or out of order inside a shared commit fails alone; the others have their results. */
function settle(pending: Pending, result: BatchVerdict) {
  if (result instanceof StaleEpochError || result instanceof OutOfOrderError) pending.reject(result)
  else pending.resolve(result)
}

/** A send that fails on its own is the caller's mistake when it names a user that does not exist. */
function describeFailure(err: unknown): unknown {
  for (let e: unknown = err, i = 0; e && typeof e === 'object' && i < 6; e = (e as { cause?: unknown }).cause, i++) {
    if ((e as { code?: unknown }).code === '23503') {
      return new AppError('validation_failed', 'authorId is not a user', { details: { field: 'authorId' } })
    }
  }
  return err
}

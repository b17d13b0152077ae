import { inArray, lt } from 'drizzle-orm'
import type { Database } from '../db/client'
import type { Tx } from '../db/tx'
import { consumedEvents, domainEvents } from '../db/schema'
import type { JobRunner } from '../jobs/runner'
import type { Logger } from '../lib/log'
import type { EventJob } from './consume'
import type { DomainEvent, DomainEventType, Expander, Reaction } from './types'

/** Who reacts to what: consumer name -> reactions by event type (assembled from the features). */
export type ConsumerTable = Map<string, Partial<Record<string, Reaction<DomainEventType, any>>>>

const BATCH = 500
/** Claims of consumed events older than this are forgotten (BullMQ's job ids cover a redelivery long before). */
const CONSUMED_KEPT_MS = 7 * 86_400_000

/**
 * Moves committed domain events from the outbox to the `events` queue: per interested
 * consumer, jobs of up to EVENTS_PER_JOB events with deterministic ids (queued twice, it is
 * one job), then deletes the rows — all in one transaction, rows claimed with
 * SKIP LOCKED so every node can relay at once. A crash between queueing and deleting only
 * queues again; consumers are idempotent by event id. Woken by commits in this process,
 * and on a timer for the ones that were not (another node's, or one before a crash).
 */
export class OutboxRelay {
  private timer: ReturnType<typeof setTimeout> | undefined
  private running: Promise<void> | undefined
  private again = false
  /** A pass is due when the timer fires (a commit's wake waits delayMs for the others). */
  private due = false
  private stopped = true
  private lastPrune = 0

  constructor(
    private readonly deps: { db: Database; log: Logger; jobs: Pick<JobRunner, 'enqueueBulk'> },
    private readonly opts: {
      consumers: ConsumerTable
      expanders: Record<string, Expander>
      intervalMs: number
      /** How long a wake waits before its pass, for the commits meanwhile to share it (0: the next turn). */
      delayMs?: number
      /** Hears the events of each batch once it is queued: once per event across the cluster (see DomainEvents.onRelayed). */
      onRelayed?: (events: DomainEvent[]) => void
    },
  ) {}

  start(): void {
    this.stopped = false
    this.wake()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
    // A wake still waiting out its delay, or one that came during the last pass, is relayed
    // now, not left to the next start.
    if (this.due || this.again) {
      this.due = this.again = false
      await this.relayOnce().catch((err) => this.deps.log.warn('outbox relay failed while stopping', { error: err }))
    }
  }

  /**
   * Relays soon: after delayMs, so the commits of that time share one pass (under load,
   * passes follow each other delayMs apart and take what committed meanwhile).
   */
  wake(): void {
    if (this.stopped || this.due) return
    if (this.running) {
      this.again = true
      return
    }
    const delay = this.opts.delayMs ?? 0
    if (delay === 0) return this.pass()
    clearTimeout(this.timer)
    this.due = true
    this.timer = setTimeout(() => this.pass(), delay)
    this.timer.unref?.()
  }

  private pass(): void {
    clearTimeout(this.timer)
    this.due = false
    this.running = this.drain().finally(() => {
      this.running = undefined
      if (this.stopped) return
      if (this.again) {
        this.again = false
        this.wake()
      } else {
        // The timer looks for what other processes committed: nothing to wait for, so no delay.
        this.timer = setTimeout(() => this.pass(), this.opts.intervalMs)
        this.timer.unref?.()
      }
    })
  }

  /** Relays until the outbox is empty (or an error stops this pass; the timer tries again). */
  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.relayOnce()) === BATCH);
      if (Date.now() - this.lastPrune > 3_600_000) {
        this.lastPrune = Date.now()
        await this.deps.db.delete(consumedEvents).where(lt(consumedEvents.consumedAt, new Date(Date.now() - CONSUMED_KEPT_MS)))
      }
    } catch (err) {
      this.deps.log.warn('outbox relay failed; retrying shortly', { error: err })
    }
  }

  /** One batch of outbox rows to the queue; answers how many rows it took. */
  async relayOnce(): Promise<number> {
    const taken = await this.deps.db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(domainEvents)
        .orderBy(domainEvents.createdAt, domainEvents.id)
        .limit(BATCH)
        .for('update', { skipLocked: true })
      const events = await expandAll(tx, rows, this.opts.expanders)
      const jobs = eventJobs(this.opts.consumers, events)
      for (let i = 0; i < jobs.length; i += BATCH) await this.deps.jobs.enqueueBulk({ queue: 'events', jobs: jobs.slice(i, i + BATCH) })
      if (rows.length) await tx.delete(domainEvents).where(inArray(domainEvents.id, rows.map((r) => r.id)))
      return { rows: rows.length, events }
    })
    if (taken.events.length) this.opts.onRelayed?.(taken.events)
    return taken.rows
  }
}

/** The events of outbox rows in the rows' order: each expander given all the rows of its type at once. */
async function expandAll(tx: Tx, rows: (typeof domainEvents.$inferSelect)[], expanders: Record<string, Expander>): Promise<DomainEvent[]> {
  const byType = new Map<string, typeof rows>()
  for (const row of rows) {
    if (!expanders[row.type]) continue
    const group = byType.get(row.type)
    if (group) group.push(row)
    else byType.set(row.type, [row])
  }
  const expanded = new Map<string, DomainEvent[]>()
  for (const [type, group] of byType) {
    const lists = await expanders[type]!(tx, group)
    group.forEach((row, i) => expanded.set(row.id, lists[i] ?? []))
  }
  return rows.flatMap((row) => expanded.get(row.id) ?? [fromRow(row)])
}

/** The job name of every `events` job (the consumer and its events are in its data). */
export const EVENT_JOB = 'event'

/**
 * Events one job carries to one consumer at most. A job per event per consumer cost more
 * than the send it followed (a hot room commits thousands of messages a second); a job of
 * many costs one queue round trip, and a failed event is split off to be retried alone.
 */
export const EVENTS_PER_JOB = 100

/** The `events` jobs for a relayed batch: per consumer, the events it wants, in jobs of EVENTS_PER_JOB. */
function eventJobs(consumers: ConsumerTable, events: DomainEvent[]) {
  const jobs: { name: string; data: EventJob; jobId: string }[] = []
  for (const [consumer, reactions] of consumers) {
    const wanted = events.filter((event) => {
      const reaction = reactionTo(reactions, event.type)
      return reaction !== undefined && (!reaction.wants || reaction.wants(event))
    })
    for (let i = 0; i < wanted.length; i += EVENTS_PER_JOB) {
      const chunk = wanted.slice(i, i + EVENTS_PER_JOB)
      jobs.push({ name: EVENT_JOB, data: { consumer, events: chunk }, jobId: eventJobId(consumer, chunk) })
    }
  }
  return jobs
}

/** Deterministic: the same events for the same consumer are one job, queued twice or not. */
export const eventJobId = (consumer: string, events: DomainEvent[]) =>
  events.length === 1 ? `${consumer}.${events[0]!.id}` : `${consumer}.${events[0]!.id}.${events.at(-1)!.id}.${events.length}`

/** A consumer's reaction to a type: its own for that type, else its `*` reaction (every event). */
export function reactionTo(reactions: Partial<Record<string, Reaction<DomainEventType, any>>>, type: string) {
  return reactions[type] ?? reactions['*']
}

function fromRow(row: typeof domainEvents.$inferSelect): DomainEvent {
  return {
    id: row.id,
    type: row.type as DomainEvent['type'],
    at: row.createdAt.toISOString(),
    ...(row.communityId ? { communityId: row.communityId } : {}),
    ...(row.roomId ? { roomId: row.roomId } : {}),
    ...(row.groupId ? { groupId: row.groupId } : {}),
    ...(row.actorId ? { actorId: row.actorId } : {}),
    data: row.data as never,
  }
}

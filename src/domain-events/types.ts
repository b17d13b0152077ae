import type { Tx } from '../db/tx'

/**
 * The domain events and what each carries. Facts that have committed: a feature adds its
 * own by declaration merging (`declare module '.../domain-events/types' { interface
 * DomainEventMap { 'poll.closed': {...} } }`) beside the code that emits them.
 */
// biome-ignore lint: declaration merging needs an interface
export interface DomainEventMap {}

export type DomainEventType = keyof DomainEventMap & string

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  /** Unique per event; consumers are idempotent by it (and a message's `message.created` has the message's id). */
  id: string
  type: T
  /** ISO time of the commit's start. */
  at: string
  communityId?: string
  roomId?: string
  /**
   * The group an event without a room belongs to (a group's survey or calendar event):
   * like `roomId`, it says who may see it (webhooks send it only where the endpoint's
   * creator can view that group).
   */
  groupId?: string
  actorId?: string
  data: DomainEventMap[T]
}

export type DomainEventInput<T extends DomainEventType = DomainEventType> = Omit<DomainEvent<T>, 'id' | 'at'> & { id?: string }

/** Records an event in the transaction at hand (written to the outbox when it commits). */
export type Emit = <T extends DomainEventType>(event: DomainEventInput<T>) => void

/**
 * A consumer's reaction to one type of event: run at least once per event, in a job,
 * so it must be idempotent by `event.id` (see `consumeOnce`). `wants`, when given, is
 * asked in the relay: an event it declines is never queued for this consumer.
 */
export interface Reaction<T extends DomainEventType = DomainEventType, C = unknown> {
  wants?(event: DomainEvent<T>): boolean
  handle(event: DomainEvent<T>, ctx: C): Promise<void>
  /**
   * Several events at once (they arrive in jobs of up to EVENTS_PER_JOB): the same as
   * `handle` on each in turn, with the reads they share done once. If it throws, the
   * events are handled one by one with `handle` (so a bad one is found and retried alone).
   */
  handleBatch?(events: DomainEvent<T>[], ctx: C): Promise<void>
}

/** A feature's reactions, by event type; `*` reacts to every event (a webhook forwards them all). */
export type Reactions<C = unknown> = { [T in DomainEventType]?: Reaction<T, C> } & { '*'?: Reaction<DomainEventType, C> }

/** An outbox row (`domain_events`) as an expander reads it. */
export interface OutboxRow {
  id: string
  type: string
  roomId: string | null
  communityId: string | null
  data: unknown
  createdAt: Date
}

/**
 * Turns outbox rows that each stand for events (a batch of sends, an edit read back) into
 * those events: one list per row, in the rows' order. It is given every row of its type in
 * a relay batch at once, so it reads them in a few statements, not a few per row (a relay
 * that read each row alone fell behind 1,000 messages a second in 500 rooms).
 */
export type Expander = (tx: Tx, rows: OutboxRow[]) => Promise<DomainEvent[][]>

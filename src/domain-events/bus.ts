import type { Database } from '../db/client'
import { writeOutbox } from '../db/outbox'
import { setAuditActor, type Tx } from '../db/tx'
import { newId } from '../lib/ids'
import type { Logger } from '../lib/log'
import type { DomainEvent, DomainEventInput, DomainEventType, Emit } from './types'

type Listener = (event: DomainEvent) => void

/**
 * Where changes commit with their domain events. `transaction` is the one unit of work
 * for a change that others react to: its changes are attributed to the actor in the
 * audit rows, the events it emits are written to the outbox in the same transaction (so a
 * process killed right after the commit loses none: the relay finds them), and after the
 * commit this process's listeners hear them at once (live pushes, which may be lost).
 */
export class DomainEvents {
  private readonly listeners = new Map<string, Set<Listener>>()
  private readonly relayedListeners = new Map<string, Set<Listener>>()
  private readonly committedListeners = new Set<() => void>()

  constructor(private readonly deps: { db: Database; log: Logger }) {}

  async transaction<T>(opts: { actorId?: string | null }, fn: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
    const pending: DomainEvent[] = []
    const at = new Date().toISOString()
    const emit: Emit = (input) => pending.push(toEvent(input, at, opts.actorId))
    const result = await this.deps.db.transaction(async (tx) => {
      await setAuditActor(tx, opts.actorId ?? null)
      const value = await fn(tx, emit)
      await writeOutbox(tx, pending)
      return value
    })
    if (pending.length) this.committed(pending)
    return result
  }

  /** Hears events of a type committed in this process (live, best effort: at most once). */
  on<T extends DomainEventType>(type: T, listener: (event: DomainEvent<T>) => void): () => void {
    let set = this.listeners.get(type)
    if (!set) this.listeners.set(type, (set = new Set()))
    set.add(listener as Listener)
    return () => set.delete(listener as Listener)
  }

  /**
   * Hears events of a type as the relay queues them: each event once across the cluster,
   * on the node that relayed it, wherever it was committed (a worker thread too). For
   * live pushes of what other processes commit: a push to a room or a user reaches every
   * node through the fan-out.
   */
  onRelayed<T extends DomainEventType>(type: T, listener: (event: DomainEvent<T>) => void): () => void {
    let set = this.relayedListeners.get(type)
    if (!set) this.relayedListeners.set(type, (set = new Set()))
    set.add(listener as Listener)
    return () => set.delete(listener as Listener)
  }

  /** Called by the relay with what it queued. */
  relayed(events: DomainEvent[]): void {
    this.tell(this.relayedListeners, events)
  }

  /** Hears that something reached the outbox (the relay wakes up for it). */
  onCommitted(listener: () => void): () => void {
    this.committedListeners.add(listener)
    return () => this.committedListeners.delete(listener)
  }

  /** Tells this process that events were committed elsewhere in it (e.g. by a room actor's statement). */
  committed(events: DomainEvent[] = []): void {
    this.tell(this.listeners, events)
    for (const listener of this.committedListeners) listener()
  }

  private tell(listeners: Map<string, Set<Listener>>, events: DomainEvent[]) {
    for (const event of events) {
      for (const listener of listeners.get(event.type) ?? []) {
        try {
          listener(event)
        } catch (err) {
          this.deps.log.error('a domain event listener failed', { type: event.type, error: err })
        }
      }
    }
  }
}

function toEvent(input: DomainEventInput, at: string, actorId: string | null | undefined): DomainEvent {
  return {
    ...input,
    id: input.id ?? newId(),
    at,
    ...(input.actorId ?? actorId ? { actorId: (input.actorId ?? actorId)! } : {}),
  }
}

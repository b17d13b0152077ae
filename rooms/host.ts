import { RoomActor } from './actor'
import { CommitPipeline } from './commit-pipeline'
import { RoomClosedError } from './errors'
import { RoomHistory, type HistoryQuery } from './history'
import { RoomStore } from './store'
import type { CommandResult, Message, RoomCommand, RoomEvent, RoomListener, RoomResources } from './types'
import { validateCommand } from './validate'

export interface RoomHostOptions {
  /** Evict an actor idle this long; default `config.roomIdleSeconds`. */
  idleMs?: number
  /** Events kept per room for resuming subscribers. */
  bufferSize?: number
  /** Most sends of one room in one group commit. */
  maxBatch?: number
  /** Group-commit transactions in flight at once (across rooms); default 2. */
  commitsInFlight?: number
  /** Send batches of one room in flight at once, each planned behind the one before; default 2. */
  batchesInFlight?: number
  /** Fewest sends a batch needs to go behind one still in flight; default 32. */
  minPipelinedSends?: number
}

/**
 * Owns the room actors of this node: creates them on demand (taking ownership in
 * Postgres), evicts idle ones, rebuilds them when a room is used again. Subscriptions
 * live here, not in the actor, so they survive eviction.
 */
export class RoomHost {
  readonly store: RoomStore
  readonly pipeline: CommitPipeline
  readonly reader: RoomHistory
  private readonly actors = new Map<string, RoomActor>()
  private readonly activating = new Map<string, Promise<RoomActor>>()
  private readonly listeners = new Map<string, Set<RoomListener>>()
  private readonly taps = new Set<RoomListener>()
  private readonly idleMs: number
  private readonly sweeper: ReturnType<typeof setInterval>
  private stopping = false
  /** Actors created (first activations and rebuilds) and evicted, for operators and tests. */
  readonly stats = { activations: 0, evictions: 0 }

  constructor(
    private readonly resources: RoomResources,
    private readonly options: RoomHostOptions = {},
  ) {
    this.store = new RoomStore(resources)
    this.pipeline = new CommitPipeline({ store: this.store }, { maxInFlight: options.commitsInFlight })
    this.reader = new RoomHistory(resources)
    this.idleMs = options.idleMs ?? resources.config.roomIdleSeconds * 1000
    this.sweeper = setInterval(() => this.evictIdle(), Math.max(10, Math.min(this.idleMs / 2, 30_000)))
    this.sweeper.unref?.()
  }

  /** Runs a command on the room's actor; resolves once it is committed. */
  async send<C extends RoomCommand>(command: C): Promise<CommandResult<C>> {
    validateCommand(command)
    for (let attempt = 0; ; attempt++) {
      const actor = await this.actorFor(command.roomId)
      try {
        return await actor.enqueue(command)
      } catch (err) {
        // Evicted between lookup and enqueue: the next actor takes it. Never retry a fenced room here.
        if (!(err instanceof RoomClosedError) || this.stopping || attempt > 0) throw err
      }
    }
  }

  subscribe({ roomId, listener }: { roomId: string; listener: RoomListener }): () => void {
    const set = this.listeners.get(roomId) ?? new Set()
    set.add(listener)
    this.listeners.set(roomId, set)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.listeners.get(roomId) === set) this.listeners.delete(roomId)
    }
  }

  /** Every event of every room this host commits (a cluster router forwards them to the room's channel). */
  tap(listener: RoomListener): () => void {
    this.taps.add(listener)
    return () => this.taps.delete(listener)
  }

  /**
   * Lets a room go to another node: its actor takes no more commands and finishes the
   * queued ones (the new owner's higher epoch fences any that come too late).
   */
  async release({ roomId }: { roomId: string }): Promise<void> {
    const actor = this.actors.get(roomId)
    if (!actor) return
    this.actors.delete(roomId)
    await actor.close()
  }

  /** What a subscriber that last saw `sinceSeq` missed: from the live actor's buffer when it reaches back, else Postgres. */
  async eventsSince({ roomId, sinceSeq }: { roomId: string; sinceSeq: number }): Promise<RoomEvent[]> {
    const fromMemory = this.actors.get(roomId)?.eventsSince({ sinceSeq })
    return fromMemory ?? this.reader.eventsSince({ roomId, sinceSeq })
  }

  history(query: HistoryQuery): Promise<Message[]> {
    return this.reader.history(query)
  }

  /** The live actor of a room, if this node has one. */
  actor({ roomId }: { roomId: string }): RoomActor | undefined {
    return this.actors.get(roomId)
  }

  activeRooms(): string[] {
    return [...this.actors.keys()]
  }

  /** Evicts actors idle for `idleMs`; returns how many. Runs on a timer too. */
  evictIdle({ now = Date.now() }: { now?: number } = {}): number {
    let evicted = 0
    for (const [roomId, actor] of this.actors) {
      if (actor.isIdle && now - actor.lastActiveAt >= this.idleMs) {
        this.actors.delete(roomId)
        void actor.close()
        evicted++
      }
    }
    this.stats.evictions += evicted
    return evicted
  }

  /** Stops taking commands, lets every mailbox finish, and forgets the actors. */
  async stop(): Promise<void> {
    this.stopping = true
    clearInterval(this.sweeper)
    await Promise.allSettled([...this.activating.values()])
    const actors = [...this.actors.values()]
    this.actors.clear()
    await Promise.all(actors.map((a) => a.close()))
  }

  private actorFor(roomId: string): Promise<RoomActor> {
    if (this.stopping) return Promise.reject(new RoomClosedError(roomId))
    const live = this.actors.get(roomId)
    if (live && !live.isClosed) return Promise.resolve(live)
    const pending = this.activating.get(roomId)
    if (pending) return pending
    const activation = RoomActor.activate(this.resources, {
      roomId,
      store: this.store,
      pipeline: this.pipeline,
      publish: (event) => this.publish(event),
      onRetired: (actor) => {
        if (this.actors.get(roomId) === actor) this.actors.delete(roomId)
      },
      bufferSize: this.options.bufferSize,
      maxBatch: this.options.maxBatch,
      batchesInFlight: this.options.batchesInFlight,
      minPipelinedSends: this.options.minPipelinedSends,
    })
      .then((actor) => {
        this.stats.activations++
        this.actors.set(roomId, actor)
        return actor
      })
      .finally(() => this.activating.delete(roomId))
    this.activating.set(roomId, activation)
    return activation
  }

  private publish(event: RoomEvent) {
    for (const tap of this.taps) {
      try {
        tap(event)
      } catch (err) {
        this.resources.log.error('room tap threw', { roomId: event.roomId, type: event.type, err })
      }
    }
    const set = this.listeners.get(event.roomId)
    if (!set) return
    for (const listener of [...set]) {
      try {
        listener(event)
      } catch (err) {
        this.resources.log.error('room listener threw', { roomId: event.roomId, type: event.type, err })
      }
    }
  }
}

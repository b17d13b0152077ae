import type { AppError } from '../src/lib/errors'
import { DependencyDownError } from '../src/lib/errors'
import { isDatabaseDown } from '../src/lib/pg-errors'
import { OutOfOrderError, RoomClosedError, StaleEpochError } from './errors'
import { EventBuffer } from './event-buffer'
import type { CommitPipeline } from './commit-pipeline'
import type { BatchResult } from './send-commit'
import type { RoomStore } from './store'
import type { CommandResult, RoomCommand, RoomEvent, RoomEventType, RoomResources, SendCommand } from './types'

interface Job<C extends RoomCommand = RoomCommand> {
  command: C
  resolve(result: unknown): void
  reject(err: unknown): void
}

/** A send batch handed to the pipeline and not yet settled. */
interface InFlight {
  jobs: Job<SendCommand>[]
  /** The seq the current attempt continues from. */
  afterSeq: number
  /** The seq the current attempt plans to end at, once planned. */
  plannedSeq?: number
  /** The current attempt was made once every earlier batch had settled (its afterSeq is the committed one). */
  afterEarlier: boolean
  result: Promise<BatchResult>
}

export interface RoomActorInit {
  roomId: string
  store: RoomStore
  /** Where send batches are group-committed (shared by the actors of a host). */
  pipeline: CommitPipeline
  /** Called after every commit, in seq order. */
  publish(event: RoomEvent): void
  /** Called once when the actor stops for good (fenced off, or unsure of its last seq). */
  onRetired?(actor: RoomActor): void
  bufferSize?: number
  maxBatch?: number
  /** Send batches of this room in the pipeline at once, each planned behind the one before (1: wait for each commit). */
  batchesInFlight?: number
  /**
   * A batch goes behind one still in flight only with at least this many sends (default
   * 32): a hot room's backlog commits while the batch before it is in flight, but rooms
   * with a few sends at a time keep joining one statement each (smaller batches cost
   * more CPU per message, and a busy node's group commit across rooms needs them whole).
   */
  minPipelinedSends?: number
}

/**
 * The single writer of one room. Commands wait in a mailbox and run in order;
 * consecutive sends are group-committed (one statement per batch). A hot room does not
 * wait for a commit to come back before the next batch goes: once a batch is planned
 * (its seqs chosen), the next is planned behind it and handed to the pipeline, and the
 * compare-and-set on the room's last seq lets it commit only right after it. Batches
 * settle in order, so acks and events go out in seq order; a batch whose predecessor did
 * not commit as planned wrote nothing and is planned again. An ack means the message is
 * in Postgres.
 */
export class RoomActor {
  readonly roomId: string
  /** The ownership epoch this actor holds; commits fail once room_state has a higher one. */
  readonly epoch: number
  lastSeq: number
  lastActiveAt = Date.now()
  readonly stats = { batches: 0, sends: 0, largestBatch: 0, replanned: 0 }

  private readonly queue: Job[] = []
  /** Send batches in the pipeline, oldest first; they settle in this order. */
  private readonly inFlight: InFlight[] = []
  private settling: Promise<void> | undefined
  /** A batch is being planned again: no new batch goes until every earlier one has settled. */
  private replanning = false
  private readonly buffer: EventBuffer
  /** A non-send command is running, or a batch is being planned. */
  private busy = false
  /** The next look at the mailbox is due on the next tick (so a tick's sends form one batch). */
  private scheduled = false
  private closed: AppError | undefined
  private drained: (() => void)[] = []

  /** Takes ownership of the room in Postgres (a new epoch) and loads its last seq. */
  static async activate(resources: RoomResources, init: RoomActorInit): Promise<RoomActor> {
    const { epoch, lastSeq } = await init.store.activate({ roomId: init.roomId })
    return new RoomActor(resources, { ...init, epoch, lastSeq })
  }

  constructor(
    private readonly resources: RoomResources,
    private readonly init: RoomActorInit & { epoch: number; lastSeq: number },
  ) {
    this.roomId = init.roomId
    this.epoch = init.epoch
    this.lastSeq = init.lastSeq
    this.buffer = new EventBuffer(init.bufferSize ?? 500, init.lastSeq)
  }

  get isClosed(): boolean {
    return this.closed !== undefined
  }

  /** Nothing queued, running or in flight. */
  get isIdle(): boolean {
    return !this.busy && !this.scheduled && this.queue.length === 0 && this.inFlight.length === 0
  }

  enqueue<C extends RoomCommand>(command: C): Promise<CommandResult<C>> {
    if (this.closed) return Promise.reject(this.closed)
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve: resolve as (r: unknown) => void, reject })
      this.lastActiveAt = Date.now()
      // Let the rest of this tick's commands join the first batch.
      this.schedule()
    })
  }

  /** Events after `sinceSeq` from memory, or undefined when the buffer does not reach back that far. */
  eventsSince({ sinceSeq }: { sinceSeq: number }): RoomEvent[] | undefined {
    return this.buffer.since(sinceSeq)
  }

  /** Stops taking commands and waits for the queued ones to finish. */
  async close(): Promise<void> {
    this.closed ??= new RoomClosedError(this.roomId)
    if (this.isIdle) return
    await new Promise<void>((resolve) => this.drained.push(resolve))
  }

  private schedule() {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.pump()
    })
  }

  /**
   * Starts the next command if it may start now: a non-send once every batch in flight
   * has settled, a send batch while fewer than `batchesInFlight` are in flight and the
   * last one knows where it ends. Called whenever one of those changes.
   */
  private pump() {
    if (this.busy || this.queue.length === 0) return this.checkIdle()
    if (this.queue[0]!.command.type !== 'send') {
      // Edits, deletes and reactions see every earlier send committed (and atSeq right).
      if (this.inFlight.length > 0) return
      this.busy = true
      void this.runOne(this.queue.shift()!).finally(() => {
        this.busy = false
        this.pump()
      })
      return
    }
    const tail = this.inFlight.at(-1)
    const depth = Math.max(1, this.init.batchesInFlight ?? 2)
    if (this.inFlight.length >= depth || (tail && (this.replanning || tail.plannedSeq === undefined))) return
    if (tail && this.queue.length < (this.init.minPipelinedSends ?? 32)) return
    const max = this.init.maxBatch ?? 500
    let n = 1
    while (n < this.queue.length && n < max && this.queue[n]!.command.type === 'send') n++
    this.busy = true
    void this.submit(this.queue.splice(0, n) as Job<SendCommand>[], tail?.plannedSeq ?? this.lastSeq).then(() => {
      this.busy = false
      this.schedule()
    })
  }

  private checkIdle() {
    if (!this.isIdle) return
    this.lastActiveAt = Date.now()
    for (const resolve of this.drained.splice(0)) resolve()
  }

  /** Hands a batch to the pipeline; resolves once it is planned (or settled, if it failed before). */
  private submit(jobs: Job<SendCommand>[], afterSeq: number): Promise<void> {
    this.stats.batches++
    this.stats.sends += jobs.length
    this.stats.largestBatch = Math.max(this.stats.largestBatch, jobs.length)
    const slot: InFlight = { jobs, afterSeq, afterEarlier: this.inFlight.length === 0, result: undefined! }
    this.inFlight.push(slot)
    const planned = this.attempt(slot)
    this.settling ??= this.settleInOrder()
    return planned
  }

  private attempt(slot: InFlight): Promise<void> {
    slot.plannedSeq = undefined
    return new Promise<void>((resolve) => {
      slot.result = this.init.pipeline.commit(
        { roomId: this.roomId, epoch: this.epoch, lastSeq: slot.afterSeq, sends: slot.jobs.map((j) => j.command) },
        {
          onPlanned: (lastSeq) => {
            slot.plannedSeq ??= lastSeq
            resolve()
          },
        },
      )
      slot.result.then(() => resolve(), () => resolve())
    })
  }

  /**
   * Settles the batches in flight in the order they were handed in: acks and events in
   * seq order. A batch that was out of order (an earlier one did not commit as planned)
   * is planned again from the seq that did commit; if it was already planned from there,
   * this actor no longer knows its room's last seq and retires.
   */
  private async settleInOrder() {
    while (this.inFlight.length > 0) {
      const slot = this.inFlight[0]!
      let result: BatchResult | undefined
      let error: unknown
      try {
        result = await slot.result
      } catch (err) {
        error = err
      }
      if (slot !== this.inFlight[0]) continue // retired meanwhile: its jobs were refused
      if (error instanceof OutOfOrderError && !slot.afterEarlier) {
        this.stats.replanned++
        this.replanning = true
        slot.afterSeq = this.lastSeq
        slot.afterEarlier = true
        void this.attempt(slot)
        continue
      }
      this.inFlight.shift()
      if (this.inFlight.length === 0) this.replanning = false
      if (error !== undefined) {
        const failure = this.failure(error)
        for (const job of slot.jobs) job.reject(failure)
      } else this.deliver(slot.jobs, result!, slot.afterSeq)
      this.pump()
    }
    this.replanning = false
    this.settling = undefined
  }

  private deliver(jobs: Job<SendCommand>[], { outcomes, lastSeq }: BatchResult, afterSeq: number) {
    // A batch that wrote nothing did not move the room (its afterSeq may have been a plan that failed).
    if (lastSeq !== afterSeq) this.lastSeq = lastSeq
    for (const o of outcomes) {
      if ('ack' in o && o.message) this.emit('message.created', { message: o.message }, o.message.seq)
    }
    // A send that failed because the room was fenced off or Postgres went away retires the actor, as a whole batch would.
    outcomes.forEach((o, i) => ('ack' in o ? jobs[i]!.resolve(o.ack) : jobs[i]!.reject(this.failure(o.error))))
  }

  private async runOne(job: Job) {
    const { store } = this.init
    const fence = { roomId: this.roomId, epoch: this.epoch }
    const c = job.command
    try {
      switch (c.type) {
        case 'edit': {
          const message = await store.edit({ ...fence, messageId: c.messageId, body: c.body, mentions: c.mentions, mentionEveryone: c.mentionEveryone })
          this.emit('message.updated', { message, editedBy: c.actorId })
          return job.resolve(message)
        }
        case 'delete': {
          const tombstone = await store.delete({ ...fence, messageId: c.messageId })
          if (tombstone) this.emit('message.deleted', { messageId: c.messageId, seq: tombstone.seq })
          return job.resolve({ messageId: c.messageId })
        }
        case 'react': {
          const result = await store.react({ ...fence, messageId: c.messageId, userId: c.userId, emoji: c.emoji, on: c.on })
          if (result.changed) {
            const data = { messageId: c.messageId, userId: c.userId, emoji: c.emoji, count: result.count }
            this.emit(c.on ? 'reaction.added' : 'reaction.removed', data)
          }
          return job.resolve(result)
        }
        default:
          throw new Error(`unexpected command ${c.type}`)
      }
    } catch (err) {
      job.reject(this.failure(err))
    }
  }

  private emit(type: RoomEventType, data: Record<string, unknown>, seq?: number) {
    const event: RoomEvent = { type, roomId: this.roomId, atSeq: seq ?? this.lastSeq, data }
    if (seq !== undefined) event.seq = seq
    this.buffer.push(event)
    try {
      this.init.publish(event)
    } catch (err) {
      this.resources.log.error('room event listener failed', { roomId: this.roomId, err })
    }
  }

  /**
   * Maps a commit failure to what the caller sees. A stale epoch, or an outage that may
   * have hidden whether the commit landed, retires the actor: its queue is refused and
   * the next command rebuilds the room from Postgres (nonces make the retries safe).
   */
  private failure(err: unknown): unknown {
    if (err instanceof StaleEpochError) return this.retire(err, 'fenced off by a newer owner')
    if (err instanceof OutOfOrderError) return this.retire(err, 'its room is not at the seq it committed last')
    if (isDatabaseDown(err)) return this.retire(new DependencyDownError('postgres', err), 'lost Postgres mid-commit')
    return err
  }

  private retire(err: AppError, why: string): AppError {
    if (this.closed) return err
    this.closed = err
    this.resources.log.warn(`room actor retired: ${why}`, { roomId: this.roomId, epoch: this.epoch })
    for (const job of this.queue.splice(0)) job.reject(err)
    // Batches still in flight cannot commit past the one that failed (compare-and-set); refuse them too.
    for (const slot of this.inFlight.splice(0)) for (const job of slot.jobs) job.reject(err)
    this.init.onRetired?.(this)
    return err
  }
}

import type { AppError } from '../src/lib/errors'
import { DependencyDownError } from '../src/lib/errors'
import { isDatabaseDown } from '../src/lib/pg-errors'
import { RoomClosedError, StaleEpochError } from './errors'
import { EventBuffer } from './event-buffer'
import type { CommitPipeline } from './commit-pipeline'
import type { RoomStore } from './store'
import type { CommandResult, RoomCommand, RoomEvent, RoomEventType, RoomResources, SendCommand } from './types'

interface Job<C extends RoomCommand = RoomCommand> {
  command: C
  resolve(result: unknown): void
  reject(err: unknown): void
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
}

/**
 * The single writer of one room. Commands wait in a mailbox and run one at a time;
 * consecutive sends are group-committed (one transaction per batch). An ack means the
 * message is in Postgres.
 */
export class RoomActor {
  readonly roomId: string
  /** The ownership epoch this actor holds; commits fail once room_state has a higher one. */
  readonly epoch: number
  lastSeq: number
  lastActiveAt = Date.now()
  readonly stats = { batches: 0, sends: 0, largestBatch: 0 }

  private readonly queue: Job[] = []
  private readonly buffer: EventBuffer
  private running = false
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

  /** Nothing queued or running. */
  get isIdle(): boolean {
    return !this.running && this.queue.length === 0
  }

  enqueue<C extends RoomCommand>(command: C): Promise<CommandResult<C>> {
    if (this.closed) return Promise.reject(this.closed)
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve: resolve as (r: unknown) => void, reject })
      this.lastActiveAt = Date.now()
      if (!this.running) {
        this.running = true
        // Let the rest of this tick's commands join the first batch.
        setImmediate(() => void this.drain())
      }
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

  private async drain() {
    const max = this.init.maxBatch ?? 500
    while (this.queue.length > 0) {
      if (this.queue[0]!.command.type === 'send') {
        let n = 1
        while (n < this.queue.length && n < max && this.queue[n]!.command.type === 'send') n++
        await this.runSends(this.queue.splice(0, n) as Job<SendCommand>[])
      } else {
        await this.runOne(this.queue.shift()!)
      }
    }
    this.running = false
    this.lastActiveAt = Date.now()
    for (const resolve of this.drained.splice(0)) resolve()
  }

  private async runSends(batch: Job<SendCommand>[]) {
    this.stats.batches++
    this.stats.sends += batch.length
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length)
    try {
      const { outcomes, lastSeq } = await this.init.pipeline.commit({
        roomId: this.roomId,
        epoch: this.epoch,
        lastSeq: this.lastSeq,
        sends: batch.map((j) => j.command),
      })
      this.lastSeq = lastSeq
      for (const o of outcomes) {
        if ('ack' in o && o.message) this.emit('message.created', { message: o.message }, o.message.seq)
      }
      // A send that failed because the room was fenced off or Postgres went away retires the actor, as a whole batch would.
      outcomes.forEach((o, i) => ('ack' in o ? batch[i]!.resolve(o.ack) : batch[i]!.reject(this.failure(o.error))))
    } catch (err) {
      const failure = this.failure(err)
      for (const job of batch) job.reject(failure)
    }
  }

  private async runOne(job: Job) {
    const { store } = this.init
    const fence = { roomId: this.roomId, epoch: this.epoch }
    const c = job.command
    try {
      switch (c.type) {
        case 'edit': {
          const message = await store.edit({ ...fence, messageId: c.messageId, body: c.body })
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
    if (isDatabaseDown(err)) return this.retire(new DependencyDownError('postgres', err), 'lost Postgres mid-commit')
    return err
  }

  private retire(err: AppError, why: string): AppError {
    if (this.closed) return err
    this.closed = err
    this.resources.log.warn(`room actor retired: ${why}`, { roomId: this.roomId, epoch: this.epoch })
    for (const job of this.queue.splice(0)) job.reject(err)
    this.init.onRetired?.(this)
    return err
  }
}

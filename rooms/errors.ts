import { AppError } from '../src/lib/errors'

/** Another node took ownership of the room (a higher epoch); this actor may not commit. */
export class StaleEpochError extends AppError {
  readonly roomId: string
  readonly epoch: number
  constructor(roomId: string, epoch: number) {
    super('conflict', `room ${roomId} has a newer owner than epoch ${epoch}; retry the command`, {
      details: { roomId, epoch, reason: 'stale_epoch' },
    })
    this.roomId = roomId
    this.epoch = epoch
  }
}

/** The actor is shutting down or was evicted; the command did not run and can be retried. */
export class RoomClosedError extends AppError {
  constructor(roomId: string) {
    super('dependency_unavailable', `room ${roomId} is moving; retry the command`, { retryAfter: 1 })
  }
}

/**
 * A batch continued from a seq the room had not reached: an earlier batch of the same
 * actor did not commit as planned (or not yet). It wrote nothing; the actor plans it
 * again from the seq that did commit.
 */
export class OutOfOrderError extends AppError {
  readonly roomId: string
  readonly afterSeq: number
  constructor(roomId: string, afterSeq: number) {
    super('conflict', `room ${roomId} is not at seq ${afterSeq}; retry the command`, {
      details: { roomId, reason: 'out_of_order' },
    })
    this.roomId = roomId
    this.afterSeq = afterSeq
  }
}

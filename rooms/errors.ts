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

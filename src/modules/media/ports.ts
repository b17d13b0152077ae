/** Live pushes to a user's open sockets: the fan-out in an API process, the user channel in a worker thread. */
export interface LivePort {
  toUser(userId: string, event: { type: string; data: unknown }): void | Promise<void>
}

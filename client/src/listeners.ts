/** A set of listeners: `add(listener) -> unsubscribe`; one that throws does not stop the others. */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>()

  add(listener: (...args: A) => void): () => void {
    this.set.add(listener)
    return () => void this.set.delete(listener)
  }

  emit(...args: A): void {
    for (const listener of [...this.set]) {
      try {
        listener(...args)
      } catch (err) {
        // A listener's bug is the app's; it must not break the session's bookkeeping.
        queueMicrotask(() => {
          throw err
        })
      }
    }
  }

  get size(): number {
    return this.set.size
  }
}

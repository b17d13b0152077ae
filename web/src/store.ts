import { useEffect, useReducer } from 'preact/hooks'

/** A value that components can watch: `useStore(store)` re-renders them when it changes. */
export class Store<T> {
  private readonly listeners = new Set<() => void>()

  constructor(private value: T) {}

  get(): T {
    return this.value
  }

  set(next: T | ((previous: T) => T)): void {
    const value = typeof next === 'function' ? (next as (previous: T) => T)(this.value) : next
    if (Object.is(value, this.value)) return
    this.value = value
    for (const listener of [...this.listeners]) listener()
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

export function useStore<T>(store: Store<T>): T {
  const [, rerender] = useReducer((n: number, _: void) => n + 1, 0)
  useEffect(() => store.subscribe(() => rerender()), [store])
  return store.get()
}

import { afterAll, beforeAll, describe, expect, spyOn, test } from 'bun:test'
import { TimeoutError, withTimeout } from '../../src/lib/timeout'

// The timers started, and those cleared, while this file runs (the spies are put back after
// it: the whole suite runs in one process, and its other timers start and clear meanwhile).
const started: unknown[] = []
const cleared = new Set<unknown>()
const realSet = globalThis.setTimeout
const realClear = globalThis.clearTimeout
let spies: { mockRestore(): void }[] = []
beforeAll(() => {
  spies = [
    spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const timer = realSet(fn, ms)
      started.push(timer)
      return timer
    }) as typeof setTimeout),
    spyOn(globalThis, 'clearTimeout').mockImplementation(((timer: ReturnType<typeof setTimeout>) => {
      cleared.add(timer)
      realClear(timer)
    }) as typeof clearTimeout),
  ]
})
afterAll(() => {
  for (const spy of spies) spy.mockRestore()
})

/** Runs `start` (which calls withTimeout), and says whether the timer withTimeout started then was cleared once it settled. */
async function timerOf<T>(start: () => Promise<T>): Promise<{ outcome: T | unknown; cleared: boolean }> {
  const from = started.length
  const pending = start() // withTimeout starts its timer before it returns
  const timer = started[from]
  const outcome = await pending.catch((e: unknown) => e)
  return { outcome, cleared: timer !== undefined && cleared.has(timer) }
}

describe('withTimeout', () => {
  test('answers what the work answers in time, and clears its timer', async () => {
    expect(await timerOf(() => withTimeout(Promise.resolve(42), 1000))).toEqual({ outcome: 42, cleared: true })
  })

  test('fails as the work fails in time (not with a timeout), and clears its timer', async () => {
    const failure = new Error('refused')
    const { outcome, cleared: wasCleared } = await timerOf(() => withTimeout(Promise.reject(failure), 1000))
    expect(outcome).toBe(failure)
    expect(wasCleared).toBe(true)
  })

  test('work that takes too long: a TimeoutError with the message given, abort told, and the timer cleared', async () => {
    const abort = new AbortController()
    const slow = Bun.sleep(200).then(() => 'late')
    const { outcome: err, cleared: wasCleared } = await timerOf(() => withTimeout(slow, 10, { abort, message: 'took too long' }))
    expect(err).toBeInstanceOf(TimeoutError)
    expect((err as Error).message).toBe('took too long')
    expect(abort.signal.aborted).toBe(true)
    expect(wasCleared).toBe(true)
  })

  test('work that fails after its timeout is not an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const listen = (e: unknown) => unhandled.push(e)
    process.on('unhandledRejection', listen)
    try {
      const late = Bun.sleep(30).then(() => Promise.reject(new Error('late failure')))
      await expect(withTimeout(late, 5)).rejects.toBeInstanceOf(TimeoutError)
      await Bun.sleep(60)
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', listen)
    }
  })
})

import { afterEach, describe, expect, spyOn, test } from 'bun:test'
import { TimeoutError, withTimeout } from '../../src/lib/timeout'

// Every timer withTimeout starts, and whether it was cleared.
const started: unknown[] = []
const cleared = new Set<unknown>()
const realSet = globalThis.setTimeout
const realClear = globalThis.clearTimeout
spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
  const timer = realSet(fn, ms)
  started.push(timer)
  return timer
}) as typeof setTimeout)
spyOn(globalThis, 'clearTimeout').mockImplementation(((timer: ReturnType<typeof setTimeout>) => {
  cleared.add(timer)
  realClear(timer)
}) as typeof clearTimeout)

afterEach(() => {
  started.length = 0
  cleared.clear()
})

const lastTimerCleared = () => cleared.has(started.at(-1))

describe('withTimeout', () => {
  test('answers what the work answers in time, and clears its timer', async () => {
    expect(await withTimeout(Promise.resolve(42), 1000)).toBe(42)
    expect(lastTimerCleared()).toBe(true)
  })

  test('fails as the work fails in time (not with a timeout), and clears its timer', async () => {
    const failure = new Error('refused')
    await expect(withTimeout(Promise.reject(failure), 1000)).rejects.toBe(failure)
    expect(lastTimerCleared()).toBe(true)
  })

  test('work that takes too long: a TimeoutError with the message given, abort told, and the timer cleared', async () => {
    const abort = new AbortController()
    const slow = Bun.sleep(200).then(() => 'late')
    const err = await withTimeout(slow, 10, { abort, message: 'took too long' }).catch((e) => e)
    expect(err).toBeInstanceOf(TimeoutError)
    expect(err.message).toBe('took too long')
    expect(abort.signal.aborted).toBe(true)
    expect(lastTimerCleared()).toBe(true)
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

// Small pieces every load shape uses: pacing, waiting, unique nonces, subscribing in batches.
import type { Connection } from './clients'
import { sleep } from './stats'

const processTag = Math.random().toString(36).slice(2, 8)
let runTag = processTag
let nonceCounter = 0
export const nonce = () => `${runTag}-${nonceCounter++}`
export const setRunTag = (prefix: string) => {
  runTag = `${prefix}${processTag}`
}

/** Calls `fire` `rate` times a second for `seconds`, catching up after a late timer. */
export async function pace(rate: number, seconds: number, fire: (i: number) => void) {
  const start = performance.now()
  const total = Math.round(rate * seconds)
  let sent = 0
  while (sent < total) {
    const due = Math.min(total, Math.floor((rate * (performance.now() - start)) / 1000))
    while (sent < due) fire(sent++)
    await sleep(1)
  }
  return sent
}

export async function waitFor(done: () => boolean, timeoutMs: number) {
  const until = performance.now() + timeoutMs
  while (!done() && performance.now() < until) await sleep(20)
}

export async function subscribeAll(conns: Connection[], roomOf: (i: number) => string, batch = 500) {
  for (let start = 0; start < conns.length; start += batch) {
    await Promise.all(conns.slice(start, start + batch).map((c, k) => c.subscribe(roomOf(start + k))))
  }
}

export const log = (line: string) => process.stderr.write(`  [loadgen] ${line}\n`)

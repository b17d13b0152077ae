/** Polls `probe` until it returns something truthy; throws with `what` after `ms`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value) return value
    } catch (err) {
      last = err
    }
    await Bun.sleep(25)
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`)
}

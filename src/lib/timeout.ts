/** The work given to `withTimeout` did not settle within its time. */
export class TimeoutError extends Error {
  override name = 'TimeoutError'
}

/**
 * The work's outcome, or a `TimeoutError` (with `message`) once `ms` have passed. The timer
 * is cleared whichever way it ends, so a wait that finished early holds no timer (a health
 * probe every second would otherwise leave one behind each time). Work that cannot be
 * stopped (sharp, a DNS lookup) goes on after a timeout: `abort` is aborted first, to tell
 * it to write nothing more.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, opts: { message?: string; abort?: AbortController } = {}): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      opts.abort?.abort()
      reject(new TimeoutError(opts.message ?? `timed out after ${ms} ms`))
    }, ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

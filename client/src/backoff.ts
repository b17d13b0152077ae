export interface BackoffOptions {
  /** First ceiling, in ms: attempt n waits random(0, min(capMs, baseMs * 2^n)). */
  baseMs: number
  capMs: number
  random?: () => number
}

/**
 * Full-jitter exponential backoff (the AWS architecture blog's "full jitter"): each wait is
 * uniform between 0 and the capped exponential ceiling, so a crowd of clients that lost the
 * same server spreads its reconnects instead of arriving in waves.
 */
export class Backoff {
  private attempt = 0

  constructor(private readonly opts: BackoffOptions) {}

  /** The ceiling of the next wait. */
  get ceiling(): number {
    return Math.min(this.opts.capMs, this.opts.baseMs * 2 ** this.attempt)
  }

  get attempts(): number {
    return this.attempt
  }

  /** The next wait: uniform in [0, ceiling]; each call raises the ceiling until the cap. */
  next(): number {
    const delay = Math.round((this.opts.random ?? Math.random)() * this.ceiling)
    if (this.ceiling < this.opts.capMs) this.attempt++
    return delay
  }

  reset(): void {
    this.attempt = 0
  }
}

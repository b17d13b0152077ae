import type { Logger } from '../lib/log'

const STORM_QUIET_MS = 2000

/**
 * After a storm of opens (a deploy, a failover: clients reconnect at once), one full
 * collection once no socket was set up for STORM_QUIET_MS. Each open leaves garbage that
 * outlives the young generation (a token check, queries awaited), and JSC starts a full
 * collection only as the heap grows again, so an idle node would otherwise keep about
 * twice the memory its sockets need (scripts/bench scenario 3, 2026-11-28: 24 KB per socket
 * when the collection came while the storm's setups were still running, 13.6 when it came
 * after the last one; scripts/bench/limits.md).
 */
export class StormCollector {
  private opens = 0
  private lastOpenAt = 0

  constructor(private readonly res: { threshold: number; log: Logger }) {}

  /** A socket was set up (authenticated, its topics and presence written). */
  opened() {
    this.opens++
    this.lastOpenAt = Date.now()
  }

  /** Called on a timer: collects when a storm has passed. */
  tick(sockets: number) {
    const { threshold } = this.res
    if (threshold === 0 || this.opens < threshold || Date.now() - this.lastOpenAt < STORM_QUIET_MS) return
    this.opens = 0
    const started = performance.now()
    Bun.gc(true)
    this.res.log.info('collected garbage after a storm of socket opens', { sockets, pauseMs: Math.round(performance.now() - started) })
  }
}

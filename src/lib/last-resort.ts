import type { Logger } from './log'
import type { Metrics } from './metrics'

/**
 * What the process does with an error nothing else caught: an unhandled rejection or an
 * exception thrown from a callback is logged (once, with its stack) and counted in
 * /metrics, and the process keeps running. Exiting would drop every socket and every
 * in-flight request on the node for one failed operation — exactly what an attacker who
 * found such a path wants — while what must survive a failure already does: an ack means
 * committed, actors are rebuilt from Postgres, jobs are retried. A failure that leaves the
 * node unable to serve shows in /ready and in the error counter, and the platform restarts it.
 */
export function installLastResort(opts: { log: Logger; metrics?: Metrics }): () => void {
  const onRejection = (reason: unknown) => {
    opts.log.error('unhandled rejection (the process keeps running)', { error: reason })
    opts.metrics?.errors.inc({ where: 'unhandled_rejection' })
  }
  const onException = (err: unknown) => {
    opts.log.error('uncaught exception (the process keeps running)', { error: err })
    opts.metrics?.errors.inc({ where: 'uncaught_exception' })
  }
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  return () => {
    process.off('unhandledRejection', onRejection)
    process.off('uncaughtException', onException)
  }
}

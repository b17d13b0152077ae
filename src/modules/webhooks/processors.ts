import type { JobContext, Processor } from '../../jobs/processors'
import { permissionsFor } from '../permissions/service'
import { pruneDeliveries } from './deliveries'
import { DeliveryDispatcher, type AttemptJob } from './dispatcher'
import { canViewWith } from './places'
import { resolverFor, type Resolver } from './target'

/** One resolver per list of DNS servers, per thread. */
const resolvers = new Map<string, Resolver>()
function resolverOf(servers: string[]): Resolver {
  const key = servers.join(',')
  let resolver = resolvers.get(key)
  if (!resolver) resolvers.set(key, (resolver = resolverFor(servers)))
  return resolver
}

const dispatcherFor = (ctx: JobContext) =>
  new DeliveryDispatcher({
    db: ctx.db,
    redis: ctx.redis,
    log: ctx.log,
    jobs: ctx.jobs,
    config: ctx.config.webhooks,
    resolve: resolverOf(ctx.config.webhooks.dnsServers),
    canView: canViewWith(permissionsFor(ctx)),
  })

/** Finished deliveries are kept this many days unless the job says otherwise. */
export const PRUNE_AFTER_DAYS = 30

/**
 * The `webhooks` queue, run in the worker threads:
 * - `deliver` {deliveryId, attempt}: one attempt of an outgoing delivery (it schedules the next itself);
 * - `resume-overdue`: re-queues attempts a crash left without a job (every 5 minutes, see the feature's start);
 * - `prune` {days?}: deletes finished deliveries older than `days` (daily).
 */
export const webhookProcessors: Record<string, Processor> = {
  deliver: (data: AttemptJob, ctx) => dispatcherFor(ctx).attempt(data),
  'resume-overdue': (_data, ctx) => dispatcherFor(ctx).resumeOverdue(),
  prune: (data: { days?: number } | undefined, ctx) =>
    pruneDeliveries(ctx.db, new Date(Date.now() - (data?.days ?? PRUNE_AFTER_DAYS) * 86_400_000)),
}

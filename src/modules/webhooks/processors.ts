import type { WebhooksConfig } from '../../config'
import type { Database } from '../../db/client'
import type { ProcessorTable } from '../../jobs/processors'
import type { JobRunner } from '../../jobs/runner'
import type { Logger } from '../../lib/log'
import type { Redis } from '../../lib/redis'
import { pruneDeliveries } from './deliveries'
import { DeliveryDispatcher, type AttemptJob, type WebhookAlerts } from './dispatcher'
import { HookPoster, type PostMessage } from './hook-poster'
import type { IncomingJob } from './incoming'
import { systemResolver, type Resolver } from './target'

export interface WebhookJobsDeps {
  db: Database
  redis: Redis
  log: Logger
  jobs: Pick<JobRunner, 'enqueue' | 'enqueueBulk'>
  config: WebhooksConfig
  /** Tells a community's managers that an endpoint was turned off (410, or failing for days). */
  alerts: WebhookAlerts
  /** Posts an incoming hook's message into its room (the room actor), idempotent by nonce. */
  postMessage: PostMessage
  resolve?: Resolver
  /** Extra trusted certificate authorities (PEM) for https receivers. */
  ca?: string
}

/**
 * The `webhooks` queue's jobs:
 * - `deliver` {deliveryId, attempt}: one attempt of an outgoing delivery (schedules the next itself);
 * - `incoming` (IncomingJob): a verified incoming event becomes a message in its room;
 * - `resume-overdue`: re-queues attempts a crash left without a job (run it every few minutes);
 * - `prune` {days?}: deletes finished deliveries older than `days` (30) (run it daily).
 */
export function webhookProcessors(deps: WebhookJobsDeps): ProcessorTable {
  const dispatcher = new DeliveryDispatcher({ ...deps, resolve: deps.resolve ?? systemResolver })
  const poster = new HookPoster(deps)
  return {
    webhooks: {
      deliver: (data: AttemptJob) => dispatcher.attempt(data),
      incoming: (data: IncomingJob) => poster.post(data),
      'resume-overdue': () => dispatcher.resumeOverdue(),
      prune: (data: { days?: number }) => pruneDeliveries(deps.db, new Date(Date.now() - (data?.days ?? 30) * 86_400_000)),
    },
  }
}

import type { WebhooksConfig } from '../../config'
import type { Database } from '../../db/client'
import type { JobRunner } from '../../jobs/runner'
import type { RateLimiter } from '../../lib/rate-limit'
import type { Redis } from '../../lib/redis'
import type { PermissionService } from '../permissions/service'
import { WebhookDeliveries } from './deliveries'
import { WebhookEndpoints } from './endpoints'
import { IncomingHooks } from './incoming'
import { systemResolver, type Resolver } from './target'

export interface WebhooksDeps {
  db: Database
  redis: Redis
  rateLimiter: RateLimiter
  permissions: Pick<PermissionService, 'requireCommunity' | 'requireRoom'>
  jobs: Pick<JobRunner, 'enqueue' | 'enqueueBulk'>
  config: WebhooksConfig
  /** DNS for endpoint URLs; the system's unless a test plays a DNS server. */
  resolve?: Resolver
}

/**
 * The request side of webhooks: endpoints and their delivery log, incoming hooks and
 * their ingress, and `deliveries.deliver(event)` for the domain-event consumer.
 */
export function createWebhooks(deps: WebhooksDeps) {
  const resolve = deps.resolve ?? systemResolver
  const endpoints = new WebhookEndpoints({ db: deps.db, permissions: deps.permissions, config: deps.config, resolve })
  const deliveries = new WebhookDeliveries({ db: deps.db, jobs: deps.jobs, endpoints })
  const incoming = new IncomingHooks({
    db: deps.db,
    redis: deps.redis,
    rateLimiter: deps.rateLimiter,
    permissions: deps.permissions,
    jobs: deps.jobs,
    config: deps.config,
  })
  return { endpoints, deliveries, incoming }
}

export type Webhooks = ReturnType<typeof createWebhooks>

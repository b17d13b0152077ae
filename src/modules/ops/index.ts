import { Elysia, t } from 'elysia'
import type { Config } from '../../config'
import type { DatabaseHandle } from '../../db/client'
import { defineFeature } from '../../feature'
import { AppError } from '../../lib/errors'
import type { Metrics } from '../../lib/metrics'
import type { Redis } from '../../lib/redis'
import { withTimeout } from '../../lib/timeout'

export interface OperationsDeps {
  config: Pick<Config, 'nodeId'>
  database: Pick<DatabaseHandle, 'ping'>
  redis: Pick<Redis, 'isReady' | 'ping'>
  metrics: Pick<Metrics, 'registry' | 'render'>
}

async function check(probe: () => Promise<unknown>): Promise<'up' | 'down'> {
  try {
    await withTimeout(probe(), 1500)
    return 'up'
  } catch {
    return 'down'
  }
}

/** Health, readiness and metrics, for the platform and the operators. */
export const operationsFeature = defineFeature<OperationsDeps>({
  name: 'operations',
  build: (deps) => ({ routes: operationsRoutes(deps) }),
})

const operationsRoutes = (res: OperationsDeps) =>
  new Elysia({ detail: { tags: ['operations'] } })
    .get('/health', () => ({ status: 'ok' as const, node: res.config.nodeId }), {
      response: { 200: t.Object({ status: t.Literal('ok'), node: t.String() }) },
      detail: { summary: 'Liveness: 200 while the process runs' },
    })
    .get(
      '/ready',
      async () => {
        const [postgres, redis] = await Promise.all([
          check(() => res.database.ping()),
          check(() => (res.redis.isReady ? res.redis.ping() : Promise.reject(new Error('offline')))),
        ])
        const checks = { postgres, redis }
        if (postgres === 'down' || redis === 'down') {
          const down = Object.entries(checks).filter(([, v]) => v === 'down').map(([k]) => k)
          throw new AppError('dependency_unavailable', `${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} down`, {
            retryAfter: 2,
            details: { checks },
          })
        }
        return { status: 'ready' as const, checks }
      },
      {
        response: {
          200: t.Object({ status: t.Literal('ready'), checks: t.Object({ postgres: t.String(), redis: t.String() }) }),
        },
        detail: { summary: 'Readiness: 200 when Postgres and Redis answer, else 503 naming what is down' },
      },
    )
    .get(
      '/metrics',
      async ({ set }) => {
        set.headers['content-type'] = res.metrics.registry.contentType
        return res.metrics.render()
      },
      { response: { 200: t.String({ description: 'the Prometheus text format' }) }, detail: { summary: 'Prometheus metrics' } },
    )

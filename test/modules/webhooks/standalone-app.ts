// The webhooks routes on an app of their own, with the app's error rendering, until
// src/app.ts mounts them (where the global body parser leaves the hook ingress's bytes
// alone because the route is marked x-raw-body; an app assembled after the fact would
// not know that, so tests and the benchmark serve the routes from here).
import { openapi } from '@elysiajs/openapi'
import { Elysia } from 'elysia'
import { toAppError } from '../../../src/lib/error-mapping'
import type { Logger } from '../../../src/lib/log'
import { webhooksRoutes, type WebhooksRoutesDeps } from '../../../src/modules/webhooks'

export function webhooksApp(opts: { log: Logger; routes: WebhooksRoutesDeps }) {
  return new Elysia()
    .onError({ as: 'global' }, ({ code, error }) => {
      const e = toAppError(code, error, opts.log)
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter)
      const body = { error: { code: e.code, message: e.message, requestId: 'test', ...(e.details === undefined ? {} : { details: e.details }) } }
      return new Response(JSON.stringify(body), { status: e.status, headers })
    })
    .use(openapi({ path: '/swagger' }))
    .use(webhooksRoutes(opts.routes))
}

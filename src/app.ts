import { Elysia, type AnyElysia } from 'elysia'
import { docsRoutes } from './docs'
import { AppError, DependencyDownError, type ErrorBody } from './lib/errors'
import { toAppError } from './lib/error-mapping'
import { jsonBodyParser, RAW_BODY } from './lib/json-body'
import { failedQuery } from './lib/pg-errors'
import { earlyAuthOf, type EarlyAuth } from './modules/auth/guard'
import type { Hearth } from './hearth'
import pkg from '../package.json'

interface RequestState {
  id: string
  start: number
  status?: number
}

const requestIdShape = /^[A-Za-z0-9._:-]{1,64}$/

/** Builds the HTTP app from the features' routes. No side effects: the caller listens. */
export function createApp(hearth: Hearth) {
  const res = hearth.core
  const requests = new WeakMap<Request, RequestState>()
  // Filled once the routes are assembled (below): which routes check a token before their body is read.
  const earlyChecks = new Map<string, EarlyAuth>()
  const rawBodies = new Set<string>()
  /** Path patterns and their methods, to tell a wrong method (405) from a wrong path (404). */
  const methodsByPattern: { pattern: RegExp; methods: Set<string> }[] = []
  // The assembled app, for the docs (which describe every route, so they read it when asked).
  let root: AnyElysia

  const app = new Elysia({
    // Bun's own limit answers a bare 413 before any hook runs; ours (onRequest for a declared
    // length, the body parser for the bytes actually read) answers with the error shape.
    serve: { maxRequestBodySize: MAX_REQUEST_BYTES },
    websocket: {
      maxPayloadLength: res.config.ws.maxFrameBytes,
      idleTimeout: 60,
      sendPings: true,
      backpressureLimit: res.config.ws.maxBufferedBytes * 4,
      closeOnBackpressureLimit: false,
      perMessageDeflate: false,
    },
  })
    .onRequest(({ request, set }) => {
      const incoming = request.headers.get('x-request-id')
      const id = incoming && requestIdShape.test(incoming) ? incoming : Bun.randomUUIDv7()
      requests.set(request, { id, start: performance.now() })
      set.headers['x-request-id'] = id
      if (/%00/.test(request.url)) throw new AppError('validation_failed', 'the URL contains a NUL character (%00)')
    })
    .onParse(
      { as: 'global' },
      jsonBodyParser({
        limit: res.config.bodyLimitBytes,
        rules: {
          earlyCheck: (method, route) => earlyChecks.get(`${method} ${route}`),
          raw: (method, route) => rawBodies.has(`${method} ${route}`),
        },
      }),
    )
    // Never reached (the parser above always answers); it tells the OpenAPI document the bodies are JSON.
    .onParse({ as: 'global' }, { fn: 'json' } as never)
    .onError({ as: 'global' }, ({ code, error, request, route }) => {
      const state = requests.get(request)
      const allowed = code === 'NOT_FOUND' ? allowedMethods(request) : undefined
      const appError = allowed
        ? new AppError('method_not_allowed', `${request.method} is not allowed here; use ${allowed.join(', ')}`)
        : toAppError(code, error, res.log)
      if (appError.status >= 500 && !(appError instanceof DependencyDownError) && appError.code !== 'dependency_unavailable') {
        res.log.error('request failed', { requestId: state?.id, route, query: failedQuery(error), error })
      }
      if (state) state.status = appError.status
      const body: ErrorBody = {
        error: {
          code: appError.code,
          message: appError.message,
          requestId: state?.id ?? '',
          ...(appError.details === undefined ? {} : { details: appError.details }),
        },
      }
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (appError.retryAfter !== undefined) headers['retry-after'] = String(appError.retryAfter)
      if (allowed) headers.allow = allowed.join(', ')
      return new Response(JSON.stringify(body), { status: appError.status, headers })
    })
    .onAfterResponse({ as: 'global' }, ({ request, route, set }) => {
      const state = requests.get(request)
      if (!state) return
      const ms = performance.now() - state.start
      const status = state.status ?? (typeof set.status === 'number' ? set.status : 200)
      const routeLabel = route || 'unmatched'
      res.metrics.httpDuration.observe({ method: request.method, route: routeLabel, status }, ms / 1000)
      res.log.info('request', {
        method: request.method,
        route: routeLabel,
        status,
        ms: Math.round(ms * 10) / 10,
        requestId: state.id,
      })
    })
    .use(
      docsRoutes({
        app: () => root,
        info: { title: 'Hearth', version: pkg.version, description: 'Backend for community platforms. The contract: docs/api.md.' },
      }),
    )
    .use(hearth.routes.reduce((all, routes) => all.use(routes), new Elysia({ name: 'features' })))
    .use(hearth.realtime.routes(res.auth))

  root = app
  const patterns = new Map<string, Set<string>>()
  for (const route of app.routes) {
    const key = `${route.method} ${route.path}`
    if (!patterns.has(route.path)) patterns.set(route.path, new Set())
    patterns.get(route.path)!.add(route.method)
    const check = earlyAuthOf(route.hooks as Parameters<typeof earlyAuthOf>[0])
    if (check) earlyChecks.set(key, check)
    if ((route.hooks as { detail?: Record<string, unknown> }).detail?.[RAW_BODY]) rawBodies.add(key)
  }
  for (const [path, methods] of patterns) {
    if (methods.has('GET')) methods.add('HEAD')
    const source = path.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')
    methodsByPattern.push({ pattern: new RegExp(`^${source}/?$`), methods })
  }
  function allowedMethods(request: Request): string[] | undefined {
    const path = new URL(request.url).pathname
    const methods = new Set<string>()
    for (const { pattern, methods: m } of methodsByPattern) if (pattern.test(path)) for (const method of m) methods.add(method)
    return methods.size && !methods.has(request.method) ? [...methods].sort() : undefined
  }
  return app
}

/** Bun's hard ceiling on a request body; routes answer their own, lower limits with the error shape. */
const MAX_REQUEST_BYTES = 1024 * 1024 * 1024

export type App = ReturnType<typeof createApp>

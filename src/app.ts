import { openapi } from '@elysiajs/openapi'
import { Elysia, ValidationError } from 'elysia'
import { AppError, DependencyDownError, type ErrorBody } from './lib/errors'
import { isDatabaseDown, pgCode, uniqueViolation } from './lib/pg-errors'
import { isRedisDown } from './lib/redis'
import { authModule, jwksModule } from './modules/auth'
import { communitiesModule } from './modules/communities'
import { opsModule } from './modules/ops'
import { permissionsModule } from './modules/permissions'
import { roomsModule } from './modules/rooms'
import { usersModule } from './modules/users'
import { deadLettersModule } from './modules/admin/dead-letters'
import { queueBoardModule } from './modules/admin/queue-board'
import { notificationsModule } from './modules/notifications'
import type { Resources } from './resources'
import { createServices, type Services } from './services'
import { messagesModule } from './modules/messages'
import { realtimeModule } from './realtime'
import { clusterModule } from './cluster/http'
import pkg from '../package.json'

interface RequestState {
  id: string
  start: number
  status?: number
}

const requestIdShape = /^[A-Za-z0-9._:-]{1,64}$/

/** Builds the HTTP app from its modules. No side effects: the caller listens. */
export function createApp(res: Resources, services: Services = createServices(res)) {
  const { auth, notifications } = services
  const requests = new WeakMap<Request, RequestState>()

  return new Elysia({
    serve: { maxRequestBodySize: res.config.bodyLimitBytes * 2 },
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
      const length = Number(request.headers.get('content-length') ?? 0)
      if (length > res.config.bodyLimitBytes) {
        throw new AppError('payload_too_large', `request body is over ${res.config.bodyLimitBytes} bytes`)
      }
    })
    .onError({ as: 'global' }, ({ code, error, request }) => {
      const state = requests.get(request)
      const appError = toAppError(code, error)
      if (appError.status >= 500 && !(appError instanceof DependencyDownError) && appError.code !== 'dependency_unavailable') {
        res.log.error('request failed', { requestId: state?.id, error })
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
      openapi({
        path: '/swagger',
        provider: 'swagger-ui',
        exclude: { staticFile: false },
        documentation: {
          info: { title: 'Hearth', version: pkg.version, description: 'Backend for community platforms' },
          components: {
            securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
          },
        },
      }),
    )
    .use(opsModule(res))
    .use(clusterModule(services.cluster, { flyMachineId: res.config.flyMachineId, auth }))
    .use(jwksModule(res))
    .use(authModule(res, auth))
    .use(usersModule(auth))
    .use(communitiesModule(services))
    .use(roomsModule(services))
    .use(permissionsModule(services))
    .use(messagesModule(services))
    .use(realtimeModule(services.gateway))
    // Background work: notifications, dead letters, the queue dashboard.
    .use(notificationsModule(services.signedIn, notifications, services.mutes))
    .use(deadLettersModule(auth, res.jobs))
    .use(queueBoardModule(auth, res.jobs, res.config))
}

export type App = ReturnType<typeof createApp>

function toAppError(code: string | number, error: unknown): AppError {
  if (error instanceof AppError) return error
  if (code === 'VALIDATION' && error instanceof ValidationError) {
    const details = error.all.map((e) => ({
      path: 'path' in e ? e.path : '',
      message: ('summary' in e && e.summary) || e.message,
    }))
    const where = error.type === 'body' ? 'request body' : error.type
    return new AppError('validation_failed', `${where} is not valid: ${details[0]?.path || ''} ${details[0]?.message ?? ''}`.trim(), {
      details,
    })
  }
  if (code === 'PARSE') return new AppError('malformed_body', 'request body could not be parsed')
  if (code === 'NOT_FOUND') return new AppError('route_not_found', 'no such route')
  if (isRedisDown(error)) return new DependencyDownError('redis', error)
  if (isDatabaseDown(error)) return new DependencyDownError('postgres', error)
  if (uniqueViolation(error) !== undefined) return new AppError('conflict', 'that already exists')
  if (pgCode(error) === '22P02') return new AppError('not_found', 'not found')
  if (pgCode(error) === '23503') return new AppError('invalid_target', 'something this refers to does not exist')
  return new AppError('internal_error', 'something went wrong on our side')
}

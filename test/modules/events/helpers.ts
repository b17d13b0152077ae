// The events feature on a running test app: until the lead mounts it, its routes run on a
// small Elysia of their own (with the app's guard and an error renderer), next to the app
// that makes users, communities and rooms.
import { afterAll } from 'bun:test'
import { Elysia, ValidationError } from 'elysia'
import { AppError } from '../../../src/lib/errors'
import type { NotifyInput } from '../../../src/modules/notifications/model'
import { eventsRoutes } from '../../../src/modules/events'
import { createEventsFeature } from '../../../src/modules/events/feature'
import type { DomainEvent } from '../../../src/modules/events/store'
import { startTestApp, type TestApp } from '../../helpers/app'
import { ok, type TestUser } from '../../helpers/community'
import { HttpClient } from '../../helpers/http'

export async function startEvents(opts: { reminderHorizonMs?: number; cacheEntries?: number; jobs?: boolean } = {}) {
  const processors = new URL('../../../src/modules/events/processors.ts', import.meta.url).href
  const app: TestApp = await startTestApp({}, opts.jobs ? { jobs: { modules: [processors] } } : {})
  const recorded: DomainEvent[] = []
  const notified: NotifyInput[] = []
  const feature = createEventsFeature({
    db: app.res.db,
    log: app.res.log,
    permissions: app.services.permissions,
    recordEvent: async (_tx, event) => {
      recorded.push(event)
    },
    notify: async (input) => {
      notified.push(input)
    },
    reminderQueue: app.res.jobs.queues.reminders,
    reminderHorizonMs: opts.reminderHorizonMs,
    cacheEntries: opts.cacheEntries,
  })
  const server = new Elysia()
    .onError({ as: 'global' }, ({ code, error }) => {
      let e: AppError
      if (error instanceof AppError) e = error
      else if (code === 'VALIDATION' && error instanceof ValidationError) e = new AppError('validation_failed', error.message.slice(0, 300))
      else if (code === 'NOT_FOUND') e = new AppError('route_not_found', 'no such route')
      else {
        console.error(error)
        e = new AppError('internal_error', 'something went wrong on our side')
      }
      return new Response(JSON.stringify({ error: { code: e.code, message: e.message, requestId: '' } }), {
        status: e.status,
        headers: { 'content-type': 'application/json' },
      })
    })
    .use(eventsRoutes({ signedIn: app.services.signedIn, ...feature }))
    .listen({ port: 0, hostname: '127.0.0.1' })
  afterAll(() => server.stop(true))
  const http = new HttpClient(`http://127.0.0.1:${server.server!.port}`)
  return { app, feature, http, recorded, notified }
}

export type EventsHarness = Awaited<ReturnType<typeof startEvents>>

export const as = (u: TestUser) => ({ token: u.accessToken })

/** Creates an event through the API (201 or the test fails). */
export async function createEvent(h: EventsHarness, communityId: string, by: TestUser, body: Record<string, unknown>) {
  return ok(await h.http.post(`/v1/communities/${communityId}/events`, { title: 'Weekly sync', ...body }, as(by)), 201).body
}

/** Occurrences through the API. */
export async function occurrences(h: EventsHarness, communityId: string, user: TestUser, from: string, to: string) {
  return ok(await h.http.get(`/v1/communities/${communityId}/occurrences?from=${from}&to=${to}`, as(user))).body.occurrences as any[]
}

export const enc = encodeURIComponent

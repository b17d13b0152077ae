// The events feature as the app serves it: a running test app (every feature of
// src/features.ts mounted), and the domain events its changes committed, heard on the
// app's own bus.
import type { DomainEvent, DomainEventType } from '../../../src/domain-events/types'
import { startTestApp, type TestApp } from '../../helpers/app'
import { ok, type TestUser } from '../../helpers/community'

const EVENT_TYPES = [
  'event.created',
  'event.updated',
  'event.occurrence.cancelled',
  'event.deleted',
  'event.rsvp',
  'event.waitlist.promoted',
] as const satisfies DomainEventType[]

export async function startEvents(opts: { env?: Record<string, string>; jobs?: boolean } = {}) {
  const app: TestApp = await startTestApp(opts.env ?? {}, opts.jobs ? { jobs: {} } : {})
  // Loosely typed, so a test can read any event's data.
  const recorded: (Omit<DomainEvent, 'data'> & { data: any })[] = []
  for (const type of EVENT_TYPES) app.hearth.core.events.on(type, (event) => recorded.push(event))
  return { app, http: app.http, recorded }
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

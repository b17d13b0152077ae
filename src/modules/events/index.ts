import { Elysia } from 'elysia'
import type { Config } from '../../config'
import type { Database } from '../../db/client'
import type { DomainEvents } from '../../domain-events/bus'
import { defineFeature } from '../../feature'
import type { JobRunner } from '../../jobs/runner'
import { clientInfo } from '../../lib/http'
import type { Logger } from '../../lib/log'
import { NoContent } from '../../lib/model'
import type { RateLimiter } from '../../lib/rate-limit'
import type { SignedIn } from '../auth/guard'
import type { PermissionService } from '../permissions/service'
import { calendarReactions } from './events'
import { ExpansionCache } from './expansion-cache'
import { CalendarFeedService, etagMatches } from './feed'
import {
  CalendarFeed,
  CalendarUrl,
  CommunityParams,
  CreateEventBody,
  DeleteOccurrenceQuery,
  Event,
  EventParams,
  FeedParams,
  OccurrenceList,
  OccurrenceParams,
  PatchOccurrenceBody,
  PatchOccurrenceResult,
  PatchSeriesBody,
  PatchSeriesResult,
  Reminders,
  RemindersBody,
  RsvpBody,
  RsvpResult,
  WindowQuery,
} from './model'
import { reminderHorizonMs, reminderProcessors, scheduleReminderSweep } from './processors'
import { ReminderSettings } from './reminder-settings'
import { BullReminderQueue, ReminderPlanner } from './reminders'
import { RsvpService } from './rsvp'
import { EventService } from './service'

export interface CalendarDeps {
  db: Database
  log: Logger
  config: Pick<Config, 'calendar' | 'trustProxy'>
  /** The `reminders` queue (reminder jobs are added, moved and removed after every change) and `maintenance` (the sweep). */
  jobs: Pick<JobRunner, 'queues'>
  rateLimiter: RateLimiter
  permissions: PermissionService
  events: DomainEvents
  signedIn: SignedIn
}

/**
 * Calendar events of a community, group or room: one-time and recurring series (RRULE in
 * an IANA zone, wall-clock first), edits of one occurrence, of it and the following ones,
 * or of all; RSVPs with a waitlist; reminders as delayed jobs; a secret iCalendar feed per
 * user. Named `calendar` so it is not taken for the domain events (`deps.events`).
 */
export const calendarFeature = defineFeature<CalendarDeps>({
  name: 'calendar',
  processors: reminderProcessors,
  reactions: calendarReactions,
  build: (deps) => {
    const s = calendarServices(deps)
    return {
      routes: calendarRoutes({ ...s, signedIn: deps.signedIn, config: deps.config }),
      start: () => scheduleReminderSweep(deps.jobs.queues.maintenance),
    }
  },
})

/** The feature's services, built from its deps (the benchmark builds them the same way). */
export function calendarServices(deps: Omit<CalendarDeps, 'signedIn'>) {
  const cache = new ExpansionCache(deps.config.calendar.expansionCacheEntries)
  const planner = new ReminderPlanner({
    db: deps.db,
    cache,
    queue: new BullReminderQueue(deps.jobs.queues.reminders),
    log: deps.log,
    horizonMs: reminderHorizonMs(deps.config),
  })
  const events = new EventService({ db: deps.db, log: deps.log, permissions: deps.permissions, reminders: planner, events: deps.events, cache })
  return {
    cache,
    planner,
    events,
    rsvps: new RsvpService({ db: deps.db, events: deps.events, access: events.access, reminders: planner }),
    reminders: new ReminderSettings({ db: deps.db, access: events.access, reminders: planner }),
    feeds: new CalendarFeedService({ db: deps.db, access: events.access, rateLimiter: deps.rateLimiter, limits: deps.config.calendar }),
  }
}
export type CalendarServices = ReturnType<typeof calendarServices>

type RoutesDeps = CalendarServices & { signedIn: SignedIn; config: Pick<Config, 'trustProxy'> }

const feedUrl = (request: Request, token: string) => `${new URL(request.url).origin}/v1/calendar/${token}.ics`

/** The feed URL is its own credential: it takes no bearer token (and has its own rate limits). */
const feedRoutes = ({ feeds, config }: RoutesDeps) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['events'] } }).get(
    '/calendar/:file',
    async ({ params, request, server }) => {
      const token = params.file.endsWith('.ics') ? params.file.slice(0, -4) : ''
      const feed = await feeds.serve({ token, ip: clientInfo(request, server, config.trustProxy).ip })
      const headers = { etag: feed.etag, 'cache-control': 'private, max-age=300' }
      if (etagMatches(request.headers.get('if-none-match'), feed.etag)) return new Response(null, { status: 304, headers })
      return new Response(feed.body, { headers: { ...headers, 'content-type': 'text/calendar; charset=utf-8' } })
    },
    {
      params: FeedParams,
      response: { 200: CalendarFeed },
      detail: { summary: 'The iCalendar (RFC 5545) feed of the events the token owner can see (`<token>.ics`); ETag / If-None-Match' },
    },
  )

const calendarRoutes = (deps: RoutesDeps) => {
  const { events, rsvps, reminders, feeds } = deps
  return new Elysia({ name: 'calendar' })
    .use(feedRoutes(deps))
    .use(
      new Elysia({ prefix: '/v1', detail: { tags: ['events'], security: [{ bearer: [] }] } })
        .use(deps.signedIn())
        .post('/communities/:id/events', async ({ user, params, body, status }) => status(201, await events.create(user.id, params.id, body)), {
          params: CommunityParams,
          body: CreateEventBody,
          response: { 201: Event },
          detail: { summary: 'Create an event or a recurring series (manage_events where it sits)' },
        })
        .get('/events/:id', ({ user, params }) => events.get(user.id, params.id), {
          params: EventParams,
          response: { 200: Event },
          detail: { summary: 'An event series' },
        })
        .get('/communities/:id/occurrences', ({ user, params, query }) => events.occurrences(user.id, params.id, query), {
          params: CommunityParams,
          query: WindowQuery,
          response: { 200: OccurrenceList },
          detail: { summary: 'Occurrences of the events you can see, from/to at most 366 days apart, in start order' },
        })
        .patch('/events/:id', ({ user, params, body }) => events.updateSeries(user.id, params.id, body), {
          params: EventParams,
          body: PatchSeriesBody,
          response: { 200: PatchSeriesResult },
          detail: { summary: 'Change the whole series (scope all); occurrences that vanish lose their overrides and RSVPs (listed in `dropped`)' },
        })
        .patch(
          '/events/:id/occurrences/:originalStart',
          async ({ user, params, body }) => (await events.updateOccurrence(user.id, params.id, params.originalStart, body)) as never,
          {
            params: OccurrenceParams,
            body: PatchOccurrenceBody,
            response: { 200: PatchOccurrenceResult },
            detail: { summary: 'Change one occurrence (scope this) or it and all later ones (scope following: the series is split)' },
          },
        )
        .delete(
          '/events/:id/occurrences/:originalStart',
          async ({ user, params, query, status }) => {
            await events.deleteOccurrence(user.id, params.id, params.originalStart, query.scope)
            return status(204, undefined)
          },
          {
            params: OccurrenceParams,
            query: DeleteOccurrenceQuery,
            response: { 204: NoContent },
            detail: { summary: 'Cancel one occurrence, or end the series before it' },
          },
        )
        .delete(
          '/events/:id',
          async ({ user, params, status }) => {
            await events.deleteSeries(user.id, params.id)
            return status(204, undefined)
          },
          { params: EventParams, response: { 204: NoContent }, detail: { summary: 'Delete the whole series' } },
        )
        .put(
          '/events/:id/occurrences/:originalStart/rsvp',
          ({ user, params, body }) => rsvps.respond({ userId: user.id, seriesId: params.id, originalStart: params.originalStart, status: body.status }),
          {
            params: OccurrenceParams,
            body: RsvpBody,
            response: { 200: RsvpResult },
            detail: { summary: 'Answer for one occurrence; going past the capacity is waitlisted (promoted in order when a seat frees)' },
          },
        )
        .put('/events/:id/rsvp', ({ user, params, body }) => rsvps.respondToSeries({ userId: user.id, seriesId: params.id, status: body.status }), {
          params: EventParams,
          body: RsvpBody,
          response: { 200: RsvpResult },
          detail: { summary: 'Answer for every occurrence (an answer for one occurrence still wins); not going where seats are counted' },
        })
        .get('/events/:id/reminders', ({ user, params }) => reminders.get({ userId: user.id, seriesId: params.id }), {
          params: EventParams,
          response: { 200: Reminders },
          detail: { summary: 'Your reminders on the series' },
        })
        .put('/events/:id/reminders', ({ user, params, body }) => reminders.set({ userId: user.id, seriesId: params.id, minutesBefore: body.minutesBefore }), {
          params: EventParams,
          body: RemindersBody,
          response: { 200: Reminders },
          detail: { summary: 'Set your reminders on the series (minutes before each occurrence; [] for none)' },
        })
        .get('/me/calendar', async ({ user, request }) => ({ url: feedUrl(request, await feeds.token(user.id)) }), {
          response: { 200: CalendarUrl },
          detail: { summary: 'Your secret iCalendar feed URL' },
        })
        .post('/me/calendar/rotate', async ({ user, request }) => ({ url: feedUrl(request, await feeds.rotate(user.id)) }), {
          response: { 200: CalendarUrl },
          detail: { summary: 'A new feed URL; the old one stops working' },
        })
        .delete(
          '/me/calendar',
          async ({ user, status }) => {
            await feeds.revoke(user.id)
            return status(204, undefined)
          },
          { response: { 204: NoContent }, detail: { summary: 'Revoke your feed URL' } },
        ),
    )
}

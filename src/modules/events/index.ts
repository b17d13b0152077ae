import { Elysia, t } from 'elysia'
import type { authGuard } from '../auth/guard'
import { etagMatches, type CalendarFeedService } from './feed'
import {
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
} from './model'
import type { ReminderSettings } from './reminder-settings'
import type { RsvpService } from './rsvp'
import type { EventService } from './service'

export interface EventsRoutesDeps {
  signedIn: () => ReturnType<typeof authGuard>
  events: EventService
  rsvps: RsvpService
  reminders: ReminderSettings
  feeds: CalendarFeedService
  /** Base of the feed URLs handed out (e.g. https://hearth.example); default: the request's own origin. */
  publicUrl?: string
}

const security = [{ bearer: [] }]

/** The feed URL is its own credential: it takes no bearer token. */
const feedRoutes = (deps: EventsRoutesDeps) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['events'] } }).get(
    '/calendar/:file',
    async ({ params, request, status }) => {
      const token = params.file.endsWith('.ics') ? params.file.slice(0, -4) : ''
      const feed = token ? await deps.feeds.render(token) : undefined
      if (!feed) return status(404, 'no such calendar\n')
      const headers = { etag: feed.etag, 'cache-control': 'private, max-age=300' }
      if (etagMatches(request.headers.get('if-none-match'), feed.etag)) return new Response(null, { status: 304, headers })
      return new Response(feed.body, { headers: { ...headers, 'content-type': 'text/calendar; charset=utf-8' } })
    },
    {
      params: FeedParams,
      detail: { summary: 'The iCalendar (RFC 5545) feed of the events the token owner can see; ETag / If-None-Match' },
    },
  )

export const eventsRoutes = (deps: EventsRoutesDeps) => {
  const { events, rsvps, reminders, feeds } = deps
  const feedUrl = (request: Request, token: string) => `${deps.publicUrl ?? new URL(request.url).origin}/v1/calendar/${token}.ics`
  return new Elysia({ name: 'events' })
    .use(feedRoutes(deps))
    .use(
      new Elysia({ prefix: '/v1', detail: { tags: ['events'], security } })
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
          query: t.Object({ from: t.String({ maxLength: 40 }), to: t.String({ maxLength: 40 }) }),
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
          { params: OccurrenceParams, query: DeleteOccurrenceQuery, detail: { summary: 'Cancel one occurrence, or end the series before it' } },
        )
        .delete(
          '/events/:id',
          async ({ user, params, status }) => {
            await events.deleteSeries(user.id, params.id)
            return status(204, undefined)
          },
          { params: EventParams, detail: { summary: 'Delete the whole series' } },
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
          { detail: { summary: 'Revoke your feed URL' } },
        ),
    )
}

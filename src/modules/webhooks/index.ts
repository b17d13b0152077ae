import { Elysia } from 'elysia'
import type { Config } from '../../config'
import type { Database } from '../../db/client'
import { defineFeature } from '../../feature'
import type { JobRunner } from '../../jobs/runner'
import { RAW_BODY } from '../../lib/json-body'
import type { Logger } from '../../lib/log'
import { IdParams, NoContent } from '../../lib/model'
import type { RateLimiter } from '../../lib/rate-limit'
import type { Redis } from '../../lib/redis'
import type { SignedIn } from '../auth/guard'
import type { MessageService } from '../messages/service'
import type { PermissionService } from '../permissions/service'
import { WebhookDeliveries } from './deliveries'
import { canViewWith } from './places'
import { WebhookEndpoints } from './endpoints'
import { webhookReactions } from './events'
import { HookPoster } from './hook-poster'
import { INCOMING_JOB, IncomingHooks, type IncomingJob } from './incoming'
import {
  Accepted,
  CreatedEndpoint,
  CreatedIncomingHook,
  CreateEndpointBody,
  CreateIncomingBody,
  DELIVERABLE_EVENTS,
  DeliveryPage,
  DeliveryParams,
  DeliveryQuery,
  Endpoint,
  EndpointList,
  EventTypeList,
  HookParams,
  IncomingHook,
  IncomingHookList,
  RecoverBody,
  Recovered,
  RotatedSecret,
  UpdateEndpointBody,
  UpdateIncomingBody,
} from './model'
import { webhookProcessors } from './processors'
import { resolverFor } from './target'

export interface WebhooksDeps {
  db: Database
  redis: Redis
  log: Logger
  rateLimiter: RateLimiter
  config: Pick<Config, 'webhooks'>
  jobs: Pick<JobRunner, 'enqueue' | 'enqueueBulk' | 'queues'>
  permissions: PermissionService
  signedIn: SignedIn
  /** Incoming hooks post through it, as their bots. */
  messages: Pick<MessageService, 'send'>
}

/** What tests and tools may reach: the services behind the routes. */
export interface WebhooksApi {
  endpoints: WebhookEndpoints
  deliveries: WebhookDeliveries
  incoming: IncomingHooks
}

const RESUME_EVERY_MS = 5 * 60_000
const PRUNE_EVERY_MS = 86_400_000

/**
 * Webhooks. Outgoing: every committed domain event of a community (the `*` reaction)
 * becomes signed deliveries to the endpoints whose filter takes it, attempted in the
 * worker threads on their own retry schedule; an endpoint Hearth turns off is a
 * `webhook.disabled` event whose reaction notifies the community's managers. Incoming:
 * the ingress verifies and queues on the `api` queue (202), and an API process's main
 * thread posts the event into the room as the hook's bot (through `messages`).
 */
export const webhooksFeature = defineFeature<WebhooksDeps, { webhooks: WebhooksApi }>({
  name: 'webhooks',
  processors: { webhooks: webhookProcessors },
  reactions: webhookReactions,
  build: (deps) => {
    const config = deps.config.webhooks
    const resolve = resolverFor(config.dnsServers)
    const endpoints = new WebhookEndpoints({ db: deps.db, permissions: deps.permissions, config, resolve })
    const deliveries = new WebhookDeliveries({
      db: deps.db,
      jobs: deps.jobs,
      endpoints,
      canView: canViewWith(deps.permissions),
    })
    const incoming = new IncomingHooks({ ...deps, config })
    const poster = new HookPoster(deps)
    return {
      routes: webhooksRoutes({ signedIn: deps.signedIn, endpoints, deliveries, incoming }),
      apiJobs: { [INCOMING_JOB]: (data: IncomingJob) => poster.post(data) },
      api: { webhooks: { endpoints, deliveries, incoming } },
      async start() {
        // Repeatable jobs (one schedule across the cluster: the scheduler id is fixed).
        const queue = deps.jobs.queues.webhooks
        await queue.upsertJobScheduler('webhooks.resume-overdue', { every: RESUME_EVERY_MS }, { name: 'resume-overdue', data: {} })
        await queue.upsertJobScheduler('webhooks.prune', { every: PRUNE_EVERY_MS }, { name: 'prune', data: {} })
      },
    }
  },
})

export interface WebhooksRoutesDeps {
  signedIn: SignedIn
  endpoints: WebhookEndpoints
  deliveries: WebhookDeliveries
  incoming: IncomingHooks
}

const security = [{ bearer: [] }]

/** The public ingress of incoming hooks: no session, the URL's token (and a signature) is the credential. */
const hookIngressRoutes = (deps: Pick<WebhooksRoutesDeps, 'incoming'>) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['webhooks'] } }).post(
    '/hooks/:id/:token',
    async ({ params, request, status }) => status(202, await deps.incoming.receive({ hookId: params.id, token: params.token, request })),
    {
      params: HookParams,
      response: { 202: Accepted },
      detail: {
        summary:
          "Post into a room as the hook's bot: {body} with verify=token, or the provider's own signed event (Standard Webhooks, GitHub, Stripe); 202 once checked and queued",
        // The signature covers the raw bytes: the app's body parser leaves them to the verifier.
        [RAW_BODY]: true,
      },
    },
  )

/** Managing outgoing endpoints and incoming hooks (`manage_webhooks`). */
const webhookManagementRoutes = (deps: WebhooksRoutesDeps) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['webhooks'], security } })
    .use(deps.signedIn())
    .get('/webhooks/event-types', () => ({ types: DELIVERABLE_EVENTS }), {
      response: { 200: EventTypeList },
      detail: { summary: 'The event types an endpoint can subscribe to (by name, `prefix.*`, or `*`)' },
    })
    .post(
      '/communities/:id/webhooks',
      async ({ user, params, body, status }) =>
        status(201, await deps.endpoints.create({ userId: user.id, communityId: params.id, input: body })),
      {
        params: IdParams,
        body: CreateEndpointBody,
        response: { 201: CreatedEndpoint },
        detail: { summary: 'Add an outgoing endpoint; its signing secret is shown once' },
      },
    )
    .get(
      '/communities/:id/webhooks',
      async ({ user, params }) => ({ webhooks: await deps.endpoints.list({ userId: user.id, communityId: params.id }) }),
      { params: IdParams, response: { 200: EndpointList }, detail: { summary: "The community's outgoing endpoints" } },
    )
    .get('/webhooks/:id', ({ user, params }) => deps.endpoints.get({ userId: user.id, endpointId: params.id }), {
      params: IdParams,
      response: { 200: Endpoint },
      detail: { summary: 'One outgoing endpoint' },
    })
    .patch(
      '/webhooks/:id',
      ({ user, params, body }) => deps.endpoints.update({ userId: user.id, endpointId: params.id, input: body }),
      {
        params: IdParams,
        body: UpdateEndpointBody,
        response: { 200: Endpoint },
        detail: { summary: 'Change the URL, the event filter, the description, or turn the endpoint on or off' },
      },
    )
    .delete(
      '/webhooks/:id',
      async ({ user, params, status }) => {
        await deps.endpoints.remove({ userId: user.id, endpointId: params.id })
        return status(204, undefined)
      },
      { params: IdParams, response: { 204: NoContent }, detail: { summary: 'Delete the endpoint and its delivery log' } },
    )
    .post('/webhooks/:id/rotate-secret', ({ user, params }) => deps.endpoints.rotateSecret({ userId: user.id, endpointId: params.id }), {
      params: IdParams,
      response: { 200: RotatedSecret },
      detail: { summary: 'A new signing secret; the old one keeps signing beside it for 24 hours' },
    })
    .get(
      '/webhooks/:id/deliveries',
      ({ user, params, query }) =>
        deps.deliveries.list({ userId: user.id, endpointId: params.id, status: query.status, cursor: query.cursor, limit: query.limit ?? 30 }),
      {
        params: IdParams,
        query: DeliveryQuery,
        response: { 200: DeliveryPage },
        detail: { summary: 'The delivery log, newest first: attempts, status codes, latencies, answer excerpts' },
      },
    )
    .post(
      '/webhooks/:id/deliveries/:deliveryId/retry',
      async ({ user, params, status }) =>
        status(202, await deps.deliveries.retry({ userId: user.id, endpointId: params.id, deliveryId: params.deliveryId })),
      {
        params: DeliveryParams,
        response: { 202: Accepted },
        detail: { summary: 'Send one delivery again now (same webhook-id)' },
      },
    )
    .post(
      '/webhooks/:id/recover',
      async ({ user, params, body, status }) =>
        status(202, await deps.deliveries.recover({ userId: user.id, endpointId: params.id, since: new Date(body.since) })),
      {
        params: IdParams,
        body: RecoverBody,
        response: { 202: Recovered },
        detail: { summary: 'Send again every delivery that failed among those created since a time' },
      },
    )
    .post(
      '/rooms/:id/incoming-webhooks',
      async ({ user, params, body, request, status }) =>
        status(201, await deps.incoming.create({ userId: user.id, roomId: params.id, input: body, origin: new URL(request.url).origin })),
      {
        params: IdParams,
        body: CreateIncomingBody,
        response: { 201: CreatedIncomingHook },
        detail: { summary: 'A URL that posts into the room; its token (and secret, for a signing provider) is shown once' },
      },
    )
    .get(
      '/rooms/:id/incoming-webhooks',
      async ({ user, params }) => ({ hooks: await deps.incoming.list({ userId: user.id, roomId: params.id }) }),
      { params: IdParams, response: { 200: IncomingHookList }, detail: { summary: "The room's incoming hooks" } },
    )
    .patch(
      '/incoming-webhooks/:id',
      ({ user, params, body }) => deps.incoming.update({ userId: user.id, hookId: params.id, input: body }),
      {
        params: IdParams,
        body: UpdateIncomingBody,
        response: { 200: IncomingHook },
        detail: { summary: 'Rename an incoming hook or turn it off (a disabled hook answers 404)' },
      },
    )
    .delete(
      '/incoming-webhooks/:id',
      async ({ user, params, status }) => {
        await deps.incoming.remove({ userId: user.id, hookId: params.id })
        return status(204, undefined)
      },
      { params: IdParams, response: { 204: NoContent }, detail: { summary: 'Delete an incoming hook' } },
    )

/** Both: the ingress (public) and the management routes (signed in). */
const webhooksRoutes = (deps: WebhooksRoutesDeps) => new Elysia().use(hookIngressRoutes(deps)).use(webhookManagementRoutes(deps))

import { Elysia, t } from 'elysia'
import { Id } from '../../lib/model'
import type { authGuard } from '../auth/guard'
import type { WebhookDeliveries } from './deliveries'
import type { WebhookEndpoints } from './endpoints'
import type { IncomingHooks } from './incoming'
import {
  Accepted,
  CreatedEndpoint,
  CreatedIncomingHook,
  CreateEndpointBody,
  CreateIncomingBody,
  DeliveryPage,
  DeliveryQuery,
  Endpoint,
  EndpointList,
  IncomingHook,
  IncomingHookList,
  RecoverBody,
  Recovered,
  RotatedSecret,
  UpdateEndpointBody,
  UpdateIncomingBody,
} from './model'

export interface WebhooksRoutesDeps {
  signedIn: () => ReturnType<typeof authGuard>
  endpoints: WebhookEndpoints
  deliveries: WebhookDeliveries
  incoming: IncomingHooks
}

const security = [{ bearer: [] }]
// src/app.ts RAW_BODY: the app's body parser leaves the bytes of a route marked so to the route.
const RAW_BODY = 'x-raw-body'
const IdParams = t.Object({ id: Id })

/** The public ingress of incoming hooks: no session, the URL's token (and a signature) is the credential. */
export const hookIngressRoutes = (deps: Pick<WebhooksRoutesDeps, 'incoming'>) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['webhooks'] } }).post(
    '/hooks/:id/:token',
    async ({ params, request, status }) => status(202, await deps.incoming.receive({ hookId: params.id, token: params.token, request })),
    {
      // The signature covers the raw bytes: nothing may parse the body before the verifier reads it.
      parse: 'none',
      params: t.Object({ id: t.String({ maxLength: 64 }), token: t.String({ maxLength: 128 }) }),
      response: { 202: Accepted },
      detail: {
        summary:
          'Post into a room: {body, username?} with verify=token, or the provider\'s own signed event (Standard Webhooks, GitHub, Stripe); 202 once checked and queued',
        [RAW_BODY]: true,
      },
    },
  )

/** Managing outgoing endpoints and incoming hooks (`manage_webhooks`). */
export const webhookManagementRoutes = (deps: WebhooksRoutesDeps) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['webhooks'], security } })
    .use(deps.signedIn())
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
      { params: IdParams, detail: { summary: 'Delete the endpoint and its delivery log' } },
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
        params: t.Object({ id: Id, deliveryId: Id }),
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
      { params: IdParams, detail: { summary: 'Delete an incoming hook' } },
    )

/** Both: the ingress (public) and the management routes (signed in). */
export const webhooksRoutes = (deps: WebhooksRoutesDeps) => new Elysia().use(hookIngressRoutes(deps)).use(webhookManagementRoutes(deps))

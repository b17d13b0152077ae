import { t, type Static } from 'elysia'
import type { IncomingWebhookRow, WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from '../../db/schema'
import { iso } from '../../lib/model'

/** `message.created`, `message.*` or `*`. */
export const EventFilter = t.String({ pattern: '^(\\*|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?)$', maxLength: 100 })

export const EndpointUrl = t.String({ minLength: 8, maxLength: 2000, description: 'https URL of the receiver' })

export const CreateEndpointBody = t.Object(
  {
    url: EndpointUrl,
    events: t.Array(EventFilter, { minItems: 1, maxItems: 50, uniqueItems: true }),
    description: t.Optional(t.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
)

export const UpdateEndpointBody = t.Object(
  {
    url: t.Optional(EndpointUrl),
    events: t.Optional(t.Array(EventFilter, { minItems: 1, maxItems: 50, uniqueItems: true })),
    enabled: t.Optional(t.Boolean()),
    description: t.Optional(t.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
)

export const Endpoint = t.Object({
  id: t.String(),
  communityId: t.String(),
  url: t.String(),
  events: t.Array(t.String()),
  description: t.String(),
  enabled: t.Boolean(),
  /** Why Hearth turned it off: `gone` (the receiver answered 410), `failing` (no success for days), `manual`. */
  disabledReason: t.Nullable(t.String()),
  failingSince: t.Nullable(t.String({ format: 'date-time' })),
  /** Until when the previous secret still signs beside the current one (after a rotation). */
  previousSecretUntil: t.Nullable(t.String({ format: 'date-time' })),
  createdAt: t.String({ format: 'date-time' }),
  updatedAt: t.String({ format: 'date-time' }),
})

export const CreatedEndpoint = t.Composite([Endpoint, t.Object({ secret: t.String({ description: 'shown once' }) })])

export const EndpointList = t.Object({ webhooks: t.Array(Endpoint) })

export const RotatedSecret = t.Object({ secret: t.String(), previousSecretUntil: t.String({ format: 'date-time' }) })

export const DeliveryStatusFilter = t.Union([t.Literal('pending'), t.Literal('succeeded'), t.Literal('failed')])

export const DeliveryQuery = t.Object({
  status: t.Optional(DeliveryStatusFilter),
  cursor: t.Optional(t.String({ maxLength: 200 })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 30 })),
})

export const Attempt = t.Object({
  attempt: t.Integer(),
  at: t.String({ format: 'date-time' }),
  statusCode: t.Nullable(t.Integer()),
  error: t.Nullable(t.String()),
  latencyMs: t.Integer(),
  responseExcerpt: t.Nullable(t.String()),
})

export const Delivery = t.Object({
  /** Also the `webhook-id` header of every attempt. */
  id: t.String(),
  eventId: t.String(),
  eventType: t.String(),
  status: DeliveryStatusFilter,
  attempts: t.Integer(),
  lastStatusCode: t.Nullable(t.Integer()),
  lastError: t.Nullable(t.String()),
  nextAttemptAt: t.Nullable(t.String({ format: 'date-time' })),
  createdAt: t.String({ format: 'date-time' }),
  finishedAt: t.Nullable(t.String({ format: 'date-time' })),
  /** Newest first, at most 10. */
  attemptLog: t.Array(Attempt),
})

export const DeliveryPage = t.Object({ deliveries: t.Array(Delivery), nextCursor: t.Nullable(t.String()) })

export const RecoverBody = t.Object({ since: t.String({ format: 'date-time', maxLength: 40 }) }, { additionalProperties: false })

export const Accepted = t.Object({ id: t.String() })
export const Recovered = t.Object({ count: t.Integer() })

export const VerifyMode = t.Union([t.Literal('token'), t.Literal('standard'), t.Literal('github'), t.Literal('stripe')])

export const CreateIncomingBody = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: 80 }),
    verify: t.Optional(VerifyMode),
    /** The provider's signing secret when it issues one (Stripe always does); generated otherwise. */
    secret: t.Optional(t.String({ minLength: 16, maxLength: 200 })),
  },
  { additionalProperties: false },
)

export const UpdateIncomingBody = t.Object(
  { name: t.Optional(t.String({ minLength: 1, maxLength: 80 })), enabled: t.Optional(t.Boolean()) },
  { additionalProperties: false },
)

export const IncomingHook = t.Object({
  id: t.String(),
  roomId: t.String(),
  name: t.String(),
  verify: VerifyMode,
  enabled: t.Boolean(),
  createdAt: t.String({ format: 'date-time' }),
})

export const CreatedIncomingHook = t.Composite([
  IncomingHook,
  t.Object({ url: t.String({ description: 'shown once: the token in it is the credential' }), secret: t.Optional(t.String()) }),
])

export const IncomingHookList = t.Object({ hooks: t.Array(IncomingHook) })

/** The body of a `verify: token` hook. */
export const TokenHookBody = t.Object({
  body: t.String({ minLength: 1, maxLength: 4000 }),
  username: t.Optional(t.String({ minLength: 1, maxLength: 80 })),
})

export type EndpointView = Static<typeof Endpoint>
export type DeliveryView = Static<typeof Delivery>
export type IncomingHookView = Static<typeof IncomingHook>
export type CreateEndpointInput = Static<typeof CreateEndpointBody>
export type UpdateEndpointInput = Static<typeof UpdateEndpointBody>

export const toEndpointView = (row: WebhookEndpointRow): EndpointView => ({
  id: row.id,
  communityId: row.communityId,
  url: row.url,
  events: row.events,
  description: row.description,
  enabled: row.enabled,
  disabledReason: row.disabledReason,
  failingSince: iso(row.failingSince),
  previousSecretUntil: row.previousSecretUntil && row.previousSecretUntil > new Date() ? iso(row.previousSecretUntil) : null,
  createdAt: iso(row.createdAt)!,
  updatedAt: iso(row.updatedAt)!,
})

export const toDeliveryView = (row: WebhookDeliveryRow, attempts: WebhookAttemptRow[]): DeliveryView => ({
  id: row.id,
  eventId: row.eventId,
  eventType: row.eventType,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.lastStatusCode,
  lastError: row.lastError,
  nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
  createdAt: iso(row.createdAt)!,
  finishedAt: iso(row.finishedAt),
  attemptLog: attempts.map((a) => ({
    attempt: a.attempt,
    at: iso(a.startedAt)!,
    statusCode: a.statusCode,
    error: a.error,
    latencyMs: a.latencyMs,
    responseExcerpt: a.responseExcerpt,
  })),
})

export const toIncomingView = (row: IncomingWebhookRow): IncomingHookView => ({
  id: row.id,
  roomId: row.roomId,
  name: row.name,
  verify: row.verify,
  enabled: row.enabled,
  createdAt: iso(row.createdAt)!,
})

/** Does an endpoint's filter take this event type? */
export function wantsEvent(filters: string[], type: string): boolean {
  return filters.some((f) => f === '*' || f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))))
}

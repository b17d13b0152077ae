import { t, type Static } from 'elysia'
import type { IncomingWebhookRow, WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from '../../db/schema'
import type { DomainEventMap, DomainEventType } from '../../domain-events/types'
import { AppError } from '../../lib/errors'
import { Id, iso } from '../../lib/model'

declare module '../../domain-events/types' {
  interface DomainEventMap {
    /** Hearth turned an outgoing endpoint off: it answered 410 (`gone`) or failed everything for days (`failing`). */
    'webhook.disabled': { endpointId: string; url: string; reason: 'gone' | 'failing' }
  }
}

/**
 * Every domain event, with what it means to an endpoint — or `null` for one that never
 * leaves Hearth (who reported whom, what automod refused: a webhook would tell them to
 * whoever manages webhooks). Typed by the event map: an event type added anywhere fails
 * to compile until it is decided here.
 */
export const EVENT_TYPES: Record<DomainEventType, string | null> = {
  'message.created': 'a message was sent in a room of the community',
  'message.updated': 'a message was edited',
  'message.deleted': 'a message was deleted',
  'member.joined': 'someone joined the community',
  'member.left': 'someone left the community or was removed from it',
  'room.created': 'a room was created',
  'room.updated': 'a room was renamed, moved or changed',
  'room.member_added': 'someone was added to a private room',
  'room.member_removed': 'someone left or was removed from a private room',
  'webhook.disabled': 'Hearth turned one of the community\'s endpoints off (it answered 410, or failed for days)',
  'automod.rule_created': 'an automod rule was created',
  'automod.rule_updated': 'an automod rule was changed',
  'automod.rule_deleted': 'an automod rule was deleted',
  'automod.refused': null,
  'report.opened': null,
  'report.resolved': null,
  'poll.created': 'a poll was posted in a room',
  'poll.closed': 'a poll closed (by hand, by time, or its message was deleted)',
  'survey.created': 'a survey was created',
  'survey.closed': 'a survey closed',
  'event.created': 'a calendar event was created',
  'event.updated': 'a calendar event, one occurrence or the ones following, was changed',
  'event.occurrence.cancelled': 'one occurrence of a calendar event was cancelled',
  'event.deleted': 'a calendar event was deleted',
  // Who answers what is between the member and the organisers.
  'event.rsvp': null,
  'event.waitlist.promoted': null,
  // The social layer belongs to people, not to a community: none of it goes to a community's endpoints.
  'follow.created': null,
  'follow.deleted': null,
  'block.created': null,
  'block.deleted': null,
  'post.created': null,
  'post.deleted': null,
  'post.liked': null,
  'post.unliked': null,
  'comment.created': null,
  'comment.deleted': null,
  // A user's uploads are theirs; the messages that carry them say what a community needs.
  'media.updated': null,
}

/** The event types an endpoint can receive, with what each means. */
export const DELIVERABLE_EVENTS: { type: string; description: string }[] = Object.entries(EVENT_TYPES).flatMap(([type, description]) =>
  description ? [{ type, description }] : [],
)

/** Does one filter (`*`, a type, `prefix.*`) take this event type? */
const filterTakes = (filter: string, type: string) =>
  filter === '*' || filter === type || (filter.endsWith('.*') && type.startsWith(filter.slice(0, -1)))

/** `message.created`, `message.*` or `*`. */
export const EventFilter = t.String({ pattern: '^(\\*|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?)$', maxLength: 100 })

/** Refuses filters that can match no event: each is `*`, a known type, or `prefix.*` of a known type. */
export function checkEventFilters(filters: string[]): void {
  const unknown = filters.filter((f) => !DELIVERABLE_EVENTS.some(({ type }) => filterTakes(f, type)))
  if (unknown.length) {
    throw new AppError('validation_failed', `no event matches ${unknown.map((f) => `"${f}"`).join(', ')}; see GET /v1/webhooks/event-types`, {
      details: { field: 'events', unknown },
    })
  }
}

export const EventTypeList = t.Object({ types: t.Array(t.Object({ type: t.String(), description: t.String() })) })

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
  hidden: t.Boolean({
    description:
      'true when you cannot view the room or group the event happened in: the row is shown, what the receiver answered (responseExcerpt, which may echo the event) is null',
  }),
})

export const DeliveryPage = t.Object({ deliveries: t.Array(Delivery), nextCursor: t.Nullable(t.String()) })

export const RecoverBody = t.Object({ since: t.String({ format: 'date-time', maxLength: 40 }) }, { additionalProperties: false })

export const Accepted = t.Object({ id: t.String() })
export const DeliveryParams = t.Object({ id: Id, deliveryId: Id })
export const HookParams = t.Object({ id: t.String({ maxLength: 64 }), token: t.String({ maxLength: 128 }) })
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
  /** The user its messages are authored by (named after the hook). */
  botUserId: t.String(),
  verify: VerifyMode,
  enabled: t.Boolean(),
  createdAt: t.String({ format: 'date-time' }),
})

export const CreatedIncomingHook = t.Composite([
  IncomingHook,
  t.Object({ url: t.String({ description: 'shown once: the token in it is the credential' }), secret: t.Optional(t.String()) }),
])

export const IncomingHookList = t.Object({ hooks: t.Array(IncomingHook) })

/** The body of a `verify: token` hook (other fields are ignored: the author is the hook's bot). */
export const TokenHookBody = t.Object({
  body: t.String({ minLength: 1, maxLength: 4000 }),
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

/** `hidden`: the reader cannot view the delivery's place, so nothing the receiver answered is shown. */
export const toDeliveryView = (row: WebhookDeliveryRow, attempts: WebhookAttemptRow[], opts: { hidden: boolean }): DeliveryView => ({
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
    responseExcerpt: opts.hidden ? null : a.responseExcerpt,
  })),
  hidden: opts.hidden,
})

export const toIncomingView = (row: IncomingWebhookRow): IncomingHookView => ({
  id: row.id,
  roomId: row.roomId,
  name: row.name,
  botUserId: row.botUserId,
  verify: row.verify,
  enabled: row.enabled,
  createdAt: iso(row.createdAt)!,
})

/**
 * The `data` an endpoint is sent for an event. An endpoint that went off is named by its id
 * and its URL's origin only: a receiver's path or query often holds its credential, which
 * the other endpoints (third parties) must not learn.
 */
export function payloadData(event: { type: string; data: unknown }): unknown {
  if (event.type !== 'webhook.disabled') return event.data
  const data = event.data as DomainEventMap['webhook.disabled']
  let origin: string
  try {
    origin = new URL(data.url).origin
  } catch {
    origin = ''
  }
  return { ...data, url: origin }
}

/** Does an endpoint's filter take this event type? */
export function wantsEvent(filters: string[], type: string): boolean {
  if (!EVENT_TYPES[type as DomainEventType]) return false // internal: never leaves Hearth, whatever the filter
  return filters.some((f) => filterTakes(f, type))
}

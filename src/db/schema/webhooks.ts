import { sql } from 'drizzle-orm'
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { communities, rooms } from './communities'
import { users } from './users'

/**
 * A community's outgoing webhook endpoint. The secret signs every delivery; after a
 * rotation the previous one keeps signing beside it until `previousSecretUntil`.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** Event types delivered: exact (`message.created`), a prefix (`message.*`) or everything (`*`). */
    events: text('events').array().notNull(),
    description: text('description').notNull().default(''),
    enabled: boolean('enabled').notNull().default(true),
    /** Why the endpoint was turned off by Hearth: `gone` (410), `failing` (no success for days); null otherwise. */
    disabledReason: text('disabled_reason').$type<'gone' | 'failing' | 'manual'>(),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretUntil: timestamp('previous_secret_until', { withTimezone: true, mode: 'date' }),
    /** First failure since the last success; null while the endpoint succeeds. */
    failingSince: timestamp('failing_since', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_community_idx').on(t.communityId)],
)

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect

export const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const
export type DeliveryStatus = (typeof deliveryStatuses)[number]

export const deliveryPlaceKinds = ['community', 'room', 'group', 'unknown'] as const
export type DeliveryPlaceKind = (typeof deliveryPlaceKinds)[number]

/**
 * One event for one endpoint. `body` is the exact text signed and sent on every attempt;
 * the row's id is the `webhook-id` header, the same on every retry.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    body: text('body').notNull(),
    /**
     * Where the event happened: the place whose view decided the delivery (the endpoint's
     * creator's), and decides who may read what the receiver answered. `community` for
     * events of no room or group; `unknown` for deliveries made before this was recorded whose
     * type, body or row did not say (a deleted calendar event's or survey's: see migration 0025).
     */
    placeKind: text('place_kind').$type<DeliveryPlaceKind>().notNull(),
    /** The room's or group's id (null for `community` and `unknown`). */
    placeId: uuid('place_id'),
    /**
     * The endpoint's creator whose view let the delivery through when it was made. An attempt
     * made once the endpoint has another creator (its URL was changed) asks that one again.
     */
    decidedFor: uuid('decided_for'),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Position in the retry schedule of the delay after the next failure (0 after a manual retry). */
    step: integer('step').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** When it succeeded or was given up. */
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_idx').on(t.endpointId, t.eventId),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.id),
    index('webhook_deliveries_failed_idx').on(t.endpointId, t.createdAt).where(sql`${t.status} = 'failed'`),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
)

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect

/** One try of a delivery: what the receiver answered (an excerpt), never what was sent. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    /** 1 for the first attempt of the delivery. */
    attempt: integer('attempt').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    statusCode: integer('status_code'),
    /** Why it failed without an answer (timeout, refused address, connection error). */
    error: text('error'),
    latencyMs: integer('latency_ms').notNull(),
    responseExcerpt: text('response_excerpt'),
  },
  (t) => [uniqueIndex('webhook_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
)

export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect

export const incomingVerifiers = ['token', 'standard', 'github', 'stripe'] as const
export type IncomingVerifier = (typeof incomingVerifiers)[number]

/**
 * A URL that posts into a room. The URL's token is stored hashed; a provider secret
 * (Standard Webhooks, GitHub, Stripe) is stored as given, since verifying needs it.
 * Its messages are authored by its own bot user (`botUserId`), made with the hook and
 * named after it: a member of the community allowed to view and send in the room.
 */
export const incomingWebhooks = pgTable(
  'incoming_webhooks',
  {
    id: uuid('id').primaryKey(),
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    verify: text('verify').$type<IncomingVerifier>().notNull(),
    tokenHash: text('token_hash').notNull(),
    secret: text('secret'),
    enabled: boolean('enabled').notNull().default(true),
    /** The user its messages are authored by (kept when the hook is deleted: it wrote messages). */
    botUserId: uuid('bot_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('incoming_webhooks_room_idx').on(t.roomId), uniqueIndex('incoming_webhooks_bot_key').on(t.botUserId)],
)

export type IncomingWebhookRow = typeof incomingWebhooks.$inferSelect

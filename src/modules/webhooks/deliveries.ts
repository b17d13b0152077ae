import { and, desc, eq, gte, inArray, lt } from 'drizzle-orm'
import type { Database } from '../../db/client'
import type { DomainEvent } from '../../domain-events/types'
import {
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  type DeliveryStatus,
  type WebhookEndpointRow,
} from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { isUuid, newId } from '../../lib/ids'
import type { JobQueues } from '../../jobs/producer'
import { enqueueAttempts } from './dispatcher'
import type { WebhookEndpoints } from './endpoints'
import { payloadData, toDeliveryView, wantsEvent, type DeliveryView } from './model'
import { askedOnce, canViewPlace, placeOf, scopeOf, type CanView } from './places'

/** What a delivery needs of a committed domain event. */
export type WebhookEvent = Pick<DomainEvent, 'id' | 'type' | 'at' | 'data' | 'communityId' | 'roomId' | 'groupId'>

export interface WebhookDeliveriesDeps {
  db: Database
  jobs: Pick<JobQueues, 'enqueueBulk'>
  endpoints: Pick<WebhookEndpoints, 'requireManaged'>
  canView: CanView
}

const ATTEMPTS_SHOWN = 10

/** Turns events into deliveries, and lets managers read, retry and recover them. */
export class WebhookDeliveries {
  constructor(private readonly deps: WebhookDeliveriesDeps) {}

  /** See `deliverEvents`. */
  deliver(event: WebhookEvent): Promise<number> {
    return deliverEvents(this.deps, [event])
  }

  /**
   * The endpoint's log, newest first. Managing the endpoint is not seeing every place it
   * hears from: of a delivery whose place the reader cannot view, the row is shown and
   * what the receiver answered is not (`hidden`).
   */
  async list(opts: {
    userId: string
    endpointId: string
    status?: DeliveryStatus
    cursor?: string
    limit: number
  }): Promise<{ deliveries: DeliveryView[]; nextCursor: string | null }> {
    const endpoint = await this.deps.endpoints.requireManaged(opts.userId, opts.endpointId)
    if (opts.cursor !== undefined && !isUuid(opts.cursor)) throw new AppError('validation_failed', 'cursor is not one this API gave out')
    const rows = await this.deps.db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.endpointId, opts.endpointId),
          opts.status ? eq(webhookDeliveries.status, opts.status) : undefined,
          opts.cursor ? lt(webhookDeliveries.id, opts.cursor) : undefined,
        ),
      )
      .orderBy(desc(webhookDeliveries.id))
      .limit(opts.limit + 1)
    const page = rows.slice(0, opts.limit)
    const attempts = page.length
      ? await this.deps.db
          .select()
          .from(webhookAttempts)
          .where(inArray(webhookAttempts.deliveryId, page.map((d) => d.id)))
          .orderBy(desc(webhookAttempts.attempt))
      : []
    const byDelivery = Map.groupBy(attempts, (a) => a.deliveryId)
    const canView = askedOnce(this.deps.canView)
    const readable = await Promise.all(page.map((d) => canViewPlace(canView, opts.userId, endpoint.communityId, d)))
    return {
      deliveries: page.map((d, i) => toDeliveryView(d, (byDelivery.get(d.id) ?? []).slice(0, ATTEMPTS_SHOWN), { hidden: !readable[i] })),
      nextCursor: rows.length > opts.limit ? page[page.length - 1]!.id : null,
    }
  }

  /** Sends a delivery again now, with its id (receivers deduplicate), from the start of the schedule. */
  async retry(opts: { userId: string; endpointId: string; deliveryId: string }): Promise<{ id: string }> {
    const endpoint = await this.deps.endpoints.requireManaged(opts.userId, opts.endpointId)
    if (!endpoint.enabled) throw new AppError('conflict', 'the endpoint is disabled; enable it first')
    if (!isUuid(opts.deliveryId)) throw notFound('delivery')
    const [row] = await this.deps.db
      .update(webhookDeliveries)
      .set({ status: 'pending', step: 0, nextAttemptAt: new Date(), finishedAt: null, updatedAt: new Date() })
      .where(and(eq(webhookDeliveries.id, opts.deliveryId), eq(webhookDeliveries.endpointId, opts.endpointId)))
      .returning({ id: webhookDeliveries.id, attempts: webhookDeliveries.attempts })
    if (!row) throw notFound('delivery')
    await enqueueAttempts(this.deps.jobs, [{ deliveryId: row.id, attempt: row.attempts + 1 }], `m${Date.now()}`)
    return { id: row.id }
  }

  /** Sends again every delivery of the endpoint that failed, among those created since `since`. */
  async recover(opts: { userId: string; endpointId: string; since: Date }): Promise<{ count: number }> {
    const endpoint = await this.deps.endpoints.requireManaged(opts.userId, opts.endpointId)
    if (!endpoint.enabled) throw new AppError('conflict', 'the endpoint is disabled; enable it first')
    const rows = await this.deps.db
      .update(webhookDeliveries)
      .set({ status: 'pending', step: 0, nextAttemptAt: new Date(), finishedAt: null, updatedAt: new Date() })
      .where(
        and(
          eq(webhookDeliveries.endpointId, opts.endpointId),
          eq(webhookDeliveries.status, 'failed'),
          gte(webhookDeliveries.createdAt, opts.since),
        ),
      )
      .returning({ id: webhookDeliveries.id, attempts: webhookDeliveries.attempts })
    await enqueueAttempts(
      this.deps.jobs,
      rows.map((r) => ({ deliveryId: r.id, attempt: r.attempts + 1 })),
      `r${Date.now()}`,
    )
    return { count: rows.length }
  }
}

/** What deliverEvents needs: where deliveries are stored and queued, and who may see what. */
export interface DeliverDeps {
  db: Database
  jobs: Pick<JobQueues, 'enqueueBulk'>
  /** Whether a user may see a room or group now: an endpoint gets its events only if its creator may. */
  canView: CanView
}

/** Rows of one insert (nine parameters each: well under Postgres's 65535). */
const INSERT_ROWS = 1000

/**
 * One delivery per enabled endpoint of each event's community whose filter takes it (and
 * that existed when the event happened: an endpoint gets what happens after it is added),
 * each queued for its first attempt. Idempotent by (event id, endpoint): a redelivered
 * event queues only what never got its first attempt. Returns how many were queued.
 * A hot room's messages come by the hundred: a batch is one read of the endpoints, one
 * insert and one enqueue, each creator asked once per place, and nothing more for
 * communities without endpoints.
 */
export async function deliverEvents(deps: DeliverDeps, events: WebhookEvent[]): Promise<number> {
  const communities = [...new Set(events.flatMap((e) => (e.communityId ? [e.communityId] : [])))]
  if (communities.length === 0) return 0
  const endpoints = await enabledEndpoints(deps.db, communities)
  if (endpoints.length === 0) return 0
  const canView = askedOnce(deps.canView)
  const now = new Date()
  const rows: (typeof webhookDeliveries.$inferInsert)[] = []
  for (const event of events) {
    const at = Date.parse(event.at)
    const wanted = endpoints.filter((e) => e.communityId === event.communityId && e.createdAt.getTime() <= at && wantsEvent(e.events, event.type))
    if (wanted.length === 0) continue
    // What a rule hides stays hidden: a private room's (or group's) events reach only endpoints whose creator can see it.
    const scope = scopeOf(event)
    const allowed = scope ? await Promise.all(wanted.map((e) => (e.createdBy ? canView(e.createdBy, scope) : false))) : wanted.map(() => true)
    const body = JSON.stringify({ type: event.type, timestamp: event.at, data: payloadData(event) })
    const place = placeOf(scope)
    for (const [i, e] of wanted.entries()) {
      if (allowed[i]) rows.push({ id: newId(), endpointId: e.id, eventId: event.id, eventType: event.type, body, ...place, decidedFor: e.createdBy, nextAttemptAt: now })
    }
  }
  if (rows.length === 0) return 0
  let fresh: { id: string }[] = []
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    const added = await deps.db.insert(webhookDeliveries).values(rows.slice(i, i + INSERT_ROWS)).onConflictDoNothing().returning({ id: webhookDeliveries.id })
    fresh.push(...added)
  }
  if (fresh.length < rows.length) {
    // Seen before: rows of an earlier run that never made their first attempt are queued again.
    const pairs = new Set(rows.map((r) => `${r.eventId}|${r.endpointId}`))
    const pending = await deps.db
      .select({ id: webhookDeliveries.id, eventId: webhookDeliveries.eventId, endpointId: webhookDeliveries.endpointId })
      .from(webhookDeliveries)
      .where(
        and(
          inArray(webhookDeliveries.eventId, [...new Set(rows.map((r) => r.eventId))]),
          inArray(webhookDeliveries.endpointId, [...new Set(rows.map((r) => r.endpointId))]),
          eq(webhookDeliveries.status, 'pending'),
          eq(webhookDeliveries.attempts, 0),
        ),
      )
    fresh = pending.filter((d) => pairs.has(`${d.eventId}|${d.endpointId}`))
  }
  await enqueueAttempts(deps.jobs, fresh.map((d) => ({ deliveryId: d.id, attempt: 1 })))
  return fresh.length
}

/** What deliverEvents needs of an endpoint. */
type EndpointTarget = Pick<WebhookEndpointRow, 'id' | 'communityId' | 'events' | 'createdBy' | 'createdAt'>

/** The enabled endpoints of some communities, in one read. */
function enabledEndpoints(db: Database, communityIds: string[]): Promise<EndpointTarget[]> {
  return db
    .select({
      id: webhookEndpoints.id,
      communityId: webhookEndpoints.communityId,
      events: webhookEndpoints.events,
      createdBy: webhookEndpoints.createdBy,
      createdAt: webhookEndpoints.createdAt,
    })
    .from(webhookEndpoints)
    .where(and(inArray(webhookEndpoints.communityId, communityIds), eq(webhookEndpoints.enabled, true)))
}

/** Deletes finished deliveries (and their attempts) created before `before`; returns how many. */
export async function pruneDeliveries(db: Database, before: Date): Promise<number> {
  const gone = await db
    .delete(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.status, ['succeeded', 'failed']), lt(webhookDeliveries.createdAt, before)))
    .returning({ id: webhookDeliveries.id })
  return gone.length
}

import { and, eq, lt, sql, type SQL } from 'drizzle-orm'
import type { WebhooksConfig } from '../../config'
import type { Database } from '../../db/client'
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookDeliveryRow, type WebhookEndpointRow } from '../../db/schema'
import { newId } from '../../lib/ids'
import type { Logger } from '../../lib/log'
import type { Redis } from '../../lib/redis'
import { writeOutbox } from '../../db/outbox'
import type { DomainEventMap } from '../../domain-events/types'
import type { Tx } from '../../db/tx'
import type { JobQueues } from '../../jobs/producer'
import { jobId } from '../../jobs/queues'
import { canViewPlace, type CanView } from './places'
import { RedisSemaphore, type Lease } from './semaphore'
import { sendWebhook, type SendResult } from './sender'
import { signatureHeader } from './signing'
import { checkTarget, UnsafeTargetError, type Resolver } from './target'

export interface AttemptJob {
  deliveryId: string
  /** The attempt this job makes (1 = first); a job whose attempt was already made does nothing. */
  attempt: number
  /** Times this attempt found its endpoint busy (or another attempt of its delivery on its way) and waited. */
  waits?: number
  /** Set on a retry's, a recovery's or a reset's job: its re-queued jobs' ids carry it, apart from an earlier chain's of the same attempt. */
  tag?: string
}

export type AttemptOutcome = 'succeeded' | 'retrying' | 'failed' | 'disabled' | 'busy' | 'stale'

export interface DeliveryDispatcherDeps {
  db: Database
  redis: Redis
  log: Logger
  jobs: Pick<JobQueues, 'enqueue' | 'enqueueBulk'>
  config: WebhooksConfig
  resolve: Resolver
  /** Whether the endpoint's creator can view a delivery's place (asked only of a creator other than the one the delivery was decided for). */
  canView: CanView
}

const RESOLVE_BUDGET_MS = 5000

/** The job id of an attempt: scheduling the same attempt twice is one job. */
const attemptJobId = (deliveryId: string, attempt: number, tag?: string) =>
  tag ? jobId('wh', deliveryId, attempt, tag) : jobId('wh', deliveryId, attempt)

const BULK = 500

/** Queues attempts, a bulk at a time (`tag` makes a fresh job of an attempt already queued once). */
export async function enqueueAttempts(jobs: Pick<JobQueues, 'enqueueBulk'>, attempts: AttemptJob[], tag?: string): Promise<void> {
  for (let i = 0; i < attempts.length; i += BULK) {
    await jobs.enqueueBulk({
      queue: 'webhooks',
      jobs: attempts.slice(i, i + BULK).map((data) => ({ name: 'deliver', data: tag ? { ...data, tag } : data, jobId: attemptJobId(data.deliveryId, data.attempt, tag) })),
    })
  }
}

/**
 * Makes the attempts of deliveries: one per job. Each attempt re-checks the endpoint's
 * address, sends to exactly that address, records what the receiver answered and
 * schedules the next attempt itself (not BullMQ's backoff: the schedule runs to a day).
 * A job that throws is a Hearth problem (Postgres or Redis down); BullMQ retries it.
 */
export class DeliveryDispatcher {
  private readonly semaphore: RedisSemaphore
  private readonly sending: RedisSemaphore

  constructor(private readonly deps: DeliveryDispatcherDeps) {
    this.semaphore = new RedisSemaphore({ redis: deps.redis, namespace: 'wh:busy' })
    this.sending = new RedisSemaphore({ redis: deps.redis, namespace: 'wh:sending' })
  }

  private get leaseMs() {
    return this.deps.config.timeoutMs + RESOLVE_BUDGET_MS + 5000
  }

  /**
   * One attempt of a delivery at a time: a retry asked while an attempt is on its way waits
   * for it, then reads what it recorded (the attempt on its way queues the retry's send, see
   * record()). Without this the two went out together, and the one recorded second was lost
   * from the log.
   */
  async attempt(job: AttemptJob): Promise<AttemptOutcome> {
    const sending = await this.sending.acquire({ key: job.deliveryId, limit: 1, leaseMs: this.leaseMs })
    if (!sending) return this.wait(job)
    try {
      return await this.attemptAlone(job, sending)
    } finally {
      await sending.release().catch(() => {})
    }
  }

  /** Queues the job again, a little later (its delivery or its endpoint was busy). */
  private async wait(job: AttemptJob): Promise<AttemptOutcome> {
    const waits = (job.waits ?? 0) + 1
    // Short at first (a fast endpoint's slot frees in milliseconds: starting at 250 ms held
    // local deliveries to 160/s, 20 ms gives about 330/s), doubling to 5 s for a slow one.
    const delayMs = Math.round(Math.min(20 * 2 ** Math.min(waits - 1, 8), 5000) * (0.5 + Math.random()))
    await this.deps.jobs.enqueue({
      queue: 'webhooks',
      name: 'deliver',
      data: { ...job, waits } satisfies AttemptJob,
      jobId: attemptJobId(job.deliveryId, job.attempt, `${job.tag ?? ''}w${waits}`),
      delayMs,
    })
    return 'busy'
  }

  private async attemptAlone(job: AttemptJob, sending: Lease): Promise<AttemptOutcome> {
    const [found] = await this.deps.db
      // `version`: the row's updated_at exactly (the JS Date keeps milliseconds only), for record().
      .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints, version: sql<string>`${webhookDeliveries.updatedAt}::text` })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.id, job.deliveryId))
    if (!found) return 'stale'
    const { delivery, endpoint, version } = found
    if (delivery.status !== 'pending' || delivery.attempts !== job.attempt - 1) return 'stale'
    if (!endpoint.enabled) return this.giveUp(delivery, 'endpoint disabled')
    // A delivery was decided for the endpoint's creator of the moment (`decidedFor`). An endpoint
    // moved since by another manager (who became its creator) sends a private room's or group's
    // delivery only if that creator can view it too. Compared by who, not by when: the PATCH
    // may commit between deliverEvents' check and its insert, and the two clocks differ.
    if (delivery.placeKind !== 'community' && (endpoint.createdBy === null || endpoint.createdBy !== delivery.decidedFor)) {
      const allowed = endpoint.createdBy !== null && (await canViewPlace(this.deps.canView, endpoint.createdBy, endpoint.communityId, delivery))
      if (!allowed) return this.giveUp(delivery, "not sent: the endpoint's creator cannot view where the event happened")
    }

    // One slow endpoint holds at most its own slots; a job that finds them taken waits
    // in the queue (delayed), not in a worker.
    const lease = await this.semaphore.acquire({ key: endpoint.id, limit: this.deps.config.endpointConcurrency, leaseMs: this.leaseMs })
    if (!lease) return this.wait(job)
    try {
      // The lease ran from before the row was read: renewed so it covers the send, then the
      // record (a retry waiting for it must not go out beside this attempt).
      if (!(await sending.renew())) return this.wait(job)
      const startedAt = new Date()
      const result = await this.send(endpoint, { id: delivery.id, body: delivery.body })
      await sending.renew()
      return await this.record({ endpoint, deliveryId: delivery.id, attempt: job.attempt, step: delivery.step, version, startedAt, result })
    } finally {
      await lease.release().catch(() => {})
    }
  }

  /** Ends a delivery without an attempt (unless another run of this attempt moved it on). */
  private async giveUp(delivery: WebhookDeliveryRow, reason: string): Promise<AttemptOutcome> {
    await this.deps.db
      .update(webhookDeliveries)
      .set({ status: 'failed', lastError: reason, nextAttemptAt: null, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.attempts, delivery.attempts)))
    return 'failed'
  }

  /** Schedules the attempts that a crash left without a job (their time is long past). */
  async resumeOverdue(opts: { graceMs?: number; limit?: number } = {}): Promise<number> {
    const due = await this.deps.db
      .select({ id: webhookDeliveries.id, attempts: webhookDeliveries.attempts })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, 'pending'), lt(webhookDeliveries.nextAttemptAt, new Date(Date.now() - (opts.graceMs ?? 60_000)))))
      .limit(opts.limit ?? 500)
    // Tagged: BullMQ keeps a failed job (Postgres down through all its tries) for days, and a
    // new job under its id would be dropped. A job that was only late finds itself stale.
    await enqueueAttempts(this.deps.jobs, due.map((d) => ({ deliveryId: d.id, attempt: d.attempts + 1 })), `o${Date.now()}`)
    return due.length
  }

  private async send(endpoint: WebhookEndpointRow, msg: { id: string; body: string }): Promise<SendResult> {
    const { config } = this.deps
    let target
    try {
      target = await checkTarget(endpoint.url, config, this.deps.resolve)
    } catch (err) {
      if (err instanceof UnsafeTargetError) return { ok: false, error: `not sent: ${err.message}`, latencyMs: 0 }
      throw err
    }
    const timestamp = Math.floor(Date.now() / 1000)
    const secrets = [endpoint.secret]
    if (endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil > new Date()) {
      secrets.push(endpoint.previousSecret)
    }
    return sendWebhook({
      target,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Hearth-Webhooks/1',
        'webhook-id': msg.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, { id: msg.id, timestamp, body: msg.body }),
      },
      body: msg.body,
      timeoutMs: config.timeoutMs,
      maxResponseBytes: config.maxResponseBytes,
      ca: config.caCerts,
    })
  }

  private async record(opts: {
    endpoint: WebhookEndpointRow
    deliveryId: string
    attempt: number
    step: number
    /** The delivery row's updated_at (as text) when the attempt read it: a retry or a recovery since changes it. */
    version: string
    startedAt: Date
    result: SendResult
  }): Promise<AttemptOutcome> {
    const { endpoint, result, attempt } = opts
    const { retryScheduleMs, disableAfterSeconds } = this.deps.config
    const status = result.ok ? result.status : null
    const succeeded = status !== null && status >= 200 && status < 300
    const gone = status === 410
    const retryable = !succeeded && !gone && opts.step < retryScheduleMs.length
    const now = new Date()
    let nextAt: Date | null = null
    if (retryable) {
      let delay = retryScheduleMs[opts.step]! * (0.8 + Math.random() * 0.4)
      // Retry-After is a "not before": honoured when it asks for longer than the schedule.
      if (result.ok && (status === 429 || status! >= 500) && result.retryAfterSeconds !== undefined) {
        delay = Math.max(delay, Math.min(result.retryAfterSeconds, 86_400) * 1000)
      }
      nextAt = new Date(now.getTime() + Math.round(delay))
    }
    const outcome: AttemptOutcome = succeeded ? 'succeeded' : gone ? 'disabled' : retryable ? 'retrying' : 'failed'
    const lastError = succeeded ? null : result.ok ? `answered ${status}` : result.error

    const fields = {
      status: outcome === 'retrying' ? 'pending' : outcome === 'succeeded' ? 'succeeded' : 'failed',
      attempts: attempt,
      step: retryable ? opts.step + 1 : opts.step,
      nextAttemptAt: nextAt,
      lastStatusCode: status,
      lastError,
      finishedAt: retryable ? null : now,
      updatedAt: now,
    } as const
    const recorded = await this.deps.db.transaction(async (tx) => {
      const claim = (set: Partial<typeof webhookDeliveries.$inferInsert>, ...more: SQL[]) =>
        tx
          .update(webhookDeliveries)
          .set(set)
          .where(and(eq(webhookDeliveries.id, opts.deliveryId), eq(webhookDeliveries.attempts, attempt - 1), eq(webhookDeliveries.status, 'pending'), ...more))
          .returning({ id: webhookDeliveries.id })
      let [claimed] = await claim(fields, sql`${webhookDeliveries.updatedAt}::text = ${opts.version}`)
      // A manager's retry (or a recovery) reset the delivery while this attempt was on its way:
      // the attempt is recorded, and the delivery goes again at once from the start of the
      // schedule (the retry's own job, queued with this attempt's number, waits for this one to
      // end and then finds itself stale). Each job stays one numbered attempt, so a job run
      // twice never sends twice. A receiver that answered 410 is not asked again.
      let reset = false
      if (!claimed) {
        ;[claimed] = await claim(gone ? fields : { ...fields, status: 'pending', step: 0, nextAttemptAt: now, finishedAt: null })
        reset = claimed !== undefined && !gone
      }
      // Another run of this attempt recorded it first (a stalled job run twice).
      if (!claimed) return 'stale' as const
      await tx.insert(webhookAttempts).values({
        id: newId(),
        deliveryId: opts.deliveryId,
        attempt,
        startedAt: opts.startedAt,
        statusCode: status,
        error: result.ok ? null : result.error,
        latencyMs: result.latencyMs,
        responseExcerpt: result.ok ? result.excerpt : null,
      })
      if (succeeded) {
        // The common case (an endpoint that was not failing) costs no write here.
        if (endpoint.failingSince) {
          await tx.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, endpoint.id))
        }
        return { reset, disabled: undefined }
      }
      if (gone) return { reset, disabled: await this.disable(tx, endpoint, 'gone') }
      const [marked] = await tx
        .update(webhookEndpoints)
        .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, now())` })
        .where(eq(webhookEndpoints.id, endpoint.id))
        .returning({ failingSince: webhookEndpoints.failingSince })
      if (marked?.failingSince && now.getTime() - marked.failingSince.getTime() >= disableAfterSeconds * 1000) {
        return { reset, disabled: await this.disable(tx, endpoint, 'failing') }
      }
      return { reset, disabled: undefined }
    })
    if (recorded === 'stale') return 'stale'
    const { reset, disabled } = recorded
    if (reset) {
      // Queued even when this attempt turned the endpoint off: the job then ends the delivery at once.
      const tag = `s${Date.now()}`
      await this.deps.jobs.enqueue({
        queue: 'webhooks',
        name: 'deliver',
        data: { deliveryId: opts.deliveryId, attempt: attempt + 1, tag } satisfies AttemptJob,
        jobId: attemptJobId(opts.deliveryId, attempt + 1, tag),
        delayMs: 0,
      })
    } else if (nextAt && !reset) {
      await this.deps.jobs.enqueue({
        queue: 'webhooks',
        name: 'deliver',
        data: { deliveryId: opts.deliveryId, attempt: attempt + 1 } satisfies AttemptJob,
        jobId: attemptJobId(opts.deliveryId, attempt + 1),
        delayMs: Math.max(0, nextAt.getTime() - Date.now()),
      })
    }
    if (disabled) this.deps.log.warn('webhook endpoint disabled', { endpointId: endpoint.id, reason: disabled })
    return disabled === 'gone' ? 'disabled' : outcome
  }

  /**
   * Turns the endpoint off, once: returns the reason only to the run that turned it off,
   * which records `webhook.disabled` in the same transaction (its reaction tells the
   * community's managers, so a crash right after the commit loses no alert).
   */
  private async disable(tx: Tx, endpoint: WebhookEndpointRow, reason: 'gone' | 'failing') {
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ enabled: false, disabledReason: reason, updatedAt: new Date() })
      .where(and(eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.enabled, true)))
      .returning({ id: webhookEndpoints.id })
    if (!row) return undefined
    await writeOutbox(tx, [
      {
        id: newId(),
        type: 'webhook.disabled',
        at: new Date().toISOString(),
        communityId: endpoint.communityId,
        data: { endpointId: endpoint.id, url: endpoint.url, reason } satisfies DomainEventMap['webhook.disabled'],
      },
    ])
    return reason
  }
}

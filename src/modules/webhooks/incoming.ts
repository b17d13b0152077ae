import { Value } from '@sinclair/typebox/value'
import { asc, eq } from 'drizzle-orm'
import type { WebhooksConfig } from '../../config'
import type { Database } from '../../db/client'
import { incomingWebhooks, type IncomingVerifier, type IncomingWebhookRow } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { parseClientJson } from '../../lib/input'
import { isUuid, newId, randomToken, sha256 } from '../../lib/ids'
import type { RateLimiter } from '../../lib/rate-limit'
import type { Redis } from '../../lib/redis'
import type { JobRunner } from '../../jobs/runner'
import { jobId } from '../../jobs/queues'
import type { PermissionService } from '../permissions/service'
import { TokenHookBody, toIncomingView, type IncomingHookView } from './model'
import { newSigningSecret, safeEqual, signingKey } from './signing'
import { verifyGithub, verifyStandard, verifyStripe, type Verified } from './verify'

/** What the `incoming` job gets: the verified raw event, parsed only in the job. */
export interface IncomingJob {
  hookId: string
  eventId: string
  verify: IncomingVerifier
  /** GitHub's X-GitHub-Event. */
  eventType?: string
  body: string
}

export interface IncomingHooksDeps {
  db: Database
  redis: Redis
  rateLimiter: RateLimiter
  permissions: Pick<PermissionService, 'requireRoom'>
  jobs: Pick<JobRunner, 'enqueue'>
  config: Pick<WebhooksConfig, 'publicUrl' | 'incomingRate' | 'incomingMaxBytes' | 'incomingToleranceSeconds' | 'incomingReplaySeconds'>
}

const verifiers = { standard: verifyStandard, github: verifyGithub, stripe: verifyStripe }

// The ingress keeps hooks it read for a moment (a busy hook costs no database read per
// request). A change made on this node is seen at once; one made on another node within
// this time, and the job re-reads the hook, so a disabled hook never posts meanwhile.
const HOOK_CACHE_MS = 2000
const HOOK_CACHE_MAX = 10_000

/** URLs that post into a room (`manage_webhooks` on the room), and their ingress. */
export class IncomingHooks {
  private readonly cache = new Map<string, { row: IncomingWebhookRow; until: number }>()

  constructor(private readonly deps: IncomingHooksDeps) {}

  async create(opts: {
    userId: string
    roomId: string
    input: { name: string; verify?: IncomingVerifier; secret?: string }
    /** Origin the request came to, for the URL when no public URL is configured. */
    origin: string
  }): Promise<IncomingHookView & { url: string; secret?: string }> {
    const { placement } = await this.deps.permissions.requireRoom(opts.userId, opts.roomId, 'manage_webhooks')
    if (!placement.communityId) throw new AppError('invalid_target', 'incoming webhooks post into community rooms, not DMs')
    const verify = opts.input.verify ?? 'token'
    const secret = verify === 'token' ? undefined : this.secretFor(verify, opts.input.secret)
    const token = randomToken(24)
    const [row] = await this.deps.db
      .insert(incomingWebhooks)
      .values({
        id: newId(),
        roomId: opts.roomId,
        communityId: placement.communityId,
        name: opts.input.name.trim(),
        verify,
        tokenHash: sha256(token),
        secret,
        createdBy: opts.userId,
      })
      .returning()
    const base = this.deps.config.publicUrl ?? opts.origin
    return { ...toIncomingView(row!), url: `${base}/v1/hooks/${row!.id}/${token}`, ...(secret ? { secret } : {}) }
  }

  async list(opts: { userId: string; roomId: string }): Promise<IncomingHookView[]> {
    await this.deps.permissions.requireRoom(opts.userId, opts.roomId, 'manage_webhooks')
    const rows = await this.deps.db.select().from(incomingWebhooks).where(eq(incomingWebhooks.roomId, opts.roomId)).orderBy(asc(incomingWebhooks.id))
    return rows.map(toIncomingView)
  }

  async update(opts: { userId: string; hookId: string; input: { name?: string; enabled?: boolean } }): Promise<IncomingHookView> {
    await this.requireManaged(opts.userId, opts.hookId)
    const [row] = await this.deps.db
      .update(incomingWebhooks)
      .set({
        ...(opts.input.name === undefined ? {} : { name: opts.input.name.trim() }),
        ...(opts.input.enabled === undefined ? {} : { enabled: opts.input.enabled }),
        updatedAt: new Date(),
      })
      .where(eq(incomingWebhooks.id, opts.hookId))
      .returning()
    this.cache.delete(opts.hookId)
    if (!row) throw notFound('incoming webhook')
    return toIncomingView(row)
  }

  async remove(opts: { userId: string; hookId: string }): Promise<void> {
    await this.requireManaged(opts.userId, opts.hookId)
    await this.deps.db.delete(incomingWebhooks).where(eq(incomingWebhooks.id, opts.hookId))
    this.cache.delete(opts.hookId)
  }

  /**
   * The ingress: the URL's token, the per-hook rate, the raw body checked by the hook's
   * verifier (nothing parses it before), the sender's id not seen before; then queued.
   * Everything else happens in the job.
   */
  async receive(opts: { hookId: string; token: string; request: Request }): Promise<{ id: string }> {
    const hook = await this.findLive(opts.hookId)
    if (!hook || !safeEqual(sha256(opts.token), hook.tokenHash)) throw notFound('hook')
    await this.deps.rateLimiter.hit(`hook:${hook.id}`, this.deps.config.incomingRate)
    const body = await readBody(opts.request, this.deps.config.incomingMaxBytes)
    const verified = this.verify(hook, opts.request.headers, body)

    const seenKey = this.deps.redis.key('wh', 'seen', hook.id, sha256(verified.eventId))
    if (verified.replayable !== false) {
      const fresh = await this.deps.redis.client.set(seenKey, '1', { NX: true, EX: this.deps.config.incomingReplaySeconds })
      if (fresh === null) throw new AppError('webhook_replayed', 'this event id was received before')
    }
    const job: IncomingJob = { hookId: hook.id, eventId: verified.eventId, verify: hook.verify, eventType: verified.eventType, body }
    try {
      await this.deps.jobs.enqueue({ queue: 'webhooks', name: 'incoming', data: job, jobId: jobId('hook', hook.id, sha256(verified.eventId).slice(0, 32)) })
    } catch (err) {
      // Not queued, so not seen: the sender's retry must get through.
      if (verified.replayable !== false) await this.deps.redis.client.del(seenKey).catch(() => {})
      throw err
    }
    return { id: verified.eventId }
  }

  /** The hook as the ingress sees it: absent, disabled and deleted are the same 404. */
  private async findLive(hookId: string): Promise<IncomingWebhookRow | undefined> {
    if (!isUuid(hookId)) return undefined
    const cached = this.cache.get(hookId)
    if (cached && cached.until > Date.now()) return cached.row
    const [row] = await this.deps.db.select().from(incomingWebhooks).where(eq(incomingWebhooks.id, hookId))
    if (!row?.enabled) {
      this.cache.delete(hookId)
      return undefined
    }
    if (this.cache.size >= HOOK_CACHE_MAX) this.cache.clear()
    this.cache.set(hookId, { row, until: Date.now() + HOOK_CACHE_MS })
    return row
  }

  private verify(hook: IncomingWebhookRow, headers: Headers, body: string): Verified & { replayable?: boolean } {
    if (hook.verify === 'token') {
      const parsed = parseClientJson(body)
      if (!Value.Check(TokenHookBody, parsed)) {
        throw new AppError('validation_failed', 'the body is {body: string (1..4000), username?: string (1..80)}')
      }
      // The token is the check; a sender that names its event (Idempotency-Key) is deduplicated by it.
      const key = headers.get('idempotency-key')
      if (key && key.length > 200) throw new AppError('bad_request', 'the Idempotency-Key header is too long')
      return key ? { eventId: key } : { eventId: newId(), replayable: false }
    }
    return verifiers[hook.verify]({
      secret: hook.secret!,
      headers,
      body,
      now: Math.floor(Date.now() / 1000),
      toleranceSeconds: this.deps.config.incomingToleranceSeconds,
    })
  }

  private secretFor(verify: Exclude<IncomingVerifier, 'token'>, given: string | undefined): string {
    if (verify === 'stripe') {
      // Stripe issues the signing secret itself (whsec_... in its dashboard).
      if (!given?.startsWith('whsec_')) throw new AppError('validation_failed', 'a stripe hook needs the signing secret Stripe shows for the endpoint (whsec_...)')
      return given
    }
    if (verify === 'standard') {
      if (given === undefined) return newSigningSecret()
      if (!signingKey(given)) throw new AppError('validation_failed', 'a Standard Webhooks secret is whsec_ and base64 (16 to 64 bytes)')
      return given
    }
    return given ?? randomToken(32)
  }

  private async requireManaged(userId: string, hookId: string): Promise<IncomingWebhookRow> {
    if (!isUuid(hookId)) throw notFound('incoming webhook')
    const [row] = await this.deps.db.select().from(incomingWebhooks).where(eq(incomingWebhooks.id, hookId))
    if (!row) throw notFound('incoming webhook')
    try {
      await this.deps.permissions.requireRoom(userId, row.roomId, 'manage_webhooks')
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') throw notFound('incoming webhook')
      throw err
    }
    return row
  }
}

/** The raw body as text, refused past `max` bytes whatever Content-Length says. */
async function readBody(request: Request, max: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > max) throw tooLarge(max)
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      reader.cancel().catch(() => {})
      throw tooLarge(max)
    }
    chunks.push(value)
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.concat(chunks))
  } catch {
    throw new AppError('malformed_body', 'the body is not UTF-8 text')
  }
}

const tooLarge = (max: number) => new AppError('payload_too_large', `the body is over ${max} bytes`)

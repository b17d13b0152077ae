import { Value } from '@sinclair/typebox/value'
import { and, asc, eq } from 'drizzle-orm'
import type { WebhooksConfig } from '../../config'
import type { Database } from '../../db/client'
import {
  communityMembers,
  incomingWebhooks,
  overwrites,
  roomMembers,
  users,
  type IncomingVerifier,
  type IncomingWebhookRow,
} from '../../db/schema'
import type { Tx } from '../../db/tx'
import { readBodyText } from '../../lib/input'
import { AppError, notFound } from '../../lib/errors'
import { parseClientJson } from '../../lib/input'
import { isUuid, newId, randomToken, sha256 } from '../../lib/ids'
import type { RateLimiter } from '../../lib/rate-limit'
import type { Redis } from '../../lib/redis'
import type { JobQueues } from '../../jobs/producer'
import { jobId } from '../../jobs/queues'
import { Perm } from '../permissions/bits'
import type { PermissionService } from '../permissions/service'
import { TokenHookBody, toIncomingView, type IncomingHookView } from './model'
import { newSigningSecret, safeEqual, signingKey } from './signing'
import { verifyGithub, verifyStandard, verifyStripe, type Verified } from './verify'
import { trimmedName } from '../../lib/model'

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
  permissions: Pick<PermissionService, 'requireRoom' | 'mutate'>
  jobs: Pick<JobQueues, 'enqueue'>
  config: Pick<WebhooksConfig, 'publicUrl' | 'incomingRate' | 'incomingMaxBytes' | 'incomingToleranceSeconds' | 'incomingReplaySeconds'>
}

const verifiers = { standard: verifyStandard, github: verifyGithub, stripe: verifyStripe }

/** The job of the `api` queue that posts a verified event into its room (run where the room actors are). */
export const INCOMING_JOB = 'webhooks.incoming'

/** A hook's bot: its username (never one a person can register: `-` is not allowed there, nor can it be @mentioned). */
export const botUsername = (hookId: string) => `hook-${hookId}`

/** What a hook's bot may do in the hook's room, whatever the room's other settings. */
const BOT_ALLOW = Perm.view | Perm.send

// The ingress keeps hooks it read for a moment (a busy hook costs no database read per
// request). A change made on this node is seen at once; one made on another node within
// this time, and the job re-reads the hook, so a disabled hook never posts meanwhile.
const HOOK_CACHE_MS = 2000
const HOOK_CACHE_MAX = 10_000

/** URLs that post into a room (`manage_webhooks` on the room), and their ingress. */
export class IncomingHooks {
  private readonly cache = new Map<string, { row: IncomingWebhookRow; until: number }>()

  constructor(private readonly deps: IncomingHooksDeps) {}

  /**
   * A hook and its bot: a user named after the hook (its messages' author), made a member
   * of the community with a member overwrite on the room allowing view and send (and a
   * member of the room when it is private). The bot has no password anyone knows.
   */
  async create(opts: {
    userId: string
    roomId: string
    input: { name: string; verify?: IncomingVerifier; secret?: string }
    /** Origin the request came to, for the URL when no public URL is configured. */
    origin: string
  }): Promise<IncomingHookView & { url: string; secret?: string }> {
    const { placement } = await this.deps.permissions.requireRoom(opts.userId, opts.roomId, 'manage_webhooks')
    const communityId = placement.communityId
    if (!communityId) throw new AppError('invalid_target', 'incoming webhooks post into community rooms, not DMs')
    const verify = opts.input.verify ?? 'token'
    const secret = verify === 'token' ? undefined : this.secretFor(verify, opts.input.secret)
    const token = randomToken(24)
    const id = newId()
    const botUserId = newId()
    const name = trimmedName(opts.input.name)
    // A hash of a secret nobody keeps: the bot can never sign in (bcrypt at its lowest cost is enough for 32 random bytes).
    const passwordHash = await Bun.password.hash(randomToken(32), { algorithm: 'bcrypt', cost: 4 })
    const row = await this.deps.permissions.mutate({
      actorId: opts.userId,
      scopes: [communityId],
      fn: async (tx) => {
        const username = botUsername(id)
        await tx.insert(users).values({ id: botUserId, username, email: `${username}@hooks.invalid`, passwordHash, displayName: name })
        await tx.insert(communityMembers).values({ communityId, userId: botUserId, nickname: name })
        await tx.insert(overwrites).values({
          id: newId(),
          communityId,
          roomId: opts.roomId,
          subjectKind: 'member',
          subjectId: botUserId,
          allow: BOT_ALLOW,
          deny: 0n,
        })
        if (placement.kind === 'private') {
          await tx.insert(roomMembers).values({ roomId: opts.roomId, userId: botUserId, communityId, addedBy: opts.userId })
        }
        const [created] = await tx
          .insert(incomingWebhooks)
          .values({ id, roomId: opts.roomId, communityId, name, verify, tokenHash: sha256(token), secret, botUserId, createdBy: opts.userId })
          .returning()
        return created!
      },
    })
    const base = this.deps.config.publicUrl ?? opts.origin
    return { ...toIncomingView(row), url: `${base}/v1/hooks/${row.id}/${token}`, ...(secret ? { secret } : {}) }
  }

  async list(opts: { userId: string; roomId: string }): Promise<IncomingHookView[]> {
    await this.deps.permissions.requireRoom(opts.userId, opts.roomId, 'manage_webhooks')
    const rows = await this.deps.db.select().from(incomingWebhooks).where(eq(incomingWebhooks.roomId, opts.roomId)).orderBy(asc(incomingWebhooks.id))
    return rows.map(toIncomingView)
  }

  /** Renames a hook (and its bot) or turns it on or off. */
  async update(opts: { userId: string; hookId: string; input: { name?: string; enabled?: boolean } }): Promise<IncomingHookView> {
    const hook = await this.requireManaged(opts.userId, opts.hookId)
    const name = trimmedName(opts.input.name)
    const row = await this.deps.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(incomingWebhooks)
        .set({
          ...(name === undefined ? {} : { name }),
          ...(opts.input.enabled === undefined ? {} : { enabled: opts.input.enabled }),
          updatedAt: new Date(),
        })
        .where(eq(incomingWebhooks.id, opts.hookId))
        .returning()
      if (updated && name !== undefined) {
        await tx.update(users).set({ displayName: name, updatedAt: new Date() }).where(eq(users.id, hook.botUserId))
        await tx
          .update(communityMembers)
          .set({ nickname: name })
          .where(and(eq(communityMembers.communityId, hook.communityId), eq(communityMembers.userId, hook.botUserId)))
      }
      return updated
    })
    this.cache.delete(opts.hookId)
    if (!row) throw notFound('incoming webhook')
    return toIncomingView(row)
  }

  /** Deletes a hook; its bot leaves the community (the user stays: it wrote the hook's messages). */
  async remove(opts: { userId: string; hookId: string }): Promise<void> {
    const hook = await this.requireManaged(opts.userId, opts.hookId)
    await this.deps.permissions.mutate({
      actorId: opts.userId,
      scopes: [hook.communityId],
      fn: async (tx) => {
        await tx.delete(incomingWebhooks).where(eq(incomingWebhooks.id, hook.id))
        await removeBot(tx, hook)
      },
    })
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
    const body = await readBodyText(opts.request, this.deps.config.incomingMaxBytes)
    const verified = this.verify(hook, opts.request.headers, body)

    const seenKey = this.deps.redis.key('wh', 'seen', hook.id, sha256(verified.eventId))
    if (verified.replayable !== false) {
      const fresh = await this.deps.redis.client.set(seenKey, '1', { NX: true, EX: this.deps.config.incomingReplaySeconds })
      if (fresh === null) throw new AppError('webhook_replayed', 'this event id was received before')
    }
    const job: IncomingJob = { hookId: hook.id, eventId: verified.eventId, verify: hook.verify, eventType: verified.eventType, body }
    try {
      // The `api` queue: posting needs the room actors, which only API processes have.
      await this.deps.jobs.enqueue({ queue: 'api', name: INCOMING_JOB, data: job, jobId: jobId('hook', hook.id, sha256(verified.eventId).slice(0, 32)) })
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
        throw new AppError('validation_failed', 'the body is {body: string (1..4000)}')
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

/** The bot of a deleted hook leaves the community and the room. */
async function removeBot(tx: Tx, hook: Pick<IncomingWebhookRow, 'communityId' | 'roomId' | 'botUserId'>) {
  await tx.delete(overwrites).where(and(eq(overwrites.roomId, hook.roomId), eq(overwrites.subjectKind, 'member'), eq(overwrites.subjectId, hook.botUserId)))
  await tx.delete(roomMembers).where(and(eq(roomMembers.communityId, hook.communityId), eq(roomMembers.userId, hook.botUserId)))
  await tx.delete(communityMembers).where(and(eq(communityMembers.communityId, hook.communityId), eq(communityMembers.userId, hook.botUserId)))
}


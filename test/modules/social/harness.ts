// The social layer assembled for tests, with its ports implemented here: a real
// transactional outbox table for recordEvent (events are delivered after commit, by
// `drain`), media and moderation checks that refuse what the tests name, and a live
// sink that records pushes.
import { sql } from 'drizzle-orm'
import { Elysia } from 'elysia'
import type { FeedConfig } from '../../../src/config'
import type { Database } from '../../../src/db/client'
import type { JobContext } from '../../../src/jobs/processors'
import type { EnqueueOptions } from '../../../src/jobs/runner'
import { AppError } from '../../../src/lib/errors'
import { newId } from '../../../src/lib/ids'
import { dispatchSocialEvent, socialEvents, type DeliveredEvent } from '../../../src/modules/social/events'
import { socialRoutes } from '../../../src/modules/social'
import { rowsOf } from '../../../src/modules/social/post-query'
import { feedProcessors } from '../../../src/modules/social/processors'
import type { SocialEvent } from '../../../src/modules/social/ports'
import { createSocial } from '../../../src/modules/social/service'
import { createApp } from '../../../src/app'
import { HttpClient, type HttpResponse, type RequestOptions } from '../../helpers/http'
import type { TestApp } from '../../helpers/app'

export interface LivePush {
  userId: string
  type: string
  data: any
}

export async function socialHarness(
  app: TestApp,
  opts: {
    feed?: Partial<FeedConfig>
    /** run fan-out jobs inline instead of on the queue */
    inlineJobs?: boolean
    /** false: notifications are dropped (tests of the feed alone) */
    notify?: boolean
  } = {},
) {
  const { db, redis, log } = app.res
  await db.execute(sql`create table if not exists test_social_outbox (
    seq bigserial primary key, id uuid not null, type text not null, actor_id uuid, data jsonb not null)`)
  const feed: FeedConfig = { ...app.res.config.feed, ...opts.feed }
  const refusedMedia = new Set<string>()
  const events: SocialEvent[] = []
  const pushes: LivePush[] = []
  const jobs: EnqueueOptions[] = []

  const social = createSocial({
    db,
    redis,
    log,
    feed,
    recordEvent: async (tx, event) => {
      await tx.execute(
        sql`insert into test_social_outbox (id, type, actor_id, data) values (${newId()}, ${event.type}, ${event.actorId}, ${JSON.stringify(event.data)}::jsonb)`,
      )
    },
    validateAttachments: async ({ mediaIds }) => {
      if (mediaIds.some((id) => refusedMedia.has(id))) throw new AppError('invalid_target', 'attachments must be your own uploads')
    },
    checkText: async ({ text }) => {
      if (/forbidden-word/i.test(text)) throw new AppError('validation_failed', 'blocked by a moderation rule')
    },
  })

  // One sink, as a worker thread has one: the feed.updated pushes coalesce per sink.
  const sink = { publishToUser: async (userId: string, event: { type: string; data: unknown }) => void pushes.push({ userId, ...event } as LivePush) }
  const jobCtx = (name: string): JobContext => ({
    config: { ...app.res.config, feed },
    log,
    db,
    redis,
    events: sink,
    job: { id: name, queue: 'fanout', name, attempt: 1 },
  })
  const runInline = async (job: EnqueueOptions) => {
    jobs.push(job)
    await feedProcessors[job.name]!(job.data, jobCtx(job.name))
  }
  const handlers = socialEvents({
    db,
    enqueue: opts.inlineJobs === false ? (job) => app.res.jobs.enqueue(job) : runInline,
    notify: opts.notify === false ? async () => {} : (inputs) => app.services.notifications.notifyMany(inputs),
  })

  /** Delivers every committed event, in commit order, to the module's handlers (what the outbox relay does). */
  async function drain(): Promise<SocialEvent[]> {
    const delivered: SocialEvent[] = []
    while (true) {
      const rows = await rowsOf<{ id: string; type: string; actor_id: string; data: any }>(
        db as Database,
        sql`delete from test_social_outbox where seq in (select seq from test_social_outbox order by seq limit 500) returning seq, id, type, actor_id, data`,
      )
      if (rows.length === 0) return delivered
      rows.sort((a: any, b: any) => Number(a.seq) - Number(b.seq))
      for (const r of rows) {
        const event = { id: r.id, type: r.type, actorId: r.actor_id, data: r.data } as DeliveredEvent
        events.push(event)
        delivered.push(event)
        await dispatchSocialEvent(handlers, event)
      }
    }
  }

  const api = createApp(app.res, app.services).use(socialRoutes({ signedIn: app.services.signedIn, social }))
  return { social, feed, drain, events, pushes, jobs, refusedMedia, http: new HandleClient(api), jobCtx }
}

/** The test REST client, answered by `app.handle` (no second server). */
class HandleClient extends HttpClient {
  constructor(private readonly api: Elysia<any, any, any, any, any, any, any>) {
    super('http://hearth.test')
  }

  override async request<T = any>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    let payload: string | undefined = opts.raw
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body)
    if (payload !== undefined) headers['content-type'] ??= 'application/json'
    const res = await this.api.handle(new Request(this.baseUrl + path, { method, headers, body: payload }))
    const text = await res.text()
    let parsed: unknown = text
    if (res.headers.get('content-type')?.includes('json') && text) parsed = JSON.parse(text)
    return { status: res.status, headers: res.headers, body: parsed as T }
  }
}

/** Users straight into the table (the property test needs hundreds; the API's password hashing is slow). */
export async function insertUsers(db: Database, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => newId())
  const tag = crypto.randomUUID().slice(0, 8)
  await db.execute(
    sql`insert into users (id, username, email, password_hash) select * from unnest(${sql.raw(
      `array[${ids.map((id) => `'${id}'`).join(',')}]::uuid[]`,
    )}, ${sql.raw(`array[${ids.map((_, i) => `'p_${tag}_${i}'`).join(',')}]`)}, ${sql.raw(
      `array[${ids.map((_, i) => `'p_${tag}_${i}@example.test'`).join(',')}]`,
    )}, ${sql.raw(`array[${ids.map(() => `'x'`).join(',')}]`)})`,
  )
  return ids
}

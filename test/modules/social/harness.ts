// The social layer in the real app: startTestApp() with the job worker threads, so its
// domain events go through the outbox, the relay, the `events` queue and its reactions,
// the fan-out runs on the `fanout` queue and notifications on theirs. `settle()` waits
// until all of that has run; `social` is the layer's services built from the app's own
// core (the same database, Redis and outbox as its routes).
import { afterAll } from 'bun:test'
import { sql } from 'drizzle-orm'
import type { Database } from '../../../src/db/client'
import type { DomainEvent, DomainEventType } from '../../../src/domain-events/types'
import type { JobContext } from '../../../src/jobs/processors'
import { newId } from '../../../src/lib/ids'
import { queryRows } from '../../../src/db/tx'
import { createSocial, type SocialDeps } from '../../../src/modules/social/service'
import { RedisUserEventSink } from '../../../src/realtime/user-channel'
import { startTestApp } from '../../helpers/app'
import { ok } from '../../helpers/community'
import { eventually } from '../../helpers/wait'

export interface LivePush {
  userId: string
  type: string
  data: any
}

const SOCIAL_EVENTS: DomainEventType[] = [
  'follow.created',
  'follow.deleted',
  'block.created',
  'block.deleted',
  'post.created',
  'post.deleted',
  'post.liked',
  'post.unliked',
  'comment.created',
  'comment.deleted',
]

/** The queues the social layer's work passes through, in order. */
const PIPELINE = ['events', 'fanout', 'notifications'] as const

export async function socialApp(env: Record<string, string> = {}) {
  const app = await startTestApp({ JOB_WORKERS: '1', JOB_BACKOFF_MS: '10', ...env }, { jobs: {} })
  const core = app.hearth.core
  const social = createSocial(core)

  // Every social event committed in this process, in commit order.
  const events: DomainEvent[] = []
  for (const type of SOCIAL_EVENTS) core.events.on(type, (e) => void events.push(e))

  // What reaches users' sockets: the worker threads publish on each user's Redis channel.
  const pushes: LivePush[] = []
  const subscriber = app.res.redis.client.duplicate()
  await subscriber.connect()
  const userChannels = app.res.redis.key('user', '')
  await subscriber.pSubscribe(`${userChannels}*`, (message, channel) => {
    pushes.push({ userId: channel.slice(userChannels.length), ...JSON.parse(message) })
  })
  afterAll(() => subscriber.disconnect().catch(() => {}))

  /** Until every committed event has been relayed and every job it caused has run (seen quiet twice in a row). */
  async function settle(): Promise<void> {
    let quiet = 0
    await eventually(
      'the social events and their jobs to settle',
      async () => {
        const [outbox] = await queryRows<{ n: number }>(app.res.db, sql`select count(*)::int as n from domain_events`)
        // Each queue read after the ones that feed it (a job queues the next before it
        // completes), or a job passing between two queues read at once is seen in neither.
        let pending = 0
        for (const q of PIPELINE) {
          const depth = await app.res.jobs.queues[q].getJobCounts()
          pending += (depth.waiting ?? 0) + (depth.active ?? 0) + (depth.delayed ?? 0) + (depth.prioritized ?? 0)
        }
        quiet = outbox!.n + pending === 0 ? quiet + 1 : 0
        return quiet >= 2
      },
      60_000,
    )
  }

  /** A user's notifications once everything has settled and they number `n`. */
  async function notifications(u: { accessToken: string }, n: number) {
    await settle()
    return eventually(`${n} notifications`, async () => {
      const rows = ok(await app.http.get('/v1/notifications', { token: u.accessToken })).body.notifications
      return rows.length === n && rows
    })
  }

  /** What a worker thread hands a processor it runs `job` with (the app's real database, Redis, queues and sink). */
  const jobContext = (job: JobContext['job']): JobContext => ({
    config: app.res.config,
    log: app.res.log,
    db: app.res.db,
    redis: app.res.redis,
    live: new RedisUserEventSink(app.res.redis),
    jobs: app.res.jobs,
    job,
  })

  return { app, social, feed: app.res.config.feed, settle, notifications, jobContext, events, pushes, http: app.http }
}

/** The social layer built with other ports (a media or moderation check the test names), over the same app. */
export const socialWith = (app: { hearth: { core: SocialDeps } }, ports: Pick<SocialDeps, 'media' | 'postModeration'>) => createSocial({ ...app.hearth.core, ...ports })

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

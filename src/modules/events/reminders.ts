// Reminders: a user's `minutesBefore` on a series becomes one delayed job per upcoming
// occurrence, only for occurrences whose reminder falls inside the horizon (the sweep job
// extends it). Job ids are deterministic, so planning twice is harmless; after every change
// the series' jobs are planned again and the difference applied (removed, moved, added).
import type { Queue } from 'bullmq'
import { and, between, gt, inArray, isNull, or } from 'drizzle-orm'
import { eventReminders, eventRsvps, eventSeries } from '../../db/schema'
import type { JobContext } from '../../jobs/processors'
import { jobId } from '../../jobs/queues'
import type { Logger } from '../../lib/log'
import { resolveOccurrences } from './calendar'
import type { ExpansionCache } from './expansion-cache'
import type { Db } from './store'

export interface ReminderJob {
  seriesId: string
  originalStart: string
  userId: string
  minutesBefore: number
  /** The occurrence's start when planned: the processor fires only if it still starts then. */
  startAt: string
  title: string
}

export interface PlannedReminder {
  id: string
  fireAt: number
  data: ReminderJob
}

/** BullMQ job ids cannot hold ":"; the parts of `reminder:<series>:<originalStart>:<user>:<minutes>` are joined with ".". */
export const reminderJobId = (j: Pick<ReminderJob, 'seriesId' | 'originalStart' | 'userId' | 'minutesBefore'>) =>
  jobId('reminder', j.seriesId, compactInstant(j.originalStart), j.userId, j.minutesBefore)

/** 2025-03-10T14:00:00.000Z -> 20250310T140000Z */
export const compactInstant = (iso: string) => iso.slice(0, 19).replaceAll('-', '').replaceAll(':', '') + 'Z'

/** Where reminder jobs are queued: the `reminders` BullMQ queue. */
export interface ReminderQueue {
  apply(opts: { add: PlannedReminder[]; remove: string[] }): Promise<void>
}

/** The app's own `reminders` queue (an API process): adds, replaces what changed, removes. */
export class BullReminderQueue implements ReminderQueue {
  constructor(private readonly queue: Queue) {}

  async apply({ add, remove }: { add: PlannedReminder[]; remove: string[] }): Promise<void> {
    const now = Date.now()
    await Promise.all(remove.map((id) => this.queue.remove(id).catch(() => 0)))
    await Promise.all(
      add.map(async (job) => {
        const existing = await this.queue.getJob(job.id)
        if (existing) {
          const same = existing.data?.startAt === job.data.startAt && existing.data?.title === job.data.title
          const state = await existing.getState()
          if (same && (state === 'delayed' || state === 'waiting' || state === 'active')) return
          // Changed, or finished (a reminder moved after it fired): replace it.
          if ((await this.queue.remove(job.id).catch(() => 0)) === 0 && state === 'active') return
        }
        await this.queue.add('reminder.fire', job.data, {
          jobId: job.id,
          delay: Math.max(0, job.fireAt - now),
          removeOnComplete: true,
          removeOnFail: { age: 7 * 86_400 },
        })
      }),
    )
  }
}

/**
 * A job context's producer (a worker thread's sweep): adds what is not queued yet (a job
 * already queued under its id stays as it is; the processor re-checks it when it runs).
 * It cannot remove: removals follow edits, which an API process makes.
 */
export class ProducerReminderQueue implements ReminderQueue {
  constructor(private readonly jobs: JobContext['jobs']) {}

  async apply({ add, remove }: { add: PlannedReminder[]; remove: string[] }): Promise<void> {
    if (remove.length) throw new Error('a job context cannot remove reminder jobs')
    const now = Date.now()
    for (let i = 0; i < add.length; i += 500) {
      await this.jobs.enqueueBulk({
        queue: 'reminders',
        jobs: add.slice(i, i + 500).map((job) => ({ name: 'reminder.fire', data: job.data, jobId: job.id, delayMs: Math.max(0, job.fireAt - now) })),
      })
    }
  }
}

export interface ReminderPlannerDeps {
  db: Db
  cache: ExpansionCache
  queue: ReminderQueue
  log: Logger
  /** How far ahead jobs are queued. */
  horizonMs: number
  now?: () => number
}

const MAX_MINUTES_BEFORE = 40_320
const LONGEST = 367 * 86_400_000

export class ReminderPlanner {
  constructor(private readonly deps: ReminderPlannerDeps) {}

  private now() {
    return this.deps.now?.() ?? Date.now()
  }

  /** The jobs the series should have queued now. */
  async plan(seriesIds: string[]): Promise<PlannedReminder[]> {
    if (seriesIds.length === 0) return []
    const { db } = this.deps
    const settings = await db.select().from(eventReminders).where(inArray(eventReminders.seriesId, seriesIds))
    if (settings.length === 0) return []
    const now = this.now()
    const rows = await db.select().from(eventSeries).where(inArray(eventSeries.id, [...new Set(settings.map((s) => s.seriesId))]))
    const window = { from: now, to: now + this.deps.horizonMs + MAX_MINUTES_BEFORE * 60_000 }
    const { occurrences } = await resolveOccurrences(db, this.deps.cache, rows, window)
    const answers = await db
      .select({ seriesId: eventRsvps.seriesId, originalStart: eventRsvps.originalStart, userId: eventRsvps.userId, status: eventRsvps.status })
      .from(eventRsvps)
      .where(
        and(
          inArray(eventRsvps.seriesId, seriesIds),
          or(isNull(eventRsvps.originalStart), between(eventRsvps.originalStart, new Date(window.from - LONGEST), new Date(window.to))),
        ),
      )
    const answer = new Map(answers.map((r) => [`${r.seriesId}|${r.originalStart?.getTime() ?? ''}|${r.userId}`, r.status]))
    // An answer for the occurrence replaces the user's answer for the whole series.
    const isDeclined = (seriesId: string, originalStart: number, userId: string) =>
      (answer.get(`${seriesId}|${originalStart}|${userId}`) ?? answer.get(`${seriesId}||${userId}`)) === 'declined'
    const planned: PlannedReminder[] = []
    for (const occ of occurrences) {
      if (occ.cancelled || occ.start <= now) continue
      for (const s of settings) {
        if (s.seriesId !== occ.series.id) continue
        const fireAt = occ.start - s.minutesBefore * 60_000
        if (fireAt < now || fireAt > now + this.deps.horizonMs) continue
        if (isDeclined(occ.series.id, occ.originalStart, s.userId)) continue
        const data: ReminderJob = {
          seriesId: occ.series.id,
          originalStart: new Date(occ.originalStart).toISOString(),
          userId: s.userId,
          minutesBefore: s.minutesBefore,
          startAt: new Date(occ.start).toISOString(),
          title: occ.title,
        }
        planned.push({ id: reminderJobId(data), fireAt, data })
      }
    }
    return planned
  }

  /** Queues what the series need now and removes what they needed before but no longer do. */
  async sync(seriesIds: string[], previous: PlannedReminder[]): Promise<void> {
    const next = await this.plan(seriesIds)
    const keep = new Set(next.map((j) => j.id))
    await this.deps.queue.apply({ add: next, remove: previous.filter((j) => !keep.has(j.id)).map((j) => j.id) })
  }

  /** The sweep: plans every series someone has reminders on, a page at a time. */
  async extendHorizon(opts: { pageSize?: number } = {}): Promise<{ series: number; jobs: number }> {
    const pageSize = opts.pageSize ?? 200
    let after = ''
    let series = 0
    let jobs = 0
    for (;;) {
      const page = await this.deps.db
        .selectDistinct({ seriesId: eventReminders.seriesId })
        .from(eventReminders)
        .where(after ? gtId(after) : undefined)
        .orderBy(eventReminders.seriesId)
        .limit(pageSize)
      if (page.length === 0) break
      const ids = page.map((p) => p.seriesId)
      const planned = await this.plan(ids)
      await this.deps.queue.apply({ add: planned, remove: [] })
      series += ids.length
      jobs += planned.length
      after = ids[ids.length - 1]!
      if (page.length < pageSize) break
    }
    return { series, jobs }
  }
}

const gtId = (id: string) => gt(eventReminders.seriesId, id)

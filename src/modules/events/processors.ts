// Reminder jobs, run in the worker threads with what their job context gives.
// `reminders/reminder.fire` tells a user an occurrence is near, after checking again that it
// still is (moved, cancelled, declined, reminder removed or no longer visible: nothing).
// `maintenance/reminder.sweep` (hourly, scheduled by the feature's start) queues the
// reminders that entered the horizon; the `reminders` queue holds only reminders to deliver.
import type { Queue } from 'bullmq'
import { and, eq, isNull, or } from 'drizzle-orm'
import type { Config } from '../../config'
import type { Database } from '../../db/client'
import { eventReminders, eventRsvps, eventSeries } from '../../db/schema'
import { DomainEvents } from '../../domain-events/bus'
import type { JobContext, ProcessorTable } from '../../jobs/processors'
import { jobId } from '../../jobs/queues'
import type { NotifyInput } from '../notifications/model'
import { PermissionService } from '../permissions/service'
import { EventAccess } from './access'
import { resolveOccurrences } from './calendar'
import { ExpansionCache } from './expansion-cache'
import { compactInstant, ProducerReminderQueue, ReminderPlanner, type ReminderJob } from './reminders'

/** How often the sweep runs: well inside the shortest horizon (2 h), so no reminder is planned late. */
export const REMINDER_SWEEP_EVERY_MS = 3_600_000

export const reminderHorizonMs = (config: Pick<Config, 'calendar'>) => config.calendar.reminderHorizonHours * 3_600_000

/** What a reminder needs to check besides the database. */
export interface ReminderCheckPorts {
  access: Pick<EventAccess, 'canSee'>
  cache: ExpansionCache
}

/** Whether the reminder still stands; the notification to send, or why not. */
export async function checkReminder(data: ReminderJob, ctx: Pick<JobContext, 'db'>, ports: ReminderCheckPorts) {
  const [series] = await ctx.db.select().from(eventSeries).where(eq(eventSeries.id, data.seriesId))
  if (!series) return { skip: 'event deleted' as const }
  const [setting] = await ctx.db
    .select()
    .from(eventReminders)
    .where(and(eq(eventReminders.seriesId, series.id), eq(eventReminders.userId, data.userId), eq(eventReminders.minutesBefore, data.minutesBefore)))
  if (!setting) return { skip: 'reminder removed' as const }
  const originalStart = Date.parse(data.originalStart)
  const { occurrences } = await resolveOccurrences(ctx.db, ports.cache, [series], { from: Date.parse(data.startAt), to: Date.parse(data.startAt) + 1 })
  const occ = occurrences.find((o) => o.originalStart === originalStart)
  if (!occ || occ.start !== Date.parse(data.startAt)) return { skip: 'occurrence moved' as const }
  if (occ.cancelled) return { skip: 'occurrence cancelled' as const }
  const answers = await ctx.db
    .select({ originalStart: eventRsvps.originalStart, status: eventRsvps.status })
    .from(eventRsvps)
    .where(
      and(
        eq(eventRsvps.seriesId, series.id),
        eq(eventRsvps.userId, data.userId),
        or(isNull(eventRsvps.originalStart), eq(eventRsvps.originalStart, new Date(originalStart))),
      ),
    )
  const answer = answers.find((a) => a.originalStart !== null) ?? answers[0]
  if (answer?.status === 'declined') return { skip: 'declined' as const }
  if (!(await ports.access.canSee(data.userId, series))) return { skip: 'not visible' as const }
  const notification: NotifyInput = {
    userId: data.userId,
    type: 'event.reminder',
    targetType: 'event',
    targetId: series.id,
    data: {
      eventId: series.id,
      originalStart: data.originalStart,
      start: data.startAt,
      title: occ.title,
      minutesBefore: data.minutesBefore,
      communityId: series.communityId,
    },
  }
  return { notification }
}

/** One notification per reminder and start: a retried fire queues it once; a reminder re-planned for a new start notifies again. */
export const reminderNotificationId = (data: ReminderJob) =>
  jobId('notify', 'event.reminder', data.seriesId, compactInstant(data.originalStart), compactInstant(data.startAt), data.minutesBefore, data.userId)

/** What a worker thread builds once per database: who may see an event, expansions, and where its changes commit with their domain events. */
const perThread = new WeakMap<Database, ReminderCheckPorts & { events: DomainEvents }>()
export function portsFor(ctx: Pick<JobContext, 'db' | 'log' | 'redis' | 'config'>): ReminderCheckPorts & { events: DomainEvents } {
  let ports = perThread.get(ctx.db)
  if (!ports) {
    const events = new DomainEvents(ctx)
    const permissions = new PermissionService({ ...ctx, events })
    ports = { access: new EventAccess(permissions), cache: new ExpansionCache(Math.min(ctx.config.calendar.expansionCacheEntries, 5_000)), events }
    perThread.set(ctx.db, ports)
  }
  return ports
}

export const reminderProcessors: ProcessorTable = {
  reminders: {
    'reminder.fire': async (data: ReminderJob, ctx) => {
      const checked = await checkReminder(data, ctx, portsFor(ctx))
      if ('skip' in checked) return { skipped: checked.skip }
      // The notifications job stores it and pushes `notification.created` to the user's sockets.
      await ctx.jobs.enqueue({ queue: 'notifications', name: 'notification.create', data: checked.notification, jobId: reminderNotificationId(data) })
      return { notified: data.userId }
    },
  },
  maintenance: {
    'reminder.sweep': async (_data: unknown, ctx) => {
      const planner = new ReminderPlanner({
        db: ctx.db,
        cache: portsFor(ctx).cache,
        queue: new ProducerReminderQueue(ctx.jobs),
        log: ctx.log,
        horizonMs: reminderHorizonMs(ctx.config),
      })
      return planner.extendHorizon()
    },
  },
}

/** Schedules the sweep on the `maintenance` queue (idempotent: every process may call it at start). */
export async function scheduleReminderSweep(queue: Queue, everyMs = REMINDER_SWEEP_EVERY_MS): Promise<void> {
  await queue.upsertJobScheduler('reminder-sweep', { every: everyMs }, { name: 'reminder.sweep', data: {} })
}

// Jobs of the `reminders` queue. `reminder.fire` tells a user an occurrence is near, after
// checking again that it still is (moved, cancelled, declined, reminder removed or no longer
// visible: nothing). `reminder.sweep` queues the reminders that entered the horizon.
import { Queue } from 'bullmq'
import { and, eq, isNull, or } from 'drizzle-orm'
import type { JobContext, ProcessorTable } from '../../jobs/processors'
import { bullConnection, bullPrefix, defaultJobOptions } from '../../jobs/queues'
import { eventReminders, eventRsvps, eventSeries } from '../../db/schema'
import { notificationProcessors } from '../notifications/processor'
import type { NotifyInput } from '../notifications/model'
import { PermissionService } from '../permissions/service'
import { EventAccess } from './access'
import { resolveOccurrences } from './calendar'
import { ExpansionCache } from './expansion-cache'
import { BullReminderQueue, ReminderPlanner, type ReminderJob, type ReminderQueue } from './reminders'

/** What the reminder jobs need besides the job context. */
export interface ReminderPorts {
  notify(input: NotifyInput): Promise<unknown>
  access: Pick<EventAccess, 'canSee'>
  queue: ReminderQueue
  cache: ExpansionCache
  horizonMs: number
}

export const REMINDER_HORIZON_MS = 48 * 3_600_000
/** How often the sweep runs: well inside the horizon, so no reminder is planned late. */
export const REMINDER_SWEEP_EVERY_MS = 3_600_000

/** Whether the reminder still stands; the notification to send, or why not. */
export async function checkReminder(data: ReminderJob, ctx: Pick<JobContext, 'db'>, ports: Pick<ReminderPorts, 'access' | 'cache'>) {
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

export function reminderProcessors(ports: (ctx: JobContext) => ReminderPorts): ProcessorTable {
  return {
    reminders: {
      'reminder.fire': async (data: ReminderJob, ctx) => {
        const p = ports(ctx)
        const checked = await checkReminder(data, ctx, p)
        if ('skip' in checked) return { skipped: checked.skip }
        await p.notify(checked.notification)
        return { notified: data.userId }
      },
      'reminder.sweep': async (_data: unknown, ctx) => {
        const p = ports(ctx)
        return new ReminderPlanner({ db: ctx.db, cache: p.cache, queue: p.queue, log: ctx.log, horizonMs: p.horizonMs }).extendHorizon()
      },
    },
  }
}

// The ports as a worker thread builds them until the app's wiring provides its own:
// notifications stored and pushed in-thread (what the notifications job does), a queue
// of the thread's own, permissions read through the thread's db and redis.
const threadPorts = new WeakMap<JobContext['db'], Omit<ReminderPorts, 'notify'>>()
function defaultPorts(ctx: JobContext): ReminderPorts {
  let ports = threadPorts.get(ctx.db)
  if (!ports) {
    const permissions = new PermissionService({ db: ctx.db, redis: ctx.redis, log: ctx.log })
    const queue = new Queue('reminders', {
      connection: bullConnection(ctx.config),
      prefix: bullPrefix(ctx.config),
      defaultJobOptions: defaultJobOptions(ctx.config, 'reminders'),
    })
    ports = {
      access: new EventAccess(permissions),
      queue: new BullReminderQueue(queue),
      cache: new ExpansionCache(5_000),
      horizonMs: REMINDER_HORIZON_MS,
    }
    threadPorts.set(ctx.db, ports)
  }
  return { ...ports, notify: (input) => notificationProcessors['notification.create']!(input, ctx) }
}

/** The table the job consumers load (`processors`, as jobs/consumers.ts expects of a module). */
export const processors: ProcessorTable = reminderProcessors(defaultPorts)

/** Schedules the sweep (idempotent): call once at boot with the app's reminders queue. */
export async function scheduleReminderSweep(queue: Queue, everyMs = REMINDER_SWEEP_EVERY_MS): Promise<void> {
  await queue.upsertJobScheduler('reminder-sweep', { every: everyMs }, { name: 'reminder.sweep', data: {} })
}

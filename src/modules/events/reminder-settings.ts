import { and, asc, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { eventReminders } from '../../db/schema'
import type { EventAccess } from './access'
import type { ReminderPlanner } from './reminders'
import { findSeries } from './store'

/** A user's `minutesBefore` list on a series; setting it replans that series' reminder jobs. */
export class ReminderSettings {
  constructor(
    private readonly deps: { db: Database; access: Pick<EventAccess, 'requireView'>; reminders: Pick<ReminderPlanner, 'plan' | 'sync'> },
  ) {}

  async set(opts: { userId: string; seriesId: string; minutesBefore: number[] }) {
    const series = await findSeries(this.deps.db, opts.seriesId)
    await this.deps.access.requireView(opts.userId, series)
    const minutes = [...new Set(opts.minutesBefore)].sort((a, b) => a - b)
    const before = await this.deps.reminders.plan([series.id])
    await this.deps.db.transaction(async (tx) => {
      await tx.delete(eventReminders).where(and(eq(eventReminders.seriesId, series.id), eq(eventReminders.userId, opts.userId)))
      if (minutes.length) {
        await tx.insert(eventReminders).values(minutes.map((m) => ({ seriesId: series.id, userId: opts.userId, minutesBefore: m })))
      }
    })
    await this.deps.reminders.sync([series.id], before)
    return { eventId: series.id, minutesBefore: minutes }
  }

  async get(opts: { userId: string; seriesId: string }) {
    const series = await findSeries(this.deps.db, opts.seriesId)
    await this.deps.access.requireView(opts.userId, series)
    const rows = await this.deps.db
      .select({ m: eventReminders.minutesBefore })
      .from(eventReminders)
      .where(and(eq(eventReminders.seriesId, series.id), eq(eventReminders.userId, opts.userId)))
      .orderBy(asc(eventReminders.minutesBefore))
    return { eventId: series.id, minutesBefore: rows.map((r) => r.m) }
  }
}

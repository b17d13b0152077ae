import type { Queue } from 'bullmq'
import type { Database } from '../../db/client'
import type { Logger } from '../../lib/log'
import type { NotifyInput } from '../notifications/model'
import type { EventPermissions } from './access'
import { ExpansionCache } from './expansion-cache'
import { CalendarFeedService } from './feed'
import { REMINDER_HORIZON_MS } from './processors'
import { ReminderSettings } from './reminder-settings'
import { BullReminderQueue, ReminderPlanner } from './reminders'
import { RsvpService } from './rsvp'
import { EventService } from './service'
import type { RecordEvent } from './store'

export interface EventsFeatureDeps {
  db: Database
  log: Logger
  permissions: EventPermissions
  /** The outbox port: domain events written in the transaction of their change. */
  recordEvent: RecordEvent
  /** Tells a user something (NotificationService.notify). */
  notify(input: NotifyInput): Promise<unknown>
  /** The BullMQ `reminders` queue (JobRunner.queues.reminders). */
  reminderQueue: Queue
  reminderHorizonMs?: number
  /** Entries of the expansion cache (0: no cache). */
  cacheEntries?: number
}

/** The events feature's services, built from one deps object (what the routes take). */
export function createEventsFeature(deps: EventsFeatureDeps) {
  const cache = new ExpansionCache(deps.cacheEntries ?? 50_000)
  const planner = new ReminderPlanner({
    db: deps.db,
    cache,
    queue: new BullReminderQueue(deps.reminderQueue),
    log: deps.log,
    horizonMs: deps.reminderHorizonMs ?? REMINDER_HORIZON_MS,
  })
  const events = new EventService({ db: deps.db, log: deps.log, permissions: deps.permissions, reminders: planner, recordEvent: deps.recordEvent, cache })
  return {
    cache,
    planner,
    events,
    rsvps: new RsvpService({ db: deps.db, access: events.access, reminders: planner, recordEvent: deps.recordEvent, notify: deps.notify }),
    reminders: new ReminderSettings({ db: deps.db, access: events.access, reminders: planner }),
    feeds: new CalendarFeedService({ db: deps.db, access: events.access }),
  }
}
export type EventsFeature = ReturnType<typeof createEventsFeature>

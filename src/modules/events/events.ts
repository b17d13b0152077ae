// What the events feature does when its own domain events commit, in the worker threads.
import { eq } from 'drizzle-orm'
import { eventSeries } from '../../db/schema'
import type { Reactions } from '../../domain-events/types'
import type { JobContext } from '../../jobs/processors'
import { jobId } from '../../jobs/queues'
import type { NotifyInput } from '../notifications/model'
import { dropLeaverAnswers, dropRemovedAnswers } from './leavers'
import { portsFor } from './processors'

export const calendarReactions: Reactions<JobContext> = {
  /**
   * One who leaves the community, or is kicked or banned from it, gives up their answers
   * for its occurrences that had not started: the seats freed go to the next in line (who
   * are told by the `event.waitlist.promoted` this commits). Claimed by event id with the
   * change, so a redelivered event changes nothing.
   */
  'member.left': {
    handle: async (event, ctx) => {
      await dropLeaverAnswers(portsFor(ctx), event)
    },
  },
  /** The same for one removed from a private room, for that room's events. */
  'room.member_removed': {
    handle: async (event, ctx) => {
      await dropRemovedAnswers(portsFor(ctx), event)
    },
  },
  /**
   * Whoever got a seat from the waitlist and may still see the event is told (stored as a
   * notification and pushed to their sockets by the notifications job). The job ids are made of the event's id, so a
   * redelivered event queues nothing twice.
   */
  'event.waitlist.promoted': {
    handle: async (event, ctx) => {
      const { eventId, originalStart, title, userIds } = event.data
      // Only whoever may still see the event is told (one who left its room or group is not told its title).
      const [series] = await ctx.db.select().from(eventSeries).where(eq(eventSeries.id, eventId))
      if (!series) return
      const { access } = portsFor(ctx)
      const seeing = await Promise.all(userIds.map((userId) => access.canSee(userId, series)))
      // One who took the seat by answering `going` themselves (a free seat goes to the line first) is not told of it.
      const told = userIds.filter((userId, i) => seeing[i] && userId !== event.actorId)
      if (told.length === 0) return
      await ctx.jobs.enqueueBulk({
        queue: 'notifications',
        jobs: told.map((userId) => ({
          name: 'notification.create',
          jobId: jobId('notify', 'event.rsvp_promoted', event.id, userId),
          data: {
            userId,
            type: 'event.rsvp_promoted',
            targetType: 'event',
            targetId: eventId,
            data: { eventId, originalStart, title, communityId: event.communityId ?? null },
          } satisfies NotifyInput,
        })),
      })
    },
  },
}

// What the events feature does when its own domain events commit, in the worker threads.
import type { Reactions } from '../../domain-events/types'
import type { JobContext } from '../../jobs/processors'
import { jobId } from '../../jobs/queues'
import type { NotifyInput } from '../notifications/model'

export const calendarReactions: Reactions<JobContext> = {
  /**
   * Whoever got a seat from the waitlist is told (stored as a notification and pushed to
   * their sockets by the notifications job). The job ids are made of the event's id, so a
   * redelivered event queues nothing twice.
   */
  'event.waitlist.promoted': {
    handle: async (event, ctx) => {
      const { eventId, originalStart, title, userIds } = event.data
      await ctx.jobs.enqueueBulk({
        queue: 'notifications',
        jobs: userIds.map((userId) => ({
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

import { eq } from 'drizzle-orm'
import { consumeOnce } from '../../db/outbox'
import { reportReporters } from '../../db/schema'
import type { DomainEvent, Reactions } from '../../domain-events/types'
import type { JobContext } from '../../jobs/processors'
import { jobId } from '../../jobs/queues'
import type { NotifyInput } from '../notifications/model'

const CONSUMER = 'moderation'

/** What a reporter is told: what happened, never who decided it. */
const OUTCOME = { dismiss: 'no_action', delete: 'content_removed', timeout: 'member_timed_out', ban: 'member_banned' } as const

/**
 * Tells each reporter the outcome of their report, once: the claim of the event and the
 * queueing commit together (a redelivered event queues nothing), and each notification's
 * job id is fixed, so a retry after a lost commit queues the same jobs again, not new ones.
 */
async function tellReporters(event: DomainEvent<'report.resolved'>, ctx: JobContext): Promise<void> {
  const { reportId, action, targetKind } = event.data
  await ctx.db.transaction(async (tx) => {
    if (!(await consumeOnce(tx, CONSUMER, event.id))) return
    const reporters = await tx.select({ userId: reportReporters.reporterId }).from(reportReporters).where(eq(reportReporters.reportId, reportId))
    if (reporters.length === 0) return
    const notify = (userId: string): NotifyInput => ({
      userId,
      type: 'report.resolved',
      targetType: 'report',
      targetId: reportId,
      actorId: null,
      data: { reportId, targetKind, outcome: OUTCOME[action] },
    })
    await ctx.jobs.enqueueBulk({
      queue: 'notifications',
      jobs: reporters.map(({ userId }) => ({
        name: 'notification.create',
        data: notify(userId),
        jobId: jobId('notify', 'report.resolved', reportId, userId),
      })),
    })
  })
}

export const moderationReactions: Reactions<JobContext> = {
  'report.resolved': { handle: tellReporters },
}

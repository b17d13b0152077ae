import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import type { DomainEvents } from '../../domain-events/bus'
import { queryRows } from '../../db/tx'

/**
 * Closes a survey unless it already is (at `closesAt` if that has passed, else now); with
 * `onlyIfDue`, only once `closesAt` has passed (the timed job). True when this call closed it.
 */
export async function closeSurvey(
  events: Pick<DomainEvents, 'transaction'>,
  input: { surveyId: string; actorId: string | null; onlyIfDue: boolean },
): Promise<boolean> {
  return events.transaction({ actorId: input.actorId }, async (tx, emit) => {
    const due = input.onlyIfDue ? sql`and closes_at is not null and closes_at <= now()` : sql``
    const [row] = await queryRows<{ id: string; community_id: string; group_id: string | null; closed_at: Date | string }>(tx, sql`
        update surveys set closed_at = least(now(), coalesce(closes_at, now()))
         where id = ${input.surveyId} and closed_at is null ${due}
        returning id, community_id, group_id, closed_at`)
    if (!row) return false
    emit({
      type: 'survey.closed',
      communityId: row.community_id,
      ...(row.group_id ? { groupId: row.group_id } : {}),
      data: { surveyId: row.id, communityId: row.community_id, closedAt: new Date(row.closed_at).toISOString() },
    })
    return true
  })
}

/** Whether the survey is still open by the database's clock (a close job that ran early is retried). */
export async function surveyStillOpen(db: Database, surveyId: string): Promise<boolean> {
  const [row] = await queryRows<{ open: boolean }>(db, sql`select closed_at is null as open from surveys where id = ${surveyId}`)
  return row?.open ?? false
}

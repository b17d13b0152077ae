// Reads and writes of series rows shared by the events services.
import { and, eq, sql } from 'drizzle-orm'
import type { Queryable, Tx } from '../../db/tx'
import { eventOverrides, eventSeries, type EventSeriesRow } from '../../db/schema'
import { notFound } from '../../lib/errors'
import { shapeOf } from './expansion-cache'
import { seriesRange } from './recurrence'

export type { Tx }
export type Db = Queryable

/** `lock`: for an edit of the series; `share`: for a change that needs the series to stay as read until it commits (an answer). */
export async function findSeries(db: Db, id: string, opts: { lock?: boolean; share?: boolean } = {}): Promise<EventSeriesRow> {
  const query = db.select().from(eventSeries).where(eq(eventSeries.id, id))
  const [row] = opts.lock ? await query.for('update') : opts.share ? await query.for('share') : await query
  if (!row) throw notFound('event')
  return row
}

/** Where the series' occurrences can lie, moved ones included. */
export async function rangeOf(db: Db, row: Pick<EventSeriesRow, 'id' | 'startLocal' | 'allDay' | 'timeZone' | 'durationMinutes' | 'rrule' | 'exdates' | 'rdates'>) {
  const range = seriesRange(shapeOf(row))
  const [moved] = await db
    .select({
      first: sql<Date | null>`min(${eventOverrides.startAt})`.mapWith(eventOverrides.startAt),
      last: sql<Date | null>`max(${eventOverrides.endAt})`.mapWith(eventOverrides.endAt),
    })
    .from(eventOverrides)
    .where(eq(eventOverrides.seriesId, row.id))
  let start = range.start
  let end = range.end
  if (moved?.first) start = Math.min(start, moved.first.getTime())
  if (moved?.last && end !== null) end = Math.max(end, moved.last.getTime())
  return { rangeStart: new Date(start), rangeEnd: end === null ? null : new Date(end) }
}

/** Bumps the version and refreshes the range after a change to the series or its overrides. */
export async function touchSeries(tx: Tx, id: string, changes: Partial<typeof eventSeries.$inferInsert> = {}): Promise<EventSeriesRow> {
  const [updated] = await tx
    .update(eventSeries)
    .set({ ...changes, version: sql`${eventSeries.version} + 1`, updatedAt: new Date() })
    .where(eq(eventSeries.id, id))
    .returning()
  const range = await rangeOf(tx, updated!)
  const [row] = await tx.update(eventSeries).set(range).where(eq(eventSeries.id, id)).returning()
  return row!
}

export const overrideKey = (seriesId: string, originalStart: number) => and(eq(eventOverrides.seriesId, seriesId), eq(eventOverrides.originalStart, new Date(originalStart)))

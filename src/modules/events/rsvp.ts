// RSVPs: per occurrence, or for the whole series. With a capacity, `going` past it is
// `waitlisted` in arrival order, and a seat given up goes to the first in line. All of it
// for one occurrence runs under one advisory lock, so counts stay exact however many
// answers arrive at once.
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import type { DomainEvents } from '../../domain-events/bus'
import type { Emit } from '../../domain-events/types'
import { eventOverrides, eventRsvps, type EventSeriesRow, type RsvpStatus } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { placeOf, waitlistIn, type EventAccess } from './access'
import { shapeOf } from './expansion-cache'
import type { RsvpAnswer } from './model'
import { occurrenceAt } from './recurrence'
import type { ReminderPlanner } from './reminders'
import { findSeries, overrideKey, type Tx } from './store'
import { parseInstant } from './zone'
import { lockKey } from '../../db/tx'

export interface RsvpDeps {
  db: Database
  /** Answers commit with their `event.rsvp` (and `event.waitlist.promoted`) domain events. */
  events: Pick<DomainEvents, 'transaction'>
  access: Pick<EventAccess, 'requireView' | 'requireNotTimedOut'>
  reminders: Pick<ReminderPlanner, 'plan' | 'sync'>
}

export const lockOccurrence = (tx: Tx, seriesId: string, originalStart: number) =>
  lockKey(tx, `event:${seriesId}:${originalStart}`)

/** Going answers for the occurrence: its own, and whole-series ones of users who gave it none. */
async function goingCount(tx: Tx, seriesId: string, originalStart: number): Promise<number> {
  const at = new Date(originalStart)
  const count = sql<number>`count(*)`.mapWith(Number)
  const [own] = await tx
    .select({ n: count })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.seriesId, seriesId), eq(eventRsvps.originalStart, at), eq(eventRsvps.status, 'going')))
  const [series] = await tx
    .select({ n: count })
    .from(eventRsvps)
    .where(
      and(
        eq(eventRsvps.seriesId, seriesId),
        isNull(eventRsvps.originalStart),
        eq(eventRsvps.status, 'going'),
        sql`not exists (select 1 from event_rsvps o where o.series_id = ${eventRsvps.seriesId} and o.user_id = ${eventRsvps.userId} and o.original_start = ${at.toISOString()}::timestamptz)`,
      ),
    )
  return (own?.n ?? 0) + (series?.n ?? 0)
}

/**
 * Fills free seats of the occurrence from its waitlist, first in line first; the users
 * promoted, told by the `event.waitlist.promoted` event it emits (events.ts notifies them).
 * One in line who can no longer see the event (out of its private room, a role taken
 * away) is not promoted: their place in line is dropped and the next one gets the seat.
 * One timed out is passed over too, but keeps their place: a seat that frees once the
 * time-out is over (or one still free when anyone next asks for a seat) is theirs in turn.
 */
export async function promoteWaitlist(tx: Tx, emit: Emit, series: EventSeriesRow, originalStart: number): Promise<string[]> {
  await lockOccurrence(tx, series.id, originalStart)
  const line = waitlistIn(tx)
  const at = new Date(originalStart)
  let free = series.capacity === null ? Number.MAX_SAFE_INTEGER : series.capacity - (await goingCount(tx, series.id, originalStart))
  const userIds: string[] = []
  let after = 0
  while (free > 0) {
    const next = await tx
      .select({ userId: eventRsvps.userId, position: eventRsvps.waitlistPosition })
      .from(eventRsvps)
      .where(
        and(
          eq(eventRsvps.seriesId, series.id),
          eq(eventRsvps.originalStart, at),
          eq(eventRsvps.status, 'waitlisted'),
          gt(eventRsvps.waitlistPosition, after),
        ),
      )
      .orderBy(asc(eventRsvps.waitlistPosition))
      .limit(Math.min(free, 500))
    if (next.length === 0) break
    const standing = await Promise.all(next.map(({ userId }) => line.standing(userId, series)))
    const gone = next.filter((_, i) => standing[i] === 'out').map((n) => n.userId)
    if (gone.length) {
      await tx.delete(eventRsvps).where(and(eq(eventRsvps.seriesId, series.id), eq(eventRsvps.originalStart, at), inArray(eventRsvps.userId, gone)))
    }
    const seated = next.filter((_, i) => standing[i] === 'seated').map((n) => n.userId)
    if (seated.length) {
      await tx
        .update(eventRsvps)
        .set({ status: 'going', waitlistPosition: null, updatedAt: new Date() })
        .where(and(eq(eventRsvps.seriesId, series.id), eq(eventRsvps.originalStart, at), inArray(eventRsvps.userId, seated)))
    }
    userIds.push(...seated)
    free -= seated.length
    after = next[next.length - 1]!.position!
  }
  if (userIds.length) {
    emit({
      type: 'event.waitlist.promoted',
      data: { eventId: series.id, originalStart: at.toISOString(), title: series.title, userIds },
      communityId: series.communityId,
      ...placeOf(series),
    })
  }
  return userIds
}

export class RsvpService {
  constructor(private readonly deps: RsvpDeps) {}

  /**
   * 404 unless the caller sees the event. A timed-out member may not answer (403
   * `timed_out`, as for a poll vote), except `declined`: taking an answer back, like taking
   * back a reaction, only withdraws them (and frees their seat for the next in line).
   */
  private async requireAnswer(userId: string, series: EventSeriesRow, status: RsvpAnswer) {
    await this.deps.access.requireView(userId, series)
    if (status !== 'declined') await this.deps.access.requireNotTimedOut(userId, series.communityId)
  }

  /** The caller's answer for one occurrence; `going` past the capacity is `waitlisted`. */
  async respond(opts: { userId: string; seriesId: string; originalStart: string; status: RsvpAnswer }) {
    const series = await findSeries(this.deps.db, opts.seriesId)
    await this.requireAnswer(opts.userId, series, opts.status)
    const at = parseInstant(opts.originalStart)
    if (Number.isNaN(at) || !occurrenceAt(shapeOf(series), at)) throw notFound('occurrence')
    const before = await this.deps.reminders.plan([series.id])
    const result = await this.deps.events.transaction({ actorId: opts.userId }, async (tx, emit) => {
      // The series as it stays until this commits (an edit that moves or ends occurrences
      // waits, or went first and is seen here), then the occurrence: the order edits take too.
      const current = await findSeries(tx, series.id, { share: true })
      if (!occurrenceAt(shapeOf(current), at)) throw notFound('occurrence')
      await lockOccurrence(tx, series.id, at)
      const [override] = await tx.select({ cancelled: eventOverrides.cancelled }).from(eventOverrides).where(overrideKey(series.id, at))
      if (override?.cancelled) throw new AppError('occurrence_cancelled', 'this occurrence is cancelled')
      // A seat left free while everyone in line was timed out goes to the line first, in
      // order (the caller too, if they were waiting), not to whoever asks next.
      if (opts.status === 'going' && current.capacity !== null) await promoteWaitlist(tx, emit, current, at)
      const when = new Date(at)
      const [mine] = await tx
        .select()
        .from(eventRsvps)
        .where(and(eq(eventRsvps.seriesId, series.id), eq(eventRsvps.originalStart, when), eq(eventRsvps.userId, opts.userId)))
      const [wholeSeries] = await tx
        .select({ status: eventRsvps.status })
        .from(eventRsvps)
        .where(and(eq(eventRsvps.seriesId, series.id), isNull(eventRsvps.originalStart), eq(eventRsvps.userId, opts.userId)))
      const was: RsvpStatus | undefined = mine?.status ?? wholeSeries?.status
      let status: RsvpStatus = opts.status
      let waitlistPosition: number | null = null
      if (opts.status === 'going' && current.capacity !== null && was !== 'going') {
        if (mine?.status === 'waitlisted') {
          status = 'waitlisted'
          waitlistPosition = mine.waitlistPosition
        } else if ((await goingCount(tx, series.id, at)) >= current.capacity) {
          status = 'waitlisted'
          const [last] = await tx
            .select({ n: sql<number>`coalesce(max(${eventRsvps.waitlistPosition}), 0)`.mapWith(Number) })
            .from(eventRsvps)
            .where(and(eq(eventRsvps.seriesId, series.id), eq(eventRsvps.originalStart, when)))
          waitlistPosition = (last?.n ?? 0) + 1
        }
      }
      const values = { seriesId: series.id, originalStart: when, userId: opts.userId, status, waitlistPosition, updatedAt: new Date() }
      await tx
        .insert(eventRsvps)
        .values(values)
        .onConflictDoUpdate({
          target: [eventRsvps.seriesId, eventRsvps.originalStart, eventRsvps.userId],
          targetWhere: sql`${eventRsvps.originalStart} is not null`,
          set: { status, waitlistPosition, updatedAt: values.updatedAt },
        })
      emit({
        type: 'event.rsvp',
        data: { eventId: series.id, originalStart: when.toISOString(), userId: opts.userId, status },
        communityId: series.communityId,
        ...placeOf(series),
      })
      if (was === 'going' && status !== 'going') await promoteWaitlist(tx, emit, current, at)
      return { status, waitlistPosition }
    })
    await this.deps.reminders.sync([series.id], before)
    return result.waitlistPosition === null ? { status: result.status } : { status: result.status, waitlistPosition: result.waitlistPosition }
  }

  /** The caller's answer for every occurrence (an occurrence's own answer still wins). Not `going` where seats are counted. */
  async respondToSeries(opts: { userId: string; seriesId: string; status: RsvpAnswer }) {
    const series = await findSeries(this.deps.db, opts.seriesId)
    await this.requireAnswer(opts.userId, series, opts.status)
    if (opts.status === 'going' && series.capacity !== null) {
      throw new AppError('validation_failed', 'this event has a capacity: answer going for each occurrence')
    }
    const before = await this.deps.reminders.plan([series.id])
    await this.deps.events.transaction({ actorId: opts.userId }, async (tx, emit) => {
      const current = await findSeries(tx, series.id, { share: true })
      if (opts.status === 'going' && current.capacity !== null) {
        throw new AppError('validation_failed', 'this event has a capacity: answer going for each occurrence')
      }
      await tx
        .insert(eventRsvps)
        .values({ seriesId: series.id, originalStart: null, userId: opts.userId, status: opts.status })
        .onConflictDoUpdate({
          target: [eventRsvps.seriesId, eventRsvps.userId],
          targetWhere: sql`${eventRsvps.originalStart} is null`,
          set: { status: opts.status, updatedAt: new Date() },
        })
      emit({
        type: 'event.rsvp',
        data: { eventId: series.id, originalStart: null, userId: opts.userId, status: opts.status },
        communityId: series.communityId,
        ...placeOf(series),
      })
    })
    await this.deps.reminders.sync([series.id], before)
    return { status: opts.status }
  }
}

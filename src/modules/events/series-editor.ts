// Edits of a series inside the caller's transaction, each keeping occurrence identity:
// overrides, RSVPs and reminders belong to an occurrence's `originalStart`, and follow it
// when the series moves, is split, or loses it.
import { and, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm'
import { eventOverrides, eventReminders, eventRsvps, eventSeries, type EventOverrideRow, type EventSeriesRow } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { placeOf } from './access'
import type { ResolvedOccurrence } from './calendar'
import { shapeOf } from './expansion-cache'
import { toEventView, type DroppedView, type OccurrenceChanges, type SeriesChanges } from './model'
import { countBefore, expandSeries, occurrenceAt, remapOccurrences, validateSeries, type Instance, type SeriesShape } from './recurrence'
import { promoteWaitlist } from './rsvp'
import { formatRule, parseRule, type Rule } from './rule'
import type { DomainEventMap, Emit } from '../../domain-events/types'
import { findSeries, overrideKey, touchSeries, type Tx } from './store'
import { formatLocal, LAST_INSTANT, MS, parseLocal, toInstant } from './zone'
import { trimmedName } from '../../lib/model'

type Actor = { actorId: string; seriesId: string }
type SeriesEventType = 'event.created' | 'event.updated' | 'event.occurrence.cancelled' | 'event.deleted'

/** Each edit runs in the caller's transaction and emits its domain events there (`emit`). */
export class SeriesEditor {
  /** scope `all`: the whole series; occurrences move with its local start, overrides and RSVPs of vanished ones are dropped (and reported). */
  async updateAll(tx: Tx, emit: Emit, opts: Actor & { changes: SeriesChanges }) {
    const row = await findSeries(tx, opts.seriesId, { lock: true })
    const next = applyChanges(row, opts.changes)
    const dropped = await this.moveIdentity(tx, row, next)
    const updated = await touchSeries(tx, row.id, {
      title: trimmedName(opts.changes.title, 'title') ?? row.title,
      description: opts.changes.description !== undefined ? opts.changes.description : row.description,
      location: opts.changes.location !== undefined ? opts.changes.location : row.location,
      startLocal: next.start,
      allDay: next.allDay,
      timeZone: next.timeZone,
      durationMinutes: next.durationMinutes,
      rrule: next.rrule,
      exdates: next.exdates,
      rdates: next.rdates,
      capacity: opts.changes.capacity !== undefined ? opts.changes.capacity : row.capacity,
    })
    if (updated.capacity === null || (row.capacity !== null && updated.capacity > row.capacity)) {
      const waiting = await tx
        .selectDistinct({ originalStart: eventRsvps.originalStart })
        .from(eventRsvps)
        .where(and(eq(eventRsvps.seriesId, row.id), eq(eventRsvps.status, 'waitlisted')))
      for (const w of waiting) if (w.originalStart) await promoteWaitlist(tx, emit, updated, w.originalStart.getTime())
    }
    this.record(emit, updated, opts.actorId, 'event.updated', { scope: 'all' })
    return { ...toEventView(updated), dropped }
  }

  /** scope `this`: an override of one occurrence (moved, retitled, cancelled or restored). */
  async overrideOne(tx: Tx, emit: Emit, opts: Actor & { originalStart: number; changes: OccurrenceChanges }): Promise<ResolvedOccurrence> {
    const row = await findSeries(tx, opts.seriesId, { lock: true })
    const inst = requireOccurrence(row, opts.originalStart)
    const c = opts.changes
    for (const field of ['timeZone', 'rrule', 'exdates', 'rdates', 'allDay', 'capacity'] as const) {
      if (c[field] !== undefined) throw new AppError('validation_failed', `${field} changes the whole series: use scope "all" or "following"`)
    }
    const [existing] = await tx.select().from(eventOverrides).where(overrideKey(row.id, opts.originalStart))
    const startLocal = c.start ?? existing?.startLocal ?? null
    const duration =
      c.durationMinutes ?? (c.end ? durationBetween(row, c.start ?? startLocal ?? formatLocal(inst.wall, row.allDay), c.end) : undefined)
    const durationMinutes = duration ?? existing?.durationMinutes ?? null
    const startAt = startLocal ? toInstant(row.timeZone, parseLocal(startLocal, row.allDay)) : inst.start
    const minutes = durationMinutes ?? row.durationMinutes
    const endAt = row.allDay
      ? toInstant(row.timeZone, parseLocal(startLocal ?? formatLocal(inst.wall, true), true) + minutes * MS.MINUTE)
      : startAt + minutes * MS.MINUTE
    const values = {
      seriesId: row.id,
      originalStart: new Date(opts.originalStart),
      startLocal,
      durationMinutes,
      title: c.title !== undefined ? trimmedName(c.title, 'title') : (existing?.title ?? null),
      description: c.description !== undefined ? c.description : (existing?.description ?? null),
      location: c.location !== undefined ? c.location : (existing?.location ?? null),
      cancelled: c.cancelled ?? existing?.cancelled ?? false,
      startAt: new Date(startAt),
      endAt: new Date(endAt),
      updatedAt: new Date(),
    }
    const [override] = await tx
      .insert(eventOverrides)
      .values(values)
      .onConflictDoUpdate({ target: [eventOverrides.seriesId, eventOverrides.originalStart], set: values })
      .returning()
    const updated = await touchSeries(tx, row.id)
    const type = values.cancelled && !existing?.cancelled ? 'event.occurrence.cancelled' : 'event.updated'
    this.record(emit, updated, opts.actorId, type, { scope: 'this', originalStart: values.originalStart.toISOString() })
    return {
      series: updated,
      originalStart: opts.originalStart,
      start: startAt,
      end: endAt,
      title: override!.title ?? updated.title,
      location: override!.location ?? updated.location,
      description: override!.description ?? updated.description,
      cancelled: override!.cancelled,
      override,
    }
  }

  /**
   * scope `following`: the series ends before the occurrence (UNTIL, or a shorter COUNT)
   * and a new series linked to it starts there with the changes; what belongs to that
   * occurrence and later ones moves to the new series. At the first occurrence it is `all`.
   */
  async splitFollowing(tx: Tx, emit: Emit, opts: Actor & { originalStart: number; changes: OccurrenceChanges }) {
    const row = await findSeries(tx, opts.seriesId, { lock: true })
    const inst = requireOccurrence(row, opts.originalStart)
    const { cancelled, ...changes } = opts.changes
    if (cancelled !== undefined) throw new AppError('validation_failed', 'to cancel this and following occurrences, DELETE with scope=following')
    if (isFirst(row, inst)) {
      const event = await this.updateAll(tx, emit, { ...opts, changes })
      return { result: { event }, touched: [row.id] }
    }
    const nextId = newId()
    const parts = splitShape(row, inst, { keepRule: changes.rrule === undefined })
    // At an extra date the new series starts at the rule's next occurrence (parts.after.start):
    // a new start or end given for the occurrence moves that one by as much.
    const offset = parseLocal(parts.after.start, row.allDay) - inst.wall
    if (offset !== 0) {
      const allDay = changes.allDay ?? row.allDay
      const move = (d: string, field: string) => formatLocal(parseLocal(d, allDay, field) + offset, allDay)
      if (changes.start !== undefined) changes.start = move(changes.start, 'start')
      if (changes.end !== undefined) changes.end = move(changes.end, 'end')
    }
    const [created] = await tx
      .insert(eventSeries)
      .values({
        ...row,
        id: nextId,
        startLocal: parts.after.start,
        rrule: parts.after.rrule,
        exdates: parts.after.exdates,
        rdates: parts.after.rdates,
        version: 1,
        previousId: row.id,
        createdBy: opts.actorId,
        createdAt: new Date(),
        updatedAt: new Date(),
      })
      .returning()
    const from = new Date(inst.originalStart)
    await tx.update(eventOverrides).set({ seriesId: nextId }).where(and(eq(eventOverrides.seriesId, row.id), gte(eventOverrides.originalStart, from)))
    await tx.update(eventRsvps).set({ seriesId: nextId }).where(and(eq(eventRsvps.seriesId, row.id), gte(eventRsvps.originalStart, from)))
    await tx.execute(sql`
      insert into event_rsvps (series_id, original_start, user_id, status, waitlist_position, updated_at)
      select ${nextId}, null, user_id, status, waitlist_position, now() from event_rsvps
      where series_id = ${row.id} and original_start is null`)
    await tx.execute(sql`
      insert into event_reminders (series_id, user_id, minutes_before)
      select ${nextId}, user_id, minutes_before from event_reminders where series_id = ${row.id}`)
    const previous = await touchSeries(tx, row.id, { rrule: parts.before.rrule, exdates: parts.before.exdates, rdates: parts.before.rdates })
    await touchSeries(tx, nextId)
    this.record(emit, previous, opts.actorId, 'event.updated', { scope: 'following', originalStart: from.toISOString(), nextId })
    this.record(emit, created!, opts.actorId, 'event.created', { previousId: row.id })
    const event = await this.updateAll(tx, emit, { actorId: opts.actorId, seriesId: created!.id, changes })
    return { result: { event, previous: toEventView(previous) }, touched: [row.id, nextId] }
  }

  /** DELETE scope `following`: the series ends before the occurrence; at the first one, the series goes. */
  async endBefore(tx: Tx, emit: Emit, opts: Actor & { originalStart: number }) {
    const row = await findSeries(tx, opts.seriesId, { lock: true })
    const inst = requireOccurrence(row, opts.originalStart)
    if (isFirst(row, inst)) return this.remove(tx, emit, opts)
    const parts = splitShape(row, inst, { keepRule: false })
    const from = new Date(inst.originalStart)
    await tx.delete(eventOverrides).where(and(eq(eventOverrides.seriesId, row.id), gte(eventOverrides.originalStart, from)))
    await tx.delete(eventRsvps).where(and(eq(eventRsvps.seriesId, row.id), gte(eventRsvps.originalStart, from)))
    const updated = await touchSeries(tx, row.id, { rrule: parts.before.rrule, exdates: parts.before.exdates, rdates: parts.before.rdates })
    this.record(emit, updated, opts.actorId, 'event.updated', { scope: 'following', originalStart: from.toISOString(), ended: true })
  }

  async remove(tx: Tx, emit: Emit, opts: Actor) {
    const row = await findSeries(tx, opts.seriesId, { lock: true })
    await tx.delete(eventSeries).where(eq(eventSeries.id, row.id))
    this.record(emit, row, opts.actorId, 'event.deleted', {})
  }

  /**
   * Re-keys the overrides and per-occurrence RSVPs of `row` for its new shape; those whose
   * occurrence no longer exists are deleted and returned.
   */
  private async moveIdentity(tx: Tx, row: EventSeriesRow, next: SeriesShape): Promise<DroppedView> {
    const dropped: DroppedView = { overrides: [], rsvps: [] }
    const before = shapeOf(row)
    const overrides = await tx.select().from(eventOverrides).where(eq(eventOverrides.seriesId, row.id))
    const rsvpKeys = await tx
      .selectDistinct({ originalStart: eventRsvps.originalStart })
      .from(eventRsvps)
      .where(and(eq(eventRsvps.seriesId, row.id), isNotNull(eventRsvps.originalStart)))
    const keys = [...overrides.map((o) => o.originalStart.getTime()), ...rsvpKeys.map((r) => r.originalStart!.getTime())]
    if (keys.length === 0 || JSON.stringify(before) === JSON.stringify(next)) return dropped
    const moved = remapOccurrences(before, next, keys)

    await tx.delete(eventOverrides).where(eq(eventOverrides.seriesId, row.id))
    const kept: EventOverrideRow[] = []
    for (const o of overrides) {
      const target = moved.get(o.originalStart.getTime())
      if (!target) {
        dropped.overrides.push(o.originalStart.toISOString())
        continue
      }
      kept.push({ ...o, originalStart: new Date(target.originalStart), ...overridePlace(o, target, next) })
    }
    if (kept.length) await tx.insert(eventOverrides).values(kept)

    const rsvps = await tx.select().from(eventRsvps).where(and(eq(eventRsvps.seriesId, row.id), isNotNull(eventRsvps.originalStart)))
    const changed = rsvps.filter((r) => moved.get(r.originalStart!.getTime())?.originalStart !== r.originalStart!.getTime())
    if (changed.length === 0) return dropped
    await tx.delete(eventRsvps).where(
      and(
        eq(eventRsvps.seriesId, row.id),
        inArray(eventRsvps.originalStart, [...new Set(changed.map((r) => r.originalStart!.getTime()))].map((t) => new Date(t))),
      ),
    )
    const reinserted = []
    for (const r of changed) {
      const target = moved.get(r.originalStart!.getTime())
      if (!target) dropped.rsvps.push({ originalStart: r.originalStart!.toISOString(), userId: r.userId, status: r.status })
      else reinserted.push({ ...r, originalStart: new Date(target.originalStart) })
    }
    if (reinserted.length) await tx.insert(eventRsvps).values(reinserted)
    return dropped
  }

  private record<T extends SeriesEventType>(
    emit: Emit,
    row: EventSeriesRow,
    actorId: string,
    type: T,
    data: Omit<DomainEventMap[T], 'eventId' | 'version'>,
  ) {
    emit<T>({
      type,
      data: { eventId: row.id, version: row.version, ...data } as DomainEventMap[T],
      communityId: row.communityId,
      ...placeOf(row),
      actorId,
    })
  }
}

/** Where an override sits in the new shape: its own moved start, or the occurrence's new one. */
function overridePlace(o: EventOverrideRow, target: Instance, next: SeriesShape) {
  if (!o.startLocal) {
    const minutes = o.durationMinutes ?? next.durationMinutes
    return { startAt: new Date(target.start), endAt: new Date(next.allDay ? target.end : target.start + minutes * MS.MINUTE) }
  }
  const start = toInstant(next.timeZone, parseLocal(o.startLocal, next.allDay))
  return { startAt: new Date(start), endAt: new Date(start + (o.durationMinutes ?? next.durationMinutes) * MS.MINUTE) }
}

function requireOccurrence(row: EventSeriesRow, originalStart: number): Instance {
  const inst = Number.isNaN(originalStart) ? undefined : occurrenceAt(shapeOf(row), originalStart)
  if (!inst) throw notFound('occurrence')
  return inst
}

function isFirst(row: EventSeriesRow, inst: Instance): boolean {
  return countBefore(shapeOf(row), inst.originalStart) === 0 && !row.rdates.some((d) => parseLocal(d, row.allDay) < inst.wall)
}

/**
 * The series cut in two at an occurrence: what ends before it and what starts with it.
 * The part after starts at the occurrence, unless that is an extra date (RDATE) and the
 * rule goes on (`keepRule`): a DTSTART there would give the rule that date's weekday and
 * time, so the part after starts at the rule's next occurrence and keeps the extra date.
 */
function splitShape(row: EventSeriesRow, inst: Instance, opts: { keepRule: boolean }) {
  const shape = shapeOf(row)
  const cut = inst.wall
  const isBefore = (d: string) => parseLocal(d, row.allDay) < cut
  let beforeRule: string | null = null
  let afterRule: string | null = null
  let afterStart = cut
  if (row.rrule) {
    const rule = parseRule(row.rrule, { allDay: row.allDay, start: parseLocal(row.startLocal, row.allDay) })
    // The rule's own occurrences (DTSTART among them), without the extra and excluded dates.
    const ruled: SeriesShape = { ...shape, rdates: [], exdates: [] }
    let next: Instance | undefined = inst
    if (opts.keepRule && !occurrenceAt(ruled, inst.originalStart)) {
      next = expandSeries(ruled, { from: inst.originalStart, to: LAST_INSTANT }, { limit: 3 }).instances.find((i) => i.originalStart > inst.originalStart)
    }
    if (rule.count !== null) {
      const n = countBefore(shape, inst.originalStart)
      beforeRule = formatRule({ ...rule, count: n })
      afterRule = next ? formatRule({ ...rule, count: Math.max(1, rule.count - n) }) : null
    } else {
      const until: Rule['until'] = row.allDay ? { kind: 'date', ms: cut - MS.DAY } : { kind: 'utc', ms: inst.originalStart - 1000 }
      beforeRule = formatRule({ ...rule, until })
      afterRule = next ? row.rrule : null
    }
    if (next) afterStart = next.wall
  }
  return {
    before: { rrule: beforeRule, exdates: row.exdates.filter(isBefore), rdates: row.rdates.filter(isBefore) },
    after: {
      start: formatLocal(afterStart, row.allDay),
      rrule: afterRule,
      exdates: row.exdates.filter((d) => !isBefore(d)),
      rdates: row.rdates.filter((d) => !isBefore(d) && parseLocal(d, row.allDay) !== afterStart),
    },
  }
}

/** Minutes between two local times of the series (exact: a DST change in between counts). */
export function durationBetween(row: Pick<EventSeriesRow, 'timeZone' | 'allDay'>, start: string, end: string): number {
  const zone = row.timeZone
  const minutes = row.allDay
    ? (parseLocal(end, true, 'end') - parseLocal(start, true)) / MS.MINUTE
    : (toInstant(zone, parseLocal(end, false, 'end')) - toInstant(zone, parseLocal(start, false))) / MS.MINUTE
  if (minutes <= 0) throw new AppError('validation_failed', 'end must be after start')
  return minutes
}

/**
 * The series with the changes applied, checked. A new local start moves EXDATEs and RDATEs
 * with it, and a weekly rule on the old start's weekday follows the new one (Google's way).
 */
export function applyChanges(row: EventSeriesRow, c: SeriesChanges): SeriesShape {
  const allDay = c.allDay ?? row.allDay
  if (allDay !== row.allDay && c.start === undefined) throw new AppError('validation_failed', 'changing allDay needs a new start')
  const start = c.start ?? row.startLocal
  const timeZone = c.timeZone ?? row.timeZone
  const durationMinutes =
    c.durationMinutes ??
    (c.end !== undefined ? durationBetween({ timeZone, allDay }, start, c.end) : allDay !== row.allDay ? (allDay ? 1440 : 60) : row.durationMinutes)
  if (c.durationMinutes !== undefined && c.end !== undefined) throw new AppError('validation_failed', 'give end or durationMinutes, not both')
  const oldWall = parseLocal(row.startLocal, row.allDay)
  const newWall = parseLocal(start, allDay)
  const delta = newWall - oldWall
  const shift = (d: string) => formatLocal(parseLocal(d, row.allDay) + delta, allDay)
  let rrule = c.rrule !== undefined ? c.rrule : row.rrule
  if (c.rrule === undefined && row.rrule && delta !== 0) rrule = followWeekday(row.rrule, { allDay, oldWall, newWall })
  return validateSeries({
    start,
    allDay,
    timeZone,
    durationMinutes,
    rrule,
    exdates: c.exdates ?? row.exdates.map(shift),
    rdates: c.rdates ?? row.rdates.map(shift),
  })
}

function followWeekday(value: string, opts: { allDay: boolean; oldWall: number; newWall: number }): string {
  const rule = parseRule(value, { allDay: opts.allDay, start: opts.oldWall })
  const oldDay = (new Date(opts.oldWall).getUTCDay() + 6) % 7
  const newDay = (new Date(opts.newWall).getUTCDay() + 6) % 7
  if (rule.freq !== 'WEEKLY' || rule.byday.length !== 1 || rule.byday[0]!.n !== null || rule.byday[0]!.weekday !== oldDay || oldDay === newDay) {
    return value
  }
  return formatRule({ ...rule, byday: [{ weekday: newDay, n: null }] })
}

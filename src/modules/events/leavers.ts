// Someone who leaves a community (or is kicked or banned from it), or is removed from a
// private room, stops answering for its events: their answers for occurrences that had not started when they left are removed,
// and every seat that frees goes to the next in line. Occurrences that had started keep
// their answers (history): a whole-series answer is kept as answers of the past year's
// occurrences before it goes.
import { and, eq, inArray, isNull, type SQL } from 'drizzle-orm'
import { consumeOnce } from '../../db/outbox'
import type { Database } from '../../db/client'
import { communityMembers, eventOverrides, eventRsvps, eventSeries, roomMembers, type EventSeriesRow, type RsvpStatus } from '../../db/schema'
import type { DomainEvents } from '../../domain-events/bus'
import type { DomainEvent, Emit } from '../../domain-events/types'
import { loadCommunityAcl, loadMemberContext } from '../permissions/store'
import { seesPlace } from './access'
import { resolveOccurrences } from './calendar'
import type { ExpansionCache } from './expansion-cache'
import { lockOccurrence, promoteWaitlist } from './rsvp'
import type { Tx } from './store'
import { MS } from './zone'

/** The consumer name under which a `member.left` is claimed (the feature's name). */
export const LEAVERS_CONSUMER = 'calendar'

/** How far back a whole-series answer is written onto the occurrences it answered. */
const HISTORY_MS = 366 * MS.DAY
/** At most this many past occurrences keep a whole-series answer (the most recent). */
const MAX_HISTORY = 1000

export interface LeaverDeps {
  events: Pick<DomainEvents, 'transaction'>
  cache: ExpansionCache
}

/**
 * Removes the leaver's answers in the community's events for occurrences that start after
 * the leave committed (`event.at`, so a late or repeated delivery draws the same line),
 * in one transaction with the claim of the event: a redelivered event changes nothing.
 */
export function dropLeaverAnswers(deps: LeaverDeps, event: DomainEvent<'member.left'>): Promise<{ removed: number; promoted: string[] }> {
  const { communityId, userId } = event.data
  return dropAnswers(deps, event, {
    userId,
    series: eq(eventSeries.communityId, communityId),
    stillIn: (tx) =>
      tx.select({ userId: communityMembers.userId }).from(communityMembers).where(and(eq(communityMembers.communityId, communityId), eq(communityMembers.userId, userId))),
  })
}

/**
 * The same for one removed from a private room: their answers in the events of that room
 * (which only its members see) for occurrences that had not started. One who sees the room
 * without being in its list (the community's owner, an administrator) keeps them.
 */
export async function dropRemovedAnswers(deps: LeaverDeps, event: DomainEvent<'room.member_removed'>): Promise<{ removed: number; promoted: string[] }> {
  const { roomId, userId } = event.data
  const communityId = event.communityId
  if (!communityId) return { removed: 0, promoted: [] } // a group DM: it has no events
  return dropAnswers(deps, event, {
    userId,
    series: eq(eventSeries.roomId, roomId),
    stillIn: (tx) => tx.select({ userId: roomMembers.userId }).from(roomMembers).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId))),
    seesAnyway: (tx) => seesUnlisted(tx, { communityId, roomId }, userId),
  })
}

/** Whether the user sees a private room's events without being one of its members. */
async function seesUnlisted(tx: Tx, place: { communityId: string; roomId: string }, userId: string): Promise<boolean> {
  const db = tx as unknown as Database
  const [acl, member] = await Promise.all([loadCommunityAcl(db, place.communityId), loadMemberContext(db, place.communityId, userId)])
  const privateRooms = new Set([...member.privateRooms].filter((id) => id !== place.roomId))
  return seesPlace(acl, { ...member, privateRooms }, { ...place, groupId: null }, Date.now())
}

async function dropAnswers(
  deps: LeaverDeps,
  event: DomainEvent,
  opts: {
    userId: string
    series: SQL
    stillIn: (tx: Tx) => Promise<unknown[]>
    /** Whether they still see the events without what they left: then nothing of theirs goes. */
    seesAnyway?: (tx: Tx) => Promise<boolean>
  },
): Promise<{ removed: number; promoted: string[] }> {
  const { userId } = opts
  const leftAt = Date.parse(event.at)
  return deps.events.transaction({ actorId: null }, async (tx, emit) => {
    if (!(await consumeOnce(tx, LEAVERS_CONSUMER, event.id))) return { removed: 0, promoted: [] }
    const answered = await tx
      .selectDistinct({ seriesId: eventRsvps.seriesId })
      .from(eventRsvps)
      .innerJoin(eventSeries, eq(eventSeries.id, eventRsvps.seriesId))
      .where(and(eq(eventRsvps.userId, userId), opts.series))
    if (answered.length === 0 || (await opts.seesAnyway?.(tx))) return { removed: 0, promoted: [] }
    // Back already (in the community, or the room): what they answered since they came back stays.
    const back = await opts.stillIn(tx)
    const givenBefore = (answer: { updatedAt: Date }) => back.length === 0 || answer.updatedAt.getTime() <= leftAt
    let removed = 0
    const promoted: string[] = []
    // One series after another, in one order, each as an answer takes it: the series shared, then each occurrence.
    for (const { seriesId } of answered.sort((a, b) => (a.seriesId < b.seriesId ? -1 : 1))) {
      const [series] = await tx.select().from(eventSeries).where(eq(eventSeries.id, seriesId)).for('share')
      if (!series) continue // deleted meanwhile, its answers with it
      const r = await dropInSeries(tx, emit, deps.cache, series, userId, leftAt, givenBefore)
      removed += r.removed
      promoted.push(...r.promoted)
    }
    return { removed, promoted }
  })
}

async function dropInSeries(
  tx: Tx,
  emit: Emit,
  cache: ExpansionCache,
  series: EventSeriesRow,
  userId: string,
  leftAt: number,
  givenBefore: (answer: { updatedAt: Date }) => boolean,
) {
  const all = await tx.select().from(eventRsvps).where(and(eq(eventRsvps.seriesId, series.id), eq(eventRsvps.userId, userId)))
  const mine = all.filter(givenBefore)
  const own = mine.filter((r) => r.originalStart !== null)
  /** Occurrences with an answer of their own (which the whole-series answer does not reach). */
  const ownAt = new Set(all.filter((r) => r.originalStart !== null).map((r) => r.originalStart!.getTime()))
  const wholeSeries = mine.find((r) => r.originalStart === null)
  // An occurrence starts where its override moved it, or where the rule put it.
  const moved = await startsOf(tx, series.id, own.map((r) => r.originalStart!.getTime()))
  const startOf = (originalStart: number) => moved.get(originalStart) ?? originalStart
  const upcoming = own
    .map((r) => ({ originalStart: r.originalStart!.getTime(), status: r.status }))
    .filter((r) => startOf(r.originalStart) > leftAt)
    .sort((a, b) => a.originalStart - b.originalStart)

  let removed = 0
  const promoted: string[] = []
  const freed = new Set<number>()
  for (const r of upcoming) {
    await lockOccurrence(tx, series.id, r.originalStart)
    const gone = await tx
      .delete(eventRsvps)
      .where(and(eq(eventRsvps.seriesId, series.id), eq(eventRsvps.originalStart, new Date(r.originalStart)), eq(eventRsvps.userId, userId)))
      .returning({ status: eventRsvps.status })
    removed += gone.length
    if (gone[0]?.status === 'going') freed.add(r.originalStart)
  }

  if (wholeSeries) {
    if (wholeSeries.status !== 'waitlisted') await keepOnPast(tx, cache, series, userId, wholeSeries.status, leftAt, ownAt)
    const gone = await tx
      .delete(eventRsvps)
      .where(and(eq(eventRsvps.seriesId, series.id), isNull(eventRsvps.originalStart), eq(eventRsvps.userId, userId)))
      .returning({ status: eventRsvps.status })
    removed += gone.length
    // A whole-series `going` (given before the event had a capacity) held a seat in every
    // occurrence the user gave no answer of its own: where people wait, one frees.
    if (gone[0]?.status === 'going' && series.capacity !== null) {
      const waiting = await tx
        .selectDistinct({ originalStart: eventRsvps.originalStart })
        .from(eventRsvps)
        .where(and(eq(eventRsvps.seriesId, series.id), eq(eventRsvps.status, 'waitlisted')))
      const candidates = waiting.map((w) => w.originalStart!.getTime()).filter((t) => !ownAt.has(t))
      const starts = await startsOf(tx, series.id, candidates)
      for (const t of candidates) if ((starts.get(t) ?? t) > leftAt) freed.add(t)
    }
  }

  for (const originalStart of [...freed].sort((a, b) => a - b)) promoted.push(...(await promoteWaitlist(tx, emit, series, originalStart)))
  return { removed, promoted }
}

/** Where overrides moved the given occurrences (originalStart -> start). */
async function startsOf(tx: Tx, seriesId: string, originalStarts: number[]): Promise<Map<number, number>> {
  if (originalStarts.length === 0) return new Map()
  const rows = await tx
    .select({ originalStart: eventOverrides.originalStart, startAt: eventOverrides.startAt })
    .from(eventOverrides)
    .where(and(eq(eventOverrides.seriesId, seriesId), inArray(eventOverrides.originalStart, originalStarts.map((t) => new Date(t)))))
  return new Map(rows.map((r) => [r.originalStart.getTime(), r.startAt.getTime()]))
}

/**
 * Writes a whole-series answer onto the occurrences it answered that had started when the
 * user left (the past year's, the most recent first kept), where the user gave none of their own.
 */
async function keepOnPast(tx: Tx, cache: ExpansionCache, series: EventSeriesRow, userId: string, status: Exclude<RsvpStatus, 'waitlisted'>, leftAt: number, answered: Set<number>) {
  let from = Math.max(series.rangeStart.getTime(), leftAt - HISTORY_MS)
  if (from > leftAt) return
  // Expansions keep the earliest occurrences of a window: narrow it until the most recent fit.
  let resolved = await resolveOccurrences(tx, cache, [series], { from, to: leftAt + 1 })
  while (resolved.truncated && leftAt - from > MS.DAY) {
    from = leftAt - Math.floor((leftAt - from) / 2)
    resolved = await resolveOccurrences(tx, cache, [series], { from, to: leftAt + 1 })
  }
  const past = resolved.occurrences
    .filter((o) => o.start <= leftAt && !answered.has(o.originalStart))
    .slice(-MAX_HISTORY)
    .map((o) => ({ seriesId: series.id, originalStart: new Date(o.originalStart), userId, status }))
  for (let i = 0; i < past.length; i += 500) {
    await tx
      .insert(eventRsvps)
      .values(past.slice(i, i + 500))
      .onConflictDoNothing()
  }
}

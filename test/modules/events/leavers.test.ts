// One who leaves a community (or is kicked or banned) gives up their answers for its
// occurrences that have not started: the `member.left` reaction, run by the real job
// workers, frees their seats for the waitlist; occurrences that had started keep them.
import { describe, expect, test } from 'bun:test'
import { and, eq, inArray } from 'drizzle-orm'
import { consumed } from '../../../src/db/outbox'
import { eventRsvps, notifications } from '../../../src/db/schema'
import type { DomainEvent } from '../../../src/domain-events/types'
import type { JobContext } from '../../../src/jobs/processors'
import { calendarFeature } from '../../../src/modules/events'
import { LEAVERS_CONSUMER } from '../../../src/modules/events/leavers'
import { newCommunity, ok, type TestUser } from '../../helpers/community'
import { eventually } from '../../helpers/wait'
import { as, createEvent, enc, occurrences, startEvents } from './helpers'

const h = await startEvents({ jobs: true })
const w = await newCommunity(h.app.http)
const left: DomainEvent<'member.left'>[] = []
h.app.hearth.core.events.on('member.left', (e) => left.push(e))
const roomLeft: DomainEvent<'room.member_removed'>[] = []
h.app.hearth.core.events.on('room.member_removed', (e) => roomLeft.push(e))
const promotedEvents: DomainEvent<'event.waitlist.promoted'>[] = []
h.app.hearth.core.events.onRelayed('event.waitlist.promoted', (e) => promotedEvents.push(e))

const HOUR = 3_600_000
const WEEK = 7 * 24 * HOUR
/** A weekly series (Etc/UTC) whose first occurrence was ~20.5 days ago: occurrences 0-2 have started, 3 (in ~12 h) and 4 have not. */
const base = Math.floor((Date.now() - 20 * 24 * HOUR - 12 * HOUR) / HOUR) * HOUR
const nth = (k: number) => new Date(base + k * WEEK).toISOString()
const weekly = { start: new Date(base).toISOString().slice(0, 16), timeZone: 'Etc/UTC', rrule: 'FREQ=WEEKLY' }

const rsvp = (id: string, user: TestUser, status: string, at: string) =>
  h.http.put(`/v1/events/${id}/occurrences/${enc(at)}/rsvp`, { status }, as(user))
const listed = async (id: string, user: TestUser = w.owner) =>
  new Map(
    (await occurrences(h, w.id, user, new Date(base - HOUR).toISOString(), new Date(base + 5 * WEEK).toISOString()))
      .filter((o) => o.eventId === id)
      .map((o) => [o.originalStart as string, o.rsvp]),
  )
const answersOf = (seriesIds: string[]) =>
  h.app.res.db
    .select()
    .from(eventRsvps)
    .where(inArray(eventRsvps.seriesId, seriesIds))
    .then((rows) => rows.map((r) => ({ ...r, updatedAt: undefined })).sort((a, b) => `${a.seriesId}${a.userId}${a.originalStart?.getTime()}`.localeCompare(`${b.seriesId}${b.userId}${b.originalStart?.getTime()}`)))

/** The calendar's `member.left` reaction run again by hand, as a redelivered job would run it. */
const redeliver = (event: DomainEvent<'member.left'>) => {
  const ctx = {
    ...h.app.res,
    live: { publishToUser: async () => {} },
    jobs: h.app.res.jobs,
    job: { id: 'again', queue: 'events', name: 'event', attempt: 2 },
  } as unknown as JobContext
  return calendarFeature.reactions!['member.left']!.handle(event, ctx)
}

describe('a member who leaves', () => {
  test('their going for an upcoming occurrence frees the seat for the first in line (who is told); their answers for occurrences that started stay', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, title: 'Board games', capacity: 1 })
    const open = await createEvent(h, w.id, w.owner, { ...weekly, title: 'Open house' })
    const [leaver, first, second] = [await w.join(), await w.join(), await w.join()]
    expect(ok(await rsvp(ev.id, leaver, 'going', nth(0))).body.status).toBe('going')
    expect(ok(await rsvp(ev.id, leaver, 'going', nth(3))).body.status).toBe('going')
    expect(ok(await rsvp(ev.id, first, 'going', nth(3))).body).toEqual({ status: 'waitlisted', waitlistPosition: 1 })
    expect(ok(await rsvp(ev.id, second, 'going', nth(3))).body).toEqual({ status: 'waitlisted', waitlistPosition: 2 })
    ok(await h.http.put(`/v1/events/${open.id}/rsvp`, { status: 'maybe' }, as(leaver)))

    expect((await h.http.delete(`/v1/communities/${w.id}/members/${leaver.id}`, as(leaver))).status).toBe(204)
    await eventually('the first in line to get the seat', async () => (await listed(ev.id, first)).get(nth(3))?.me === 'going')

    const seats = await listed(ev.id)
    expect(seats.get(nth(3))).toEqual({ going: 1, maybe: 0, declined: 0, waitlisted: 1 })
    expect(seats.get(nth(0))).toEqual({ going: 1, maybe: 0, declined: 0, waitlisted: 0 }) // history
    expect((await listed(ev.id, second)).get(nth(3))?.me).toBe('waitlisted')
    // The whole-series maybe still answers the occurrences that had started, no longer the others.
    const house = await listed(open.id)
    expect([0, 1, 2, 3, 4].map((k) => house.get(nth(k))?.maybe)).toEqual([1, 1, 1, 0, 0])

    await eventually('the promoted one to be told', async () => {
      const rows = await h.app.res.db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, first.id), eq(notifications.type, 'event.rsvp_promoted'), eq(notifications.targetId, ev.id)))
      return rows.length === 1
    })
    const promoted = promotedEvents.filter((e) => e.data.eventId === ev.id)
    expect(promoted.map((e) => [e.data.originalStart, e.data.userIds])).toEqual([[nth(3), [first.id]]])
  }, 30_000)

  test('the same member.left delivered again changes nothing more (not even the answers they gave after coming back)', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, title: 'Climbing', capacity: 1 })
    const [leaver, first] = [await w.join(), await w.join()]
    ok(await rsvp(ev.id, leaver, 'going', nth(4)))
    expect(ok(await rsvp(ev.id, first, 'going', nth(4))).body.status).toBe('waitlisted')
    expect((await h.http.delete(`/v1/communities/${w.id}/members/${leaver.id}`, as(w.owner))).status).toBe(204)
    await eventually('the first in line to get the seat', async () => (await listed(ev.id, first)).get(nth(4))?.me === 'going')
    // The promotion's event is relayed after its commit (EVENTS_RELAY_DELAY_MS): counted once it has been.
    await eventually('the promotion to be relayed', async () => promotedEvents.some((e) => e.data.eventId === ev.id))
    const event = left.find((e) => e.data.userId === leaver.id && e.data.communityId === w.id)!
    expect(event.data.reason).toBe('kicked')

    // Back in the community, they answer again: in line behind the one who took their seat.
    await w.join(leaver)
    expect(ok(await rsvp(ev.id, leaver, 'going', nth(4))).body.status).toBe('waitlisted')
    ok(await rsvp(ev.id, leaver, 'maybe', nth(3)))
    const before = await answersOf([ev.id])
    const promotedBefore = promotedEvents.length

    await redeliver(event)
    await redeliver(event)
    await Bun.sleep(500) // anything the redeliveries committed would have been relayed by now
    expect(await answersOf([ev.id])).toEqual(before)
    expect(promotedEvents.length).toBe(promotedBefore)
    expect((await listed(ev.id, leaver)).get(nth(4))).toEqual({ going: 1, maybe: 0, declined: 0, waitlisted: 1, me: 'waitlisted' })
  }, 30_000)

  test('one already back when the event is handled keeps what they answered since; what they answered before goes', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, title: 'Choir', capacity: 1 })
    const [member, first] = [await w.join(), await w.join()]
    ok(await rsvp(ev.id, member, 'going', nth(4)))
    expect(ok(await rsvp(ev.id, first, 'going', nth(4))).body.status).toBe('waitlisted')
    const at = new Date().toISOString()
    await Bun.sleep(20)
    ok(await rsvp(ev.id, member, 'maybe', nth(3)))
    // A leave at `at`, handled only now that they are a member again.
    await redeliver({ id: crypto.randomUUID(), type: 'member.left', at, communityId: w.id, data: { communityId: w.id, userId: member.id, reason: 'left' } })
    const mine = await listed(ev.id, member)
    expect(mine.get(nth(4))).toEqual({ going: 1, maybe: 0, declined: 0, waitlisted: 0 })
    expect(mine.get(nth(3))).toEqual({ going: 0, maybe: 1, declined: 0, waitlisted: 0, me: 'maybe' })
    expect((await listed(ev.id, first)).get(nth(4))?.me).toBe('going')
  }, 30_000)
})

describe('one removed from a private room', () => {
  test("gives up their answers for that room's upcoming occurrences (the seat goes to the next in line); the community's other events and what had started keep theirs", async () => {
    const room = await w.room('backstage', { private: true })
    const [removed, first] = [await w.join(), await w.join()]
    for (const u of [removed, first]) ok(await h.http.post(`/v1/rooms/${room.id}/members`, { userId: u.id }, as(w.owner)), 201)
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, title: 'Rehearsal', capacity: 1, roomId: room.id })
    const open = await createEvent(h, w.id, w.owner, { ...weekly, title: 'Concert', capacity: 1 })
    ok(await rsvp(ev.id, removed, 'going', nth(1)))
    ok(await rsvp(ev.id, removed, 'going', nth(3)))
    expect(ok(await rsvp(ev.id, first, 'going', nth(3))).body.status).toBe('waitlisted')
    ok(await rsvp(open.id, removed, 'going', nth(3)))

    expect((await h.http.delete(`/v1/rooms/${room.id}/members/${removed.id}`, as(w.owner))).status).toBe(204)
    await eventually('the first in line to get the seat', async () => (await listed(ev.id, first)).get(nth(3))?.me === 'going')
    const seats = await listed(ev.id)
    expect(seats.get(nth(3))).toEqual({ going: 1, maybe: 0, declined: 0, waitlisted: 0 })
    expect(seats.get(nth(1))).toEqual({ going: 1, maybe: 0, declined: 0, waitlisted: 0 }) // had started
    // The community's event, which they still see, keeps their seat.
    expect((await listed(open.id, removed)).get(nth(3))).toEqual({ going: 1, maybe: 0, declined: 0, waitlisted: 0, me: 'going' })
    const promoted = await eventually('the promotion relayed', async () => {
      const seen = promotedEvents.filter((e) => e.data.eventId === ev.id)
      return seen.length > 0 && seen
    })
    expect(promoted.map((e) => [e.data.originalStart, e.data.userIds])).toEqual([[nth(3), [first.id]]])
  }, 30_000)

  test.each([
    ['the community owner', async () => w.owner],
    [
      'an administrator',
      async () => {
        const admin = await w.join()
        await w.grant(admin, (await w.role('admins', ['administrator'])).id)
        return admin
      },
    ],
  ])('%s, who sees the room without being in its list, keeps their answers when they leave the list', async (_, who) => {
    const user = await who()
    const room = await w.room(`staff-${crypto.randomUUID().slice(0, 8)}`, { private: true })
    const first = await w.join()
    for (const u of [user, first]) if (u.id !== w.owner.id) ok(await h.http.post(`/v1/rooms/${room.id}/members`, { userId: u.id }, as(w.owner)), 201)
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, title: 'Staff meeting', capacity: 1, roomId: room.id })
    ok(await rsvp(ev.id, user, 'going', nth(3)))
    expect(ok(await rsvp(ev.id, first, 'going', nth(3))).body.status).toBe('waitlisted')

    expect((await h.http.delete(`/v1/rooms/${room.id}/members/${user.id}`, as(user))).status).toBe(204)
    const removal = await eventually('the removal', async () => roomLeft.find((e) => e.data.roomId === room.id && e.data.userId === user.id))
    await eventually('the calendar to handle it', () => consumed(h.app.res.db, LEAVERS_CONSUMER, removal.id))
    expect((await listed(ev.id, user)).get(nth(3))).toEqual({ going: 1, maybe: 0, declined: 0, waitlisted: 1, me: 'going' })
    expect((await listed(ev.id, first)).get(nth(3))?.me).toBe('waitlisted')
  }, 30_000)
})

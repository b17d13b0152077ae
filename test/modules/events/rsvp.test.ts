import { describe, expect, test } from 'bun:test'
import { newCommunity, ok, type TestUser } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { as, createEvent, enc, occurrences, startEvents } from './helpers'

const h = await startEvents()
const w = await newCommunity(h.app.http)
const FIRST = '2025-03-03T15:00:00.000Z'
const weekly = { start: '2025-03-03T10:00', timeZone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=MO' }

const rsvp = (id: string, user: TestUser, status: string, at = FIRST) =>
  h.http.put(`/v1/events/${id}/occurrences/${enc(at)}/rsvp`, { status }, as(user))
const counts = async (id: string, user: TestUser = w.owner, at = FIRST) =>
  (await occurrences(h, w.id, user, '2025-03-01T00:00:00Z', '2025-03-05T00:00:00Z')).find((o) => o.eventId === id && o.originalStart === at)!.rsvp
const members = (n: number) => Promise.all(Array.from({ length: n }, () => w.join()))

describe('answers', () => {
  test('going, maybe and declined are counted per occurrence, with the caller\'s own', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    const [a, b, c] = await members(3)
    expect(ok(await rsvp(ev.id, a!, 'going')).body).toEqual({ status: 'going' })
    ok(await rsvp(ev.id, b!, 'maybe'))
    ok(await rsvp(ev.id, c!, 'declined'))
    expect(await counts(ev.id, a!)).toEqual({ going: 1, maybe: 1, declined: 1, waitlisted: 0, me: 'going' })
    expect(await counts(ev.id)).toEqual({ going: 1, maybe: 1, declined: 1, waitlisted: 0 })
  })

  test('an answer for the whole series counts for each occurrence; an occurrence answer replaces it', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    const [a] = await members(1)
    ok(await h.http.put(`/v1/events/${ev.id}/rsvp`, { status: 'going' }, as(a!)))
    ok(await rsvp(ev.id, a!, 'declined', '2025-03-10T14:00:00.000Z'))
    const list = (await occurrences(h, w.id, a!, '2025-03-01T00:00:00Z', '2025-03-12T00:00:00Z')).filter((o) => o.eventId === ev.id)
    expect(list.map((o) => [o.rsvp.going, o.rsvp.declined, o.rsvp.me])).toEqual([
      [1, 0, 'going'],
      [0, 1, 'declined'],
    ])
  })

  test('an occurrence the series does not have is a 404', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    expect((await rsvp(ev.id, w.owner, 'going', '2025-03-04T15:00:00.000Z')).status).toBe(404)
  })

  test('an outsider cannot answer (404)', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    expect((await rsvp(ev.id, await registerUser(h.app.http), 'going')).status).toBe(404)
  })

  test('a member in time-out may not answer going or maybe (403 timed_out), per occurrence or for the series; declined is allowed', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, capacity: 1 })
    const [quiet, next] = await members(2)
    ok(await rsvp(ev.id, quiet!, 'going'))
    ok(await rsvp(ev.id, next!, 'going'))
    ok(await h.http.put(`/v1/communities/${w.id}/members/${quiet!.id}/timeout`, { seconds: 600 }, as(w.owner)))
    const SECOND = '2025-03-10T14:00:00.000Z'
    for (const res of [
      await rsvp(ev.id, quiet!, 'going', SECOND),
      await rsvp(ev.id, quiet!, 'maybe'),
      await h.http.put(`/v1/events/${ev.id}/rsvp`, { status: 'maybe' }, as(quiet!)),
    ]) {
      expect(res.status).toBe(403)
      expect(res.body.error.code).toBe('timed_out')
    }
    expect((await counts(ev.id, quiet!)).me).toBe('going')
    // Taking the answer back stays allowed, and gives the seat to the next in line.
    expect(ok(await rsvp(ev.id, quiet!, 'declined')).body).toEqual({ status: 'declined' })
    expect(ok(await h.http.put(`/v1/events/${ev.id}/rsvp`, { status: 'declined' }, as(quiet!))).body).toEqual({ status: 'declined' })
    expect((await counts(ev.id, next!)).me).toBe('going')
    // Once the time-out is lifted they answer again.
    ok(await h.http.delete(`/v1/communities/${w.id}/members/${quiet!.id}/timeout`, as(w.owner)), 204)
    expect(ok(await rsvp(ev.id, quiet!, 'maybe')).body).toEqual({ status: 'maybe' })
  })

  test('waitlisted is not an answer a user gives (422)', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    expect((await rsvp(ev.id, w.owner, 'waitlisted')).status).toBe(422)
  })

  test('a whole-series going on an event with seats is refused (422)', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, capacity: 2 })
    expect((await h.http.put(`/v1/events/${ev.id}/rsvp`, { status: 'going' }, as(w.owner))).status).toBe(422)
  })
})

describe('capacity and waitlist', () => {
  test('past the capacity going is waitlisted; a decline promotes the first in line, then the next', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, capacity: 2 })
    const [a, b, c, d] = await members(4)
    expect(ok(await rsvp(ev.id, a!, 'going')).body.status).toBe('going')
    expect(ok(await rsvp(ev.id, b!, 'going')).body.status).toBe('going')
    expect(ok(await rsvp(ev.id, c!, 'going')).body).toEqual({ status: 'waitlisted', waitlistPosition: 1 })
    expect(ok(await rsvp(ev.id, d!, 'going')).body).toEqual({ status: 'waitlisted', waitlistPosition: 2 })
    expect(await counts(ev.id)).toEqual({ going: 2, maybe: 0, declined: 0, waitlisted: 2 })

    ok(await rsvp(ev.id, a!, 'declined'))
    expect((await counts(ev.id, c!)).me).toBe('going')
    expect((await counts(ev.id, d!)).me).toBe('waitlisted')
    // The promotion commits as a domain event (the feature's reaction notifies from it: reminders.test.ts).
    const promoted = h.recorded.filter((e) => e.type === 'event.waitlist.promoted' && e.data.eventId === ev.id)
    expect(promoted.map((e) => e.data)).toEqual([{ eventId: ev.id, originalStart: FIRST, title: 'Weekly sync', userIds: [c!.id] }])

    ok(await rsvp(ev.id, b!, 'maybe'))
    expect((await counts(ev.id, d!)).me).toBe('going')
    expect(await counts(ev.id)).toEqual({ going: 2, maybe: 1, declined: 1, waitlisted: 0 })
  })

  test('asking again while waitlisted keeps the place in line', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, capacity: 1 })
    const [a, b, c] = await members(3)
    ok(await rsvp(ev.id, a!, 'going'))
    ok(await rsvp(ev.id, b!, 'going'))
    ok(await rsvp(ev.id, c!, 'going'))
    expect(ok(await rsvp(ev.id, b!, 'going')).body).toEqual({ status: 'waitlisted', waitlistPosition: 1 })
  })

  test('one in line who can no longer see the event (out of its private room) is skipped: their place is dropped, the next one gets the seat', async () => {
    const room = await w.room(`seats-${Date.now()}`, { private: true })
    const [a, gone, next] = await members(3)
    for (const u of [a!, gone!, next!]) ok(await h.http.post(`/v1/rooms/${room.id}/members`, { userId: u.id }, as(w.owner)), 201)
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, roomId: room.id, capacity: 1 })
    expect(ok(await rsvp(ev.id, a!, 'going')).body.status).toBe('going')
    expect(ok(await rsvp(ev.id, gone!, 'going')).body).toEqual({ status: 'waitlisted', waitlistPosition: 1 })
    expect(ok(await rsvp(ev.id, next!, 'going')).body).toEqual({ status: 'waitlisted', waitlistPosition: 2 })
    expect((await h.http.delete(`/v1/rooms/${room.id}/members/${gone!.id}`, as(w.owner))).status).toBe(204)

    ok(await rsvp(ev.id, a!, 'declined'))
    expect((await counts(ev.id, next!)).me).toBe('going')
    expect(await counts(ev.id)).toEqual({ going: 1, maybe: 0, declined: 1, waitlisted: 0 })
    const promoted = h.recorded.filter((e) => e.type === 'event.waitlist.promoted' && e.data.eventId === ev.id)
    expect(promoted.map((e) => e.data.userIds)).toEqual([[next!.id]])
    const { eventRsvps } = await import('../../../src/db/schema')
    const { and, eq } = await import('drizzle-orm')
    expect(await h.app.res.db.select().from(eventRsvps).where(and(eq(eventRsvps.seriesId, ev.id), eq(eventRsvps.userId, gone!.id)))).toEqual([])
  })

  test('one in line who is timed out is passed over but keeps their place: the next gets the seat, they get the one that frees after the time-out', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, capacity: 1 })
    const [a, quiet, next, last] = await members(4)
    for (const u of [a!, quiet!, next!, last!]) ok(await rsvp(ev.id, u, 'going'))
    ok(await h.http.put(`/v1/communities/${w.id}/members/${quiet!.id}/timeout`, { seconds: 600 }, as(w.owner)))

    ok(await rsvp(ev.id, a!, 'declined'))
    expect((await counts(ev.id, next!)).me).toBe('going')
    expect((await counts(ev.id, quiet!)).me).toBe('waitlisted')
    expect(await counts(ev.id)).toEqual({ going: 1, maybe: 0, declined: 1, waitlisted: 2 })

    ok(await h.http.delete(`/v1/communities/${w.id}/members/${quiet!.id}/timeout`, as(w.owner)), 204)
    ok(await rsvp(ev.id, next!, 'declined'))
    expect((await counts(ev.id, quiet!)).me).toBe('going')
    expect((await counts(ev.id, last!)).me).toBe('waitlisted')
    const promoted = h.recorded.filter((e) => e.type === 'event.waitlist.promoted' && e.data.eventId === ev.id)
    expect(promoted.map((e) => e.data.userIds)).toEqual([[next!.id], [quiet!.id]])
  })

  test('a seat left free while everyone in line was timed out goes to the first in line once the time-out is over, before a newcomer', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, capacity: 1 })
    const [a, quiet, newcomer] = await members(3)
    ok(await rsvp(ev.id, a!, 'going'))
    expect(ok(await rsvp(ev.id, quiet!, 'going')).body).toEqual({ status: 'waitlisted', waitlistPosition: 1 })
    ok(await h.http.put(`/v1/communities/${w.id}/members/${quiet!.id}/timeout`, { seconds: 600 }, as(w.owner)))
    ok(await rsvp(ev.id, a!, 'declined'))
    expect(await counts(ev.id)).toEqual({ going: 0, maybe: 0, declined: 1, waitlisted: 1 })

    ok(await h.http.delete(`/v1/communities/${w.id}/members/${quiet!.id}/timeout`, as(w.owner)), 204)
    expect(ok(await rsvp(ev.id, newcomer!, 'going')).body).toEqual({ status: 'waitlisted', waitlistPosition: 1 })
    expect((await counts(ev.id, quiet!)).me).toBe('going')
    const promoted = h.recorded.filter((e) => e.type === 'event.waitlist.promoted' && e.data.eventId === ev.id)
    expect(promoted.map((e) => e.data.userIds)).toEqual([[quiet!.id]])
  })

  test('one in line whose time-out is over asks again and takes the seat left free', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, capacity: 1 })
    const [a, quiet] = await members(2)
    ok(await rsvp(ev.id, a!, 'going'))
    ok(await rsvp(ev.id, quiet!, 'going'))
    ok(await h.http.put(`/v1/communities/${w.id}/members/${quiet!.id}/timeout`, { seconds: 600 }, as(w.owner)))
    ok(await rsvp(ev.id, a!, 'declined'))
    ok(await h.http.delete(`/v1/communities/${w.id}/members/${quiet!.id}/timeout`, as(w.owner)), 204)
    expect(ok(await rsvp(ev.id, quiet!, 'going')).body).toEqual({ status: 'going' })
    expect(await counts(ev.id)).toEqual({ going: 1, maybe: 0, declined: 1, waitlisted: 0 })
  })

  test('raising the capacity promotes from the waitlist in order', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, capacity: 1 })
    const [a, b, c] = await members(3)
    for (const u of [a!, b!, c!]) ok(await rsvp(ev.id, u, 'going'))
    ok(await h.http.patch(`/v1/events/${ev.id}`, { scope: 'all', capacity: 2 }, as(w.owner)))
    expect((await counts(ev.id, b!)).me).toBe('going')
    expect((await counts(ev.id, c!)).me).toBe('waitlisted')
    const promoted = h.recorded.filter((e) => e.type === 'event.waitlist.promoted' && e.data.eventId === ev.id)
    expect(promoted.map((e) => e.data.userIds)).toEqual([[b!.id]])
  })

  test('many answers at once: exactly the capacity goes, the rest wait in a gapless line', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, capacity: 5 })
    const people = await members(30)
    const answers = await Promise.all(people.map((u) => rsvp(ev.id, u, 'going')))
    expect(answers.every((r) => r.status === 200)).toBe(true)
    const going = answers.filter((r) => r.body.status === 'going')
    const waiting = answers.filter((r) => r.body.status === 'waitlisted').map((r) => r.body.waitlistPosition).sort((x, y) => x - y)
    expect(going.length).toBe(5)
    expect(waiting).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
    expect(await counts(ev.id)).toEqual({ going: 5, maybe: 0, declined: 0, waitlisted: 25 })

    // All five going decline at once: the first five in line take their seats.
    const goingUsers = people.filter((_, i) => answers[i]!.body.status === 'going')
    const firstInLine = people
      .map((u, i) => ({ u, pos: answers[i]!.body.waitlistPosition as number | undefined }))
      .filter((x) => x.pos !== undefined)
      .sort((x, y) => x.pos! - y.pos!)
    await Promise.all(goingUsers.map((u) => rsvp(ev.id, u, 'declined')))
    expect(await counts(ev.id)).toEqual({ going: 5, maybe: 0, declined: 5, waitlisted: 20 })
    for (const { u } of firstInLine.slice(0, 5)) expect((await counts(ev.id, u)).me).toBe('going')
    for (const { u } of firstInLine.slice(5, 7)) expect((await counts(ev.id, u)).me).toBe('waitlisted')
  }, 60_000)
})

describe('an answer racing an edit of the series', () => {
  test('an answer for an occurrence the edit removes is refused (404), not stored where nothing shows it', async () => {
    const { SeriesEditor } = await import('../../../src/modules/events/series-editor')
    const { eventRsvps } = await import('../../../src/db/schema')
    const { eq } = await import('drizzle-orm')
    const ev = await createEvent(h, w.id, w.owner, weekly)
    const [a] = await members(1)
    const MAR17 = '2025-03-17T14:00:00.000Z'
    let answer: Promise<{ status: number; body: any }> | undefined
    // The series ends before 10 March; the answer for 17 March arrives while that edit holds the series.
    await h.app.hearth.core.events.transaction({ actorId: w.owner.id }, async (tx, emit) => {
      await new SeriesEditor().endBefore(tx, emit, { actorId: w.owner.id, seriesId: ev.id, originalStart: Date.parse('2025-03-10T14:00:00.000Z') })
      answer = rsvp(ev.id, a!, 'going', MAR17)
      await Bun.sleep(300)
    })
    expect((await answer!).status).toBe(404)
    expect(await h.app.res.db.select().from(eventRsvps).where(eq(eventRsvps.seriesId, ev.id))).toEqual([])
  })
})

import { beforeAll, describe, expect, test } from 'bun:test'
import { newCommunity, ok, type TestUser, type World } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { as, createEvent, occurrences, startEvents, type EventsHarness } from './helpers'

const h: EventsHarness = await startEvents()
let w: World
let member: TestUser
let outsider: TestUser
let alice: TestUser // in group A
let bob: TestUser // in group B
let groupA: any
let privateRoom: any
let roomMember: TestUser

const FROM = '2025-03-01T00:00:00Z'
const TO = '2025-04-01T00:00:00Z'
const weekly = { start: '2025-03-03T10:00', timeZone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=MO' }

beforeAll(async () => {
  w = await newCommunity(h.app.http)
  member = await w.join()
  outsider = await registerUser(h.app.http)
  alice = await w.join()
  bob = await w.join()
  roomMember = await w.join()
  const everyone = await w.defaultRoleId()
  groupA = await w.group('A')
  const groupB = await w.group('B')
  // Groups A and B are seen only by their members (a role that may view each).
  for (const [group, user, name] of [
    [groupA, alice, 'a-members'],
    [groupB, bob, 'b-members'],
  ] as const) {
    await w.overwrite({ group: group.id }, { role: everyone }, { deny: ['view'] })
    const role = await w.role(name, [])
    await w.overwrite({ group: group.id }, { role: role.id }, { allow: ['view'] })
    await w.grant(user, role.id)
  }
  privateRoom = await w.room('secret', { private: true })
  ok(await h.app.http.post(`/v1/rooms/${privateRoom.id}/members`, { userId: roomMember.id }, as(w.owner)), 201)
})

describe('create and read', () => {
  test('a manager creates a weekly series; it reads back as written', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, end: '2025-03-03T11:30', location: 'Room 1', capacity: 10 })
    expect(ev).toMatchObject({
      communityId: w.id,
      start: '2025-03-03T10:00',
      end: '2025-03-03T11:30',
      durationMinutes: 90,
      timeZone: 'America/New_York',
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      capacity: 10,
      allDay: false,
      version: 1,
    })
    const read = ok(await h.http.get(`/v1/events/${ev.id}`, as(member))).body
    expect(read).toEqual(ev)
  })

  test('a time zone is stored by its canonical name', async () => {
    const ev = await createEvent(h, w.id, w.owner, { start: '2025-03-03T10:00', timeZone: 'europe/london' })
    expect(ev.timeZone).toBe('Europe/London')
  })

  test('an all-day event lasts a day unless told otherwise', async () => {
    const ev = await createEvent(h, w.id, w.owner, { start: '2025-12-25', allDay: true, timeZone: 'Europe/London', rrule: 'FREQ=YEARLY' })
    expect(ev).toMatchObject({ allDay: true, durationMinutes: 1440, end: '2025-12-26' })
  })

  test('the end of an event across a DST change is counted in real minutes', async () => {
    const ev = await createEvent(h, w.id, w.owner, { start: '2025-03-09T01:00', end: '2025-03-09T04:00', timeZone: 'America/New_York' })
    expect(ev.durationMinutes).toBe(120)
  })
})

describe('occurrences', () => {
  test('a community calendar lists every visible occurrence in start order, in UTC with local time beside', async () => {
    const c = await newCommunity(h.app.http)
    const a = await createEvent(h, c.id, c.owner, weekly)
    const b = await createEvent(h, c.id, c.owner, { title: 'Standup', start: '2025-03-04T09:00', timeZone: 'Europe/London', rrule: 'FREQ=WEEKLY;COUNT=2' })
    const list = await occurrences(h, c.id, c.owner, FROM, '2025-03-12T00:00:00Z')
    expect(list.map((o) => [o.eventId, o.start, o.startLocal])).toEqual([
      [a.id, '2025-03-03T15:00:00.000Z', '2025-03-03T10:00'],
      [b.id, '2025-03-04T09:00:00.000Z', '2025-03-04T09:00'],
      [a.id, '2025-03-10T14:00:00.000Z', '2025-03-10T10:00'],
      [b.id, '2025-03-11T09:00:00.000Z', '2025-03-11T09:00'],
    ])
    expect(list[0]).toMatchObject({
      originalStart: '2025-03-03T15:00:00.000Z',
      end: '2025-03-03T16:00:00.000Z',
      timeZone: 'America/New_York',
      title: 'Weekly sync',
      cancelled: false,
      rsvp: { going: 0, maybe: 0, declined: 0, waitlisted: 0 },
    })
  })

  test('a window of 366 days is allowed', async () => {
    const res = await h.http.get(`/v1/communities/${w.id}/occurrences?from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`, as(member))
    expect(res.status).toBe(200)
  })

  test('a window over 366 days is a 422', async () => {
    const res = await h.http.get(`/v1/communities/${w.id}/occurrences?from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:01Z`, as(member))
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('window_too_large')
  })

  test('a window that ends before it starts is a 422', async () => {
    const res = await h.http.get(`/v1/communities/${w.id}/occurrences?from=${TO}&to=${FROM}`, as(member))
    expect(res.status).toBe(422)
  })

  test('an empty window lists nothing', async () => {
    expect(ok(await h.http.get(`/v1/communities/${w.id}/occurrences?from=${FROM}&to=${FROM}`, as(member))).body.occurrences).toEqual([])
  })

  test('a window at the ends of time lists nothing (the calendar covers years 1900-2200)', async () => {
    await createEvent(h, w.id, w.owner, { ...weekly, rrule: 'FREQ=DAILY' })
    for (const [from, to] of [
      ['%2B275760-09-12T00:00:00Z', '%2B275760-09-13T00:00:00Z'],
      ['-271821-04-20T00:00:00Z', '-271821-04-21T00:00:00Z'],
    ]) {
      expect(ok(await h.http.get(`/v1/communities/${w.id}/occurrences?from=${from}&to=${to}`, as(member))).body.occurrences).toEqual([])
    }
  })

  test('an occurrence at the last instant a date can hold is a 404, not a failure', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, rrule: 'FREQ=DAILY' })
    const at = encodeURIComponent('+275760-09-13T00:00:00.000Z')
    for (const [method, path, body] of [
      ['PATCH', `/v1/events/${ev.id}/occurrences/${at}`, { scope: 'this', title: 'x' }],
      ['PATCH', `/v1/events/${ev.id}/occurrences/${at}`, { scope: 'following', title: 'x' }],
      ['PUT', `/v1/events/${ev.id}/occurrences/${at}/rsvp`, { status: 'going' }],
      ['DELETE', `/v1/events/${ev.id}/occurrences/${at}?scope=following`, undefined],
    ] as const) {
      expect((await h.http.request(method, path, body, as(w.owner))).status).toBe(404)
    }
  })

  test('a window that is not made of instants is a 422', async () => {
    const res = await h.http.get(`/v1/communities/${w.id}/occurrences?from=yesterday&to=${TO}`, as(member))
    expect(res.status).toBe(422)
  })
})

describe('visibility', () => {
  test('a member whose roles grant no view in the community sees none of its community-wide events', async () => {
    const other = await newCommunity(h.app.http)
    const nobody = await other.join()
    const ev = await createEvent(h, other.id, other.owner, weekly)
    ok(await h.app.http.patch(`/v1/roles/${await other.defaultRoleId()}`, { permissions: [] }, as(other.owner)))
    expect((await h.http.get(`/v1/events/${ev.id}`, as(nobody))).status).toBe(404)
    expect(await occurrences(h, other.id, nobody, FROM, TO)).toEqual([])
    expect((await occurrences(h, other.id, other.owner, FROM, TO)).length).toBeGreaterThan(0)
  })

  let groupEvent: any
  let roomEvent: any
  let c2: World
  beforeAll(async () => {
    groupEvent = await createEvent(h, w.id, w.owner, { ...weekly, title: 'A only', groupId: groupA.id })
    roomEvent = await createEvent(h, w.id, w.owner, { ...weekly, title: 'secret room', roomId: privateRoom.id })
    c2 = await newCommunity(h.app.http)
  })
  const titles = async (u: TestUser) => new Set((await occurrences(h, w.id, u, FROM, TO)).map((o) => o.title))

  test("a member of the group sees the group's event", async () => {
    expect((await titles(alice)).has('A only')).toBe(true)
    expect(ok(await h.http.get(`/v1/events/${groupEvent.id}`, as(alice))).body.id).toBe(groupEvent.id)
  })

  test("a member of another group does not see it in the calendar", async () => {
    expect((await titles(bob)).has('A only')).toBe(false)
  })

  test('a member of another group gets a 404 for it', async () => {
    expect((await h.http.get(`/v1/events/${groupEvent.id}`, as(bob))).status).toBe(404)
  })

  test("a private room's member sees the room's event", async () => {
    expect((await titles(roomMember)).has('secret room')).toBe(true)
  })

  test("a community member outside the private room does not see the room's event", async () => {
    expect((await titles(member)).has('secret room')).toBe(false)
    expect((await h.http.get(`/v1/events/${roomEvent.id}`, as(member))).status).toBe(404)
  })

  test('an outsider gets a 404 for the calendar', async () => {
    const res = await h.http.get(`/v1/communities/${w.id}/occurrences?from=${FROM}&to=${TO}`, as(outsider))
    expect(res.status).toBe(404)
  })

  test('an outsider gets a 404 for an event', async () => {
    expect((await h.http.get(`/v1/events/${groupEvent.id}`, as(outsider))).status).toBe(404)
  })

  test("another community's owner gets a 404 for an event", async () => {
    expect((await h.http.get(`/v1/events/${groupEvent.id}`, as(c2.owner))).status).toBe(404)
  })

  test('no token is a 401', async () => {
    expect((await h.http.get(`/v1/events/${groupEvent.id}`)).status).toBe(401)
  })

  test('a bad token is a 401', async () => {
    expect((await h.http.get(`/v1/events/${groupEvent.id}`, { token: 'not-a-token' })).status).toBe(401)
  })
})

describe('who may create and edit', () => {
  test('a member without manage_events cannot create (403)', async () => {
    const res = await h.http.post(`/v1/communities/${w.id}/events`, { title: 'x', ...weekly }, as(member))
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('missing_permission')
  })

  test('an outsider cannot create (404)', async () => {
    const res = await h.http.post(`/v1/communities/${w.id}/events`, { title: 'x', ...weekly }, as(outsider))
    expect(res.status).toBe(404)
  })

  test('manage_events on a group lets its holder create there', async () => {
    const role = await w.role('a-events', ['manage_events'], { scopeId: groupA.id })
    await w.grant(alice, role.id)
    await createEvent(h, w.id, alice, { ...weekly, groupId: groupA.id })
  })

  test('manage_events on a group does not reach the community level (403)', async () => {
    const res = await h.http.post(`/v1/communities/${w.id}/events`, { title: 'x', ...weekly }, as(alice))
    expect(res.status).toBe(403)
  })

  test('a member without manage_events cannot edit (403)', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    const res = await h.http.patch(`/v1/events/${ev.id}`, { scope: 'all', title: 'mine now' }, as(member))
    expect(res.status).toBe(403)
  })

  test('a member without manage_events cannot delete (403)', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    expect((await h.http.delete(`/v1/events/${ev.id}`, as(member))).status).toBe(403)
  })
})

describe('bad input is a 422', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['an unknown time zone', { timeZone: 'Nowhere/Special' }, 'unknown_time_zone'],
    ['a malformed rrule', { rrule: 'FREQ=WEEKLY;BYDAY=XX' }, 'invalid_rrule'],
    ['a secondly rule', { rrule: 'FREQ=SECONDLY' }, 'invalid_rrule'],
    ['a minutely rule', { rrule: 'FREQ=MINUTELY' }, 'invalid_rrule'],
    ['a start that is not local time', { start: '2025-03-03T10:00:00Z' }, 'validation_failed'],
    ['a start date for a timed event', { start: '2025-03-03' }, 'validation_failed'],
    ['an end before the start', { end: '2025-03-03T09:00' }, 'validation_failed'],
    ['an end and a duration', { end: '2025-03-03T11:00', durationMinutes: 60 }, 'validation_failed'],
    ['a title over 200 characters', { title: 'x'.repeat(201) }, 'validation_failed'],
    ['a title of spaces only', { title: '   ' }, 'validation_failed'],
    ['too many exdates', { exdates: Array.from({ length: 501 }, (_, i) => `2026-01-01T10:${String(i % 60).padStart(2, '0')}`) }, 'validation_failed'],
    ['an exdate that is not a date', { exdates: ['soon'] }, 'validation_failed'],
  ]
  test.each(cases)('%s', async (_name, change, code) => {
    const res = await h.http.post(`/v1/communities/${w.id}/events`, { title: 'x', ...weekly, ...change }, as(w.owner))
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe(code)
  })

  test('a title of spaces only in an edit, of the series or of one occurrence: 422 naming /title, and the title stays', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, title: 'Standup' })
    const all = await h.http.patch(`/v1/events/${ev.id}`, { scope: 'all', title: '  ' }, as(w.owner))
    expect(all.status).toBe(422)
    expect(all.body.error.details).toEqual([{ path: '/title', message: 'must not be blank' }])
    const window = 'from=2025-03-01T00:00:00Z&to=2025-03-20T00:00:00Z'
    const first = ok(await h.http.get(`/v1/communities/${w.id}/occurrences?${window}`, as(w.owner))).body.occurrences.find((o: any) => o.eventId === ev.id)
    expect(first.title).toBe('Standup')
    const one = await h.http.patch(`/v1/events/${ev.id}/occurrences/${encodeURIComponent(first.originalStart)}`, { scope: 'this', title: ' ' }, as(w.owner))
    expect(one.status).toBe(422)
    expect(one.body.error.details).toEqual([{ path: '/title', message: 'must not be blank' }])
    const after = ok(await h.http.get(`/v1/communities/${w.id}/occurrences?${window}`, as(w.owner))).body.occurrences.filter((o: any) => o.eventId === ev.id)
    expect(after.length).toBeGreaterThan(1)
    expect(after.map((o: any) => [o.title, o.overridden])).toEqual(after.map(() => ['Standup', false]))
    expect(ok(await h.http.get(`/v1/events/${ev.id}`, as(w.owner))).body.title).toBe('Standup')
  })

  test('a title of spaces only for this and following occurrences: 422 naming /title, and the series is not split', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, title: 'Retro' })
    const window = 'from=2025-03-01T00:00:00Z&to=2025-03-20T00:00:00Z'
    const listed = async () => ok(await h.http.get(`/v1/communities/${w.id}/occurrences?${window}`, as(w.owner))).body.occurrences.filter((o: any) => o.title === 'Retro')
    const before = await listed()
    expect(before.length).toBeGreaterThan(1)
    const res = await h.http.patch(`/v1/events/${ev.id}/occurrences/${encodeURIComponent(before[1].originalStart)}`, { scope: 'following', title: '  ' }, as(w.owner))
    expect(res.status).toBe(422)
    expect(res.body.error.details).toEqual([{ path: '/title', message: 'must not be blank' }])
    expect((await listed()).map((o: any) => o.eventId)).toEqual(before.map(() => ev.id))
  })
})

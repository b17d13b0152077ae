// Edits keep occurrence identity: "this", "this and following", "all", and the deletes.
import { describe, expect, test } from 'bun:test'
import { newCommunity, ok } from '../../helpers/community'
import { as, createEvent, enc, occurrences, startEvents } from './helpers'

const h = await startEvents()
const w = await newCommunity(h.app.http)
const member = await w.join()

const FROM = '2025-03-01T00:00:00Z'
const TO = '2025-04-15T00:00:00Z'
// Mondays 10:00 New York: 3 March (EST, 15:00Z), then 10, 17, 24, 31 March, 7 and 14 April (EDT, 14:00Z).
const weekly = { start: '2025-03-03T10:00', timeZone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=MO' }
const MAR10 = '2025-03-10T14:00:00.000Z'
const MAR17 = '2025-03-17T14:00:00.000Z'
const MAR24 = '2025-03-24T14:00:00.000Z'

const mine = async (eventIds: string[], from = FROM, to = TO) =>
  (await occurrences(h, w.id, w.owner, from, to)).filter((o) => eventIds.includes(o.eventId))
const patchOne = (id: string, originalStart: string, body: Record<string, unknown>) =>
  h.http.patch(`/v1/events/${id}/occurrences/${enc(originalStart)}`, body, as(w.owner))
const rsvp = (id: string, originalStart: string, user: typeof member, status: string) =>
  h.http.put(`/v1/events/${id}/occurrences/${enc(originalStart)}/rsvp`, { status }, as(user))

describe('scope this', () => {
  test('moving one occurrence keeps its name; the others stay', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    const res = ok(await patchOne(ev.id, MAR10, { scope: 'this', start: '2025-03-12T15:00', title: 'Moved' }))
    expect(res.body.occurrence).toMatchObject({ originalStart: MAR10, start: '2025-03-12T19:00:00.000Z', startLocal: '2025-03-12T15:00', title: 'Moved', overridden: true })
    const list = await mine([ev.id], FROM, '2025-03-20T00:00:00Z')
    expect(list.map((o) => [o.originalStart, o.start, o.title])).toEqual([
      ['2025-03-03T15:00:00.000Z', '2025-03-03T15:00:00.000Z', 'Weekly sync'],
      [MAR10, '2025-03-12T19:00:00.000Z', 'Moved'],
      [MAR17, MAR17, 'Weekly sync'],
    ])
  })

  test('an occurrence moved into a window from outside it is listed there', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    ok(await patchOne(ev.id, MAR10, { scope: 'this', start: '2025-04-02T09:00' }))
    const list = await mine([ev.id], '2025-04-01T00:00:00Z', '2025-04-03T00:00:00Z')
    expect(list.map((o) => [o.originalStart, o.start])).toEqual([[MAR10, '2025-04-02T13:00:00.000Z']])
  })

  test('cancelling one occurrence lists it as cancelled, and it takes no RSVP', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    expect((await h.http.delete(`/v1/events/${ev.id}/occurrences/${enc(MAR17)}?scope=this`, as(w.owner))).status).toBe(204)
    const list = await mine([ev.id], '2025-03-15T00:00:00Z', '2025-03-20T00:00:00Z')
    expect(list.map((o) => [o.originalStart, o.cancelled])).toEqual([[MAR17, true]])
    const res = await rsvp(ev.id, MAR17, member, 'going')
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('occurrence_cancelled')
  })

  test('a cancelled occurrence can be restored', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    ok(await patchOne(ev.id, MAR17, { scope: 'this', cancelled: true }))
    ok(await patchOne(ev.id, MAR17, { scope: 'this', cancelled: false }))
    const list = await mine([ev.id], '2025-03-15T00:00:00Z', '2025-03-20T00:00:00Z')
    expect(list.map((o) => o.cancelled)).toEqual([false])
  })

  test('the time zone of one occurrence cannot change (422)', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    const res = await patchOne(ev.id, MAR17, { scope: 'this', timeZone: 'Europe/London' })
    expect(res.status).toBe(422)
  })

  test('an occurrence the series does not have is a 404', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    expect((await patchOne(ev.id, '2025-03-11T14:00:00.000Z', { scope: 'this', title: 'x' })).status).toBe(404)
  })

  test('a member without manage_events cannot change an occurrence (403)', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    const res = await h.http.patch(`/v1/events/${ev.id}/occurrences/${enc(MAR17)}`, { scope: 'this', title: 'x' }, as(member))
    expect(res.status).toBe(403)
  })
})

describe('scope all', () => {
  test('a new time moves every occurrence in wall-clock time; overrides and RSVPs follow their occurrence', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    ok(await patchOne(ev.id, MAR17, { scope: 'this', title: 'Special' }))
    ok(await rsvp(ev.id, MAR17, member, 'going'))
    const res = ok(await h.http.patch(`/v1/events/${ev.id}`, { scope: 'all', start: '2025-03-03T11:00' }, as(w.owner)))
    expect(res.body.dropped).toEqual({ overrides: [], rsvps: [] })
    expect(res.body.version).toBeGreaterThan(ev.version)
    const list = await mine([ev.id], FROM, '2025-03-25T00:00:00Z')
    expect(list.map((o) => [o.startLocal, o.start, o.title, o.rsvp.going])).toEqual([
      ['2025-03-03T11:00', '2025-03-03T16:00:00.000Z', 'Weekly sync', 0],
      ['2025-03-10T11:00', '2025-03-10T15:00:00.000Z', 'Weekly sync', 0],
      ['2025-03-17T11:00', '2025-03-17T15:00:00.000Z', 'Special', 1],
      ['2025-03-24T11:00', '2025-03-24T15:00:00.000Z', 'Weekly sync', 0],
    ])
    expect(list[2].originalStart).toBe('2025-03-17T15:00:00.000Z')
  })

  test('a new time zone keeps the local time: 10:00 in London', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    ok(await h.http.patch(`/v1/events/${ev.id}`, { scope: 'all', timeZone: 'Europe/London' }, as(w.owner)))
    const list = await mine([ev.id], '2025-03-20T00:00:00Z', '2025-04-02T00:00:00Z')
    expect(list.map((o) => [o.startLocal, o.start])).toEqual([
      ['2025-03-24T10:00', '2025-03-24T10:00:00.000Z'],
      ['2025-03-31T10:00', '2025-03-31T09:00:00.000Z'],
    ])
  })

  test('a rule that drops occurrences drops their overrides and RSVPs, and says which', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    ok(await patchOne(ev.id, MAR17, { scope: 'this', title: 'Special' }))
    ok(await rsvp(ev.id, MAR24, member, 'maybe'))
    const res = ok(await h.http.patch(`/v1/events/${ev.id}`, { scope: 'all', rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20250311T000000Z' }, as(w.owner)))
    expect(res.body.dropped).toEqual({ overrides: [MAR17], rsvps: [{ originalStart: MAR24, userId: member.id, status: 'maybe' }] })
    expect((await mine([ev.id])).map((o) => o.startLocal)).toEqual(['2025-03-03T10:00', '2025-03-10T10:00'])
  })

  test('moving the start to Tuesday moves a weekly rule on Mondays to Tuesdays', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    const res = ok(await h.http.patch(`/v1/events/${ev.id}`, { scope: 'all', start: '2025-03-04T10:00' }, as(w.owner)))
    expect(res.body.rrule).toBe('FREQ=WEEKLY;BYDAY=TU')
    expect((await mine([ev.id], FROM, '2025-03-12T00:00:00Z')).map((o) => o.startLocal)).toEqual(['2025-03-04T10:00', '2025-03-11T10:00'])
  })
})

describe('scope following', () => {
  test('splits the series: the old one ends before the occurrence, a linked new one starts there with the change', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    ok(await patchOne(ev.id, '2025-03-31T14:00:00.000Z', { scope: 'this', title: 'Late March' }))
    ok(await rsvp(ev.id, '2025-04-07T14:00:00.000Z', member, 'going'))
    ok(await rsvp(ev.id, MAR10, member, 'declined'))
    const res = ok(await patchOne(ev.id, MAR24, { scope: 'following', start: '2025-03-24T16:00', location: 'Hall' }))
    const next = res.body.event
    expect(res.body.previous.rrule).toBe('FREQ=WEEKLY;UNTIL=20250324T135959Z;BYDAY=MO')
    expect(next).toMatchObject({ previousId: ev.id, start: '2025-03-24T16:00', rrule: 'FREQ=WEEKLY;BYDAY=MO', location: 'Hall' })
    const list = await mine([ev.id, next.id])
    expect(list.map((o) => [o.eventId === ev.id ? 'old' : 'new', o.startLocal, o.title, o.rsvp.going, o.rsvp.declined])).toEqual([
      ['old', '2025-03-03T10:00', 'Weekly sync', 0, 0],
      ['old', '2025-03-10T10:00', 'Weekly sync', 0, 1],
      ['old', '2025-03-17T10:00', 'Weekly sync', 0, 0],
      ['new', '2025-03-24T16:00', 'Weekly sync', 0, 0],
      ['new', '2025-03-31T16:00', 'Late March', 0, 0],
      ['new', '2025-04-07T16:00', 'Weekly sync', 1, 0],
      ['new', '2025-04-14T16:00', 'Weekly sync', 0, 0],
    ])
    expect(h.recorded.some((e) => e.type === 'event.created' && e.data.eventId === next.id && e.data.previousId === ev.id)).toBe(true)
  })

  test('at the first occurrence it changes the whole series', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    const res = ok(await patchOne(ev.id, '2025-03-03T15:00:00.000Z', { scope: 'following', title: 'Renamed' }))
    expect(res.body.event.id).toBe(ev.id)
    expect(res.body.event.title).toBe('Renamed')
  })

  test('a COUNT series is split into two COUNTs that add up', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, rrule: 'FREQ=WEEKLY;COUNT=5' })
    const res = ok(await patchOne(ev.id, MAR17, { scope: 'following', title: 'Second half' }))
    expect(res.body.previous.rrule).toBe('FREQ=WEEKLY;COUNT=2')
    expect(res.body.event.rrule).toBe('FREQ=WEEKLY;COUNT=3')
    expect((await mine([ev.id, res.body.event.id])).map((o) => o.title)).toEqual(['Weekly sync', 'Weekly sync', 'Second half', 'Second half', 'Second half'])
  })
  test('at an extra date (RDATE) the rule goes on as it was: same weekday and time after the split', async () => {
    // An extra Wednesday 15:00 between the Mondays at 10:00.
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, rdates: ['2025-03-12T15:00'] })
    ok(await rsvp(ev.id, MAR17, member, 'going'))
    const res = ok(await patchOne(ev.id, '2025-03-12T19:00:00.000Z', { scope: 'following', title: 'After' }))
    const next = res.body.event
    const list = await mine([ev.id, next.id], FROM, '2025-04-01T00:00:00Z')
    expect(list.map((o) => [o.eventId === ev.id ? 'old' : 'new', o.startLocal, o.title, o.originalStart, o.rsvp.going])).toEqual([
      ['old', '2025-03-03T10:00', 'Weekly sync', '2025-03-03T15:00:00.000Z', 0],
      ['old', '2025-03-10T10:00', 'Weekly sync', MAR10, 0],
      ['new', '2025-03-12T15:00', 'After', '2025-03-12T19:00:00.000Z', 0],
      ['new', '2025-03-17T10:00', 'After', MAR17, 1],
      ['new', '2025-03-24T10:00', 'After', MAR24, 0],
      ['new', '2025-03-31T10:00', 'After', '2025-03-31T14:00:00.000Z', 0],
    ])
  })

  test('a new time given at an extra date moves it and the following ones by as much', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, rdates: ['2025-03-12T15:00'] })
    const res = ok(await patchOne(ev.id, '2025-03-12T19:00:00.000Z', { scope: 'following', start: '2025-03-12T16:00', end: '2025-03-12T16:30' }))
    const list = await mine([ev.id, res.body.event.id], FROM, '2025-03-25T00:00:00Z')
    expect(list.map((o) => [o.startLocal, o.endLocal])).toEqual([
      ['2025-03-03T10:00', '2025-03-03T11:00'],
      ['2025-03-10T10:00', '2025-03-10T11:00'],
      ['2025-03-12T16:00', '2025-03-12T16:30'],
      ['2025-03-17T11:00', '2025-03-17T11:30'],
      ['2025-03-24T11:00', '2025-03-24T11:30'],
    ])
  })

  test('a COUNT series split at an extra date keeps its total', async () => {
    const ev = await createEvent(h, w.id, w.owner, { ...weekly, rrule: 'FREQ=WEEKLY;COUNT=4', rdates: ['2025-03-12T15:00'] })
    const res = ok(await patchOne(ev.id, '2025-03-12T19:00:00.000Z', { scope: 'following', title: 'After' }))
    const list = await mine([ev.id, res.body.event.id])
    expect(list.map((o) => [o.startLocal, o.title])).toEqual([
      ['2025-03-03T10:00', 'Weekly sync'],
      ['2025-03-10T10:00', 'Weekly sync'],
      ['2025-03-12T15:00', 'After'],
      ['2025-03-17T10:00', 'After'],
      ['2025-03-24T10:00', 'After'],
    ])
  })
})

describe('deleting', () => {
  test('DELETE scope=following ends the series before the occurrence', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    expect((await h.http.delete(`/v1/events/${ev.id}/occurrences/${enc(MAR17)}?scope=following`, as(w.owner))).status).toBe(204)
    expect((await mine([ev.id])).map((o) => o.startLocal)).toEqual(['2025-03-03T10:00', '2025-03-10T10:00'])
  })

  test('DELETE of the series removes it', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    expect((await h.http.delete(`/v1/events/${ev.id}`, as(w.owner))).status).toBe(204)
    expect((await h.http.get(`/v1/events/${ev.id}`, as(w.owner))).status).toBe(404)
    expect(await mine([ev.id])).toEqual([])
    expect(h.recorded.some((e) => e.type === 'event.deleted' && e.data.eventId === ev.id)).toBe(true)
  })

  test('DELETE scope=following at the first occurrence removes the series', async () => {
    const ev = await createEvent(h, w.id, w.owner, weekly)
    expect((await h.http.delete(`/v1/events/${ev.id}/occurrences/${enc('2025-03-03T15:00:00.000Z')}?scope=following`, as(w.owner))).status).toBe(204)
    expect((await h.http.get(`/v1/events/${ev.id}`, as(w.owner))).status).toBe(404)
  })
})

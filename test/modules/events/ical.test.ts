// The iCalendar feed: a third-party parser (ical.js) must see exactly the occurrences the
// API lists — a weekly meeting for a year across two DST changes, one instance moved, one
// cancelled, the series split — plus other zones, an all-day event and awkward text.
import { beforeAll, describe, expect, test } from 'bun:test'
import ICAL from 'ical.js'
import { newCommunity, ok, type TestUser } from '../../helpers/community'
import { as, createEvent, enc, occurrences, startEvents } from './helpers'

const h = await startEvents()
const w = await newCommunity(h.app.http)
const member = await w.join()
const outsiderOfRoom = await w.join()

/** A 404 with the error shape of every refusal (API.md: Errors). */
async function notFound(res: Response) {
  const body: any = await res.json().catch(() => undefined)
  return res.status === 404 && body?.error?.code === 'not_found' && typeof body.error.requestId === 'string'
}

const FROM = '2025-01-01T00:00:00Z'
const TO = '2026-01-01T00:00:00Z'

interface Seen {
  uid: string
  start: string
  end: string
  title: string
}

/** What a calendar app shows: every occurrence ical.js expands from the feed within the window. */
function expandWithIcalJs(text: string): Seen[] {
  const root = new ICAL.Component(ICAL.parse(text))
  for (const tz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz)
  const byUid = new Map<string, { master?: ICAL.Component; exceptions: ICAL.Component[] }>()
  for (const ve of root.getAllSubcomponents('vevent')) {
    const uid = String(ve.getFirstPropertyValue('uid'))
    const entry = byUid.get(uid) ?? { exceptions: [] }
    if (ve.hasProperty('recurrence-id')) entry.exceptions.push(ve)
    else entry.master = ve
    byUid.set(uid, entry)
  }
  const out: Seen[] = []
  const from = Date.parse(FROM)
  const to = Date.parse(TO)
  const instant = (t: ICAL.Time) => (t.isDate ? t.toString().slice(0, 10) : new Date(t.toUnixTime() * 1000).toISOString())
  const inWindow = (start: ICAL.Time, end: ICAL.Time) => {
    const s = start.isDate ? Date.parse(`${start.toString()}T00:00:00Z`) : start.toUnixTime() * 1000
    const e = end.isDate ? Date.parse(`${end.toString()}T00:00:00Z`) : end.toUnixTime() * 1000
    return e > from && s < to
  }
  for (const [uid, { master, exceptions }] of byUid) {
    const event = new ICAL.Event(master!)
    for (const ex of exceptions) event.relateException(ex)
    if (!event.isRecurring()) {
      if (inWindow(event.startDate, event.endDate)) out.push({ uid, start: instant(event.startDate), end: instant(event.endDate), title: event.summary })
      continue
    }
    const it = event.iterator()
    for (let next = it.next(); next; next = it.next()) {
      if (next.toUnixTime() * 1000 > to + 400 * 86_400_000) break
      const d = event.getOccurrenceDetails(next)
      if (inWindow(d.startDate, d.endDate)) out.push({ uid, start: instant(d.startDate), end: instant(d.endDate), title: d.item.summary })
    }
  }
  return out.sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid))
}

/** What the API lists for the same user and window (cancelled occurrences are not shown). */
async function fromApi(user: TestUser): Promise<Seen[]> {
  const [first, second] = await Promise.all([
    occurrences(h, w.id, user, FROM, '2025-07-01T00:00:00Z'),
    occurrences(h, w.id, user, '2025-07-01T00:00:00Z', TO),
  ])
  const seen = new Map<string, Seen>()
  for (const o of [...first, ...second]) {
    if (o.cancelled) continue
    const start = o.allDay ? o.startLocal : o.start
    seen.set(`${o.eventId}|${o.originalStart}`, { uid: `${o.eventId}@hearth`, start, end: o.allDay ? o.endLocal : o.end, title: o.title })
  }
  return [...seen.values()].sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid))
}

async function feedOf(user: TestUser, headers: Record<string, string> = {}) {
  const { url } = ok(await h.http.get('/v1/me/calendar', as(user))).body
  const res = await fetch(url, { headers })
  return { url: url as string, res, text: res.status === 200 ? await res.text() : '' }
}

let meeting: any
let next: any
let roomEvent: any
beforeAll(async () => {
  // Tuesdays 09:30 New York all year: EST, EDT from 9 March, EST again from 2 November.
  meeting = await createEvent(h, w.id, w.owner, { title: 'Team meeting', start: '2025-01-07T09:30', timeZone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=TU' })
  // One instance moved (to Thursday afternoon), one cancelled.
  ok(await h.http.patch(`/v1/events/${meeting.id}/occurrences/${enc('2025-02-11T14:30:00.000Z')}`, { scope: 'this', start: '2025-02-13T15:00', title: 'Moved meeting' }, as(w.owner)))
  expect((await h.http.delete(`/v1/events/${meeting.id}/occurrences/${enc('2025-04-15T13:30:00.000Z')}?scope=this`, as(w.owner))).status).toBe(204)
  // From 3 June on: 14:00, a new name.
  next = ok(await h.http.patch(`/v1/events/${meeting.id}/occurrences/${enc('2025-06-03T13:30:00.000Z')}`, { scope: 'following', start: '2025-06-03T14:00', title: 'Team meeting (afternoons)' }, as(w.owner))).body.event
  // One instance of the new series moved across the November change.
  ok(await h.http.patch(`/v1/events/${next.id}/occurrences/${enc('2025-10-28T18:00:00.000Z')}`, { scope: 'this', start: '2025-11-03T08:00' }, as(w.owner)))

  await createEvent(h, w.id, w.owner, { title: 'London, monthly, last weekday', start: '2025-01-31T17:00', timeZone: 'Europe/London', rrule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1' })
  // Lord Howe skips 02:00-02:30 on 5 October and repeats 01:30-02:00 on 6 April; New York repeats 01:00-02:00 on 2 November.
  await createEvent(h, w.id, w.owner, { title: 'Lord Howe, Sundays 02:15', start: '2025-09-21T02:15', timeZone: 'Australia/Lord_Howe', rrule: 'FREQ=WEEKLY;COUNT=6' })
  await createEvent(h, w.id, w.owner, { title: 'Lord Howe, Sundays 01:45', start: '2025-03-30T01:45', timeZone: 'Australia/Lord_Howe', rrule: 'FREQ=WEEKLY;COUNT=3' })
  await createEvent(h, w.id, w.owner, { title: 'New York nights', start: '2025-11-01T01:30', timeZone: 'America/New_York', rrule: 'FREQ=DAILY;COUNT=3' })
  await createEvent(h, w.id, w.owner, { title: 'Sydney fortnightly', start: '2025-03-02T08:00', timeZone: 'Australia/Sydney', rrule: 'FREQ=WEEKLY;INTERVAL=2;UNTIL=20251231T000000Z', exdates: ['2025-03-16T08:00'] })
  await createEvent(h, w.id, w.owner, { title: 'Kolkata daily, with an extra', start: '2025-05-01T18:00', timeZone: 'Asia/Kolkata', rrule: 'FREQ=DAILY;COUNT=5', rdates: ['2025-05-10T07:45'] })
  await createEvent(h, w.id, w.owner, { title: 'Holiday', start: '2025-12-25', allDay: true, timeZone: 'Europe/London', rrule: 'FREQ=YEARLY' })
  await createEvent(h, w.id, w.owner, {
    title: 'Text, with; awkward \\ characters — and a long name in ünïcödé that has to be folded across lines ✓✓✓',
    description: 'line one\nline two',
    start: '2025-08-01T12:00',
    timeZone: 'Europe/London',
  })
  const room = await w.room('private', { private: true })
  roomEvent = await createEvent(h, w.id, w.owner, { title: 'Room only', start: '2025-08-02T12:00', timeZone: 'Europe/London', roomId: room.id })
})

describe('the feed in a calendar app', () => {
  test('ical.js expands the feed to exactly the occurrences the API lists', async () => {
    const { res, text } = await feedOf(member)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/calendar')
    const app = expandWithIcalJs(text)
    const api = await fromApi(member)
    expect(api.length).toBeGreaterThan(80)
    expect(app).toEqual(api)
  })

  test('the weekly meeting keeps 09:30 local across both DST changes, moved and cancelled instances included', async () => {
    const app = expandWithIcalJs((await feedOf(member)).text).filter((s) => s.uid.startsWith(meeting.id))
    const starts = app.map((s) => s.start)
    expect(starts).toContain('2025-01-07T14:30:00.000Z') // EST
    expect(starts).toContain('2025-03-11T13:30:00.000Z') // EDT
    expect(starts).toContain('2025-02-13T20:00:00.000Z') // moved
    expect(starts).not.toContain('2025-02-11T14:30:00.000Z')
    expect(starts).not.toContain('2025-04-15T13:30:00.000Z') // cancelled
    expect(starts.at(-1)).toBe('2025-05-27T13:30:00.000Z') // the split
  })

  test('the text is escaped and folded at 75 octets with CRLF line ends', async () => {
    const { text } = await feedOf(member)
    expect(text.endsWith('\r\n')).toBe(true)
    for (const line of text.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75)
    expect(text).toContain('SUMMARY:Text\\, with\\; awkward \\\\ characters')
    const titles = expandWithIcalJs(text).map((s) => s.title)
    expect(titles).toContain('Text, with; awkward \\ characters — and a long name in ünïcödé that has to be folded across lines ✓✓✓')
  })

  test("a private room's event is in its members' feeds only", async () => {
    const uids = (t: string) => new Set(expandWithIcalJs(t).map((s) => s.uid))
    expect(uids((await feedOf(outsiderOfRoom)).text).has(`${roomEvent.id}@hearth`)).toBe(false)
    expect(uids((await feedOf(w.owner)).text).has(`${roomEvent.id}@hearth`)).toBe(true)
  })
})

describe('the feed URL', () => {
  test('the same URL comes back on every GET', async () => {
    const a = ok(await h.http.get('/v1/me/calendar', as(member))).body.url
    const b = ok(await h.http.get('/v1/me/calendar', as(member))).body.url
    expect(a).toBe(b)
  })

  test('an unchanged feed answers 304 to its ETag; a change gives a new ETag', async () => {
    const first = await feedOf(member)
    const etag = first.res.headers.get('etag')!
    expect(etag).toMatch(/^".+"$/)
    const again = await fetch(first.url, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    await createEvent(h, w.id, w.owner, { title: 'New', start: '2025-09-09T09:00', timeZone: 'Europe/London' })
    const changed = await fetch(first.url, { headers: { 'if-none-match': etag } })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('etag')).not.toBe(etag)
  })

  test('rotating gives a new URL and the old one stops working', async () => {
    const old = ok(await h.http.get('/v1/me/calendar', as(member))).body.url
    const fresh = ok(await h.http.post('/v1/me/calendar/rotate', undefined, as(member))).body.url
    expect(fresh).not.toBe(old)
    expect(await notFound(await fetch(old))).toBe(true)
    expect((await fetch(fresh)).status).toBe(200)
  })

  test('revoking stops the URL', async () => {
    const user = await w.join()
    const { url } = ok(await h.http.get('/v1/me/calendar', as(user))).body
    expect((await h.http.delete('/v1/me/calendar', as(user))).status).toBe(204)
    expect(await notFound(await fetch(url))).toBe(true)
  })

  test('an unknown token is a 404 in the error shape', async () => {
    expect(await notFound(await fetch(`${h.app.url}/v1/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics`))).toBe(true)
  })

  test('a token of the wrong shape is a 404 in the error shape', async () => {
    expect(await notFound(await fetch(`${h.app.url}/v1/calendar/short.ics`))).toBe(true)
  })

  test('a real token without .ics is a 404 in the error shape', async () => {
    const { url } = ok(await h.http.get('/v1/me/calendar', as(member))).body
    expect(await notFound(await fetch(url.replace(/\.ics$/, '')))).toBe(true)
  })

  test('asking for the URL needs a token (401)', async () => {
    expect((await h.http.get('/v1/me/calendar')).status).toBe(401)
  })
})

// Expansion, pure: expected occurrences written by hand from RFC 5545 and the IANA rules
// (2025: New York changes on 9 March and 2 November at 02:00; London on 30 March at 01:00
// UTC and 26 October at 01:00 UTC; Sydney on 6 April at 03:00 and 5 October at 02:00;
// Lord Howe by 30 minutes on 6 April at 02:00 and 5 October at 02:00; Kolkata never).
// recurrence-tz.test.ts runs this file again under other process time zones.
import { describe, expect, test } from 'bun:test'
import { AppError, type ErrorCode } from '../../../src/lib/errors'
import { expandSeries, MAX_INSTANCES_PER_SERIES, validateSeries, type SeriesShape } from '../../../src/modules/events/recurrence'

const series = (s: Partial<SeriesShape> & Pick<SeriesShape, 'start' | 'timeZone'>): SeriesShape =>
  validateSeries({ allDay: false, durationMinutes: 60, rrule: null, exdates: [], rdates: [], ...s })

const starts = (s: SeriesShape, from: string, to: string) =>
  expandSeries(s, { from: Date.parse(from), to: Date.parse(to) }).instances.map((i) => new Date(i.start).toISOString().slice(0, 16))

const cases: { name: string; s: Parameters<typeof series>[0]; from: string; to: string; want: string[] }[] = [
  {
    name: 'New York: a weekly meeting keeps 10:00 across spring forward',
    s: { start: '2025-03-03T10:00', timeZone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=MO' },
    from: '2025-03-01T00:00:00Z',
    to: '2025-03-25T00:00:00Z',
    want: ['2025-03-03T15:00', '2025-03-10T14:00', '2025-03-17T14:00', '2025-03-24T14:00'],
  },
  {
    name: 'New York: a weekly meeting keeps 10:00 across fall back',
    s: { start: '2025-10-27T10:00', timeZone: 'America/New_York', rrule: 'FREQ=WEEKLY' },
    from: '2025-10-20T00:00:00Z',
    to: '2025-11-11T00:00:00Z',
    want: ['2025-10-27T14:00', '2025-11-03T15:00', '2025-11-10T15:00'],
  },
  {
    name: 'New York: 02:30 on spring-forward day does not exist and moves forward by the gap (03:30 EDT)',
    s: { start: '2025-03-08T02:30', timeZone: 'America/New_York', rrule: 'FREQ=DAILY;COUNT=3' },
    from: '2025-03-01T00:00:00Z',
    to: '2025-04-01T00:00:00Z',
    want: ['2025-03-08T07:30', '2025-03-09T07:30', '2025-03-10T06:30'],
  },
  {
    name: 'New York: 01:30 on fall-back day happens twice and takes the earlier (EDT)',
    s: { start: '2025-11-01T01:30', timeZone: 'America/New_York', rrule: 'FREQ=DAILY;COUNT=3' },
    from: '2025-10-01T00:00:00Z',
    to: '2025-12-01T00:00:00Z',
    want: ['2025-11-01T05:30', '2025-11-02T05:30', '2025-11-03T06:30'],
  },
  {
    name: 'London: Sunday 01:30 is skipped on 30 March (02:30 BST) and repeated on 26 October (BST, the earlier)',
    s: { start: '2025-03-23T01:30', timeZone: 'Europe/London', rrule: 'FREQ=WEEKLY', rdates: ['2025-10-26T01:30'] },
    from: '2025-03-20T00:00:00Z',
    to: '2025-04-01T00:00:00Z',
    want: ['2025-03-23T01:30', '2025-03-30T01:30'],
  },
  {
    name: 'London: a repeated local time takes the earlier instant',
    s: { start: '2025-10-26T01:30', timeZone: 'Europe/London' },
    from: '2025-10-25T00:00:00Z',
    to: '2025-10-27T00:00:00Z',
    want: ['2025-10-26T00:30'],
  },
  {
    name: 'Sydney: Sunday 02:30 across the October gap (03:30 AEDT) keeps its wall-clock time after it',
    s: { start: '2025-09-28T02:30', timeZone: 'Australia/Sydney', rrule: 'FREQ=WEEKLY;COUNT=3' },
    from: '2025-09-01T00:00:00Z',
    to: '2025-11-01T00:00:00Z',
    want: ['2025-09-27T16:30', '2025-10-04T16:30', '2025-10-11T15:30'],
  },
  {
    name: 'Sydney: 02:30 on 6 April happens twice and takes the earlier (AEDT)',
    s: { start: '2025-04-06T02:30', timeZone: 'Australia/Sydney' },
    from: '2025-04-01T00:00:00Z',
    to: '2025-04-10T00:00:00Z',
    want: ['2025-04-05T15:30'],
  },
  {
    name: 'Kolkata: no DST, 09:00 is 03:30 UTC every day',
    s: { start: '2025-03-08T09:00', timeZone: 'Asia/Kolkata', rrule: 'FREQ=DAILY;COUNT=3' },
    from: '2025-03-01T00:00:00Z',
    to: '2025-04-01T00:00:00Z',
    want: ['2025-03-08T03:30', '2025-03-09T03:30', '2025-03-10T03:30'],
  },
  {
    name: 'Lord Howe: the 30-minute gap on 5 October moves 02:15 to 02:45 (+11)',
    s: { start: '2025-10-04T02:15', timeZone: 'Australia/Lord_Howe', rrule: 'FREQ=DAILY;COUNT=3' },
    from: '2025-10-01T00:00:00Z',
    to: '2025-10-10T00:00:00Z',
    want: ['2025-10-03T15:45', '2025-10-04T15:45', '2025-10-05T15:15'],
  },
  {
    name: 'Lord Howe: 01:45 on 6 April happens twice and takes the earlier (+11)',
    s: { start: '2025-04-06T01:45', timeZone: 'Australia/Lord_Howe' },
    from: '2025-04-01T00:00:00Z',
    to: '2025-04-10T00:00:00Z',
    want: ['2025-04-05T14:45'],
  },
  {
    name: 'BYMONTHDAY=-1: the last day of each month',
    s: { start: '2025-01-31T10:00', timeZone: 'Asia/Kolkata', rrule: 'FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4' },
    from: '2025-01-01T00:00:00Z',
    to: '2026-01-01T00:00:00Z',
    want: ['2025-01-31T04:30', '2025-02-28T04:30', '2025-03-31T04:30', '2025-04-30T04:30'],
  },
  {
    name: 'BYDAY=5FR: months without a fifth Friday are skipped',
    s: { start: '2025-01-31T10:00', timeZone: 'Asia/Kolkata', rrule: 'FREQ=MONTHLY;BYDAY=5FR;COUNT=4' },
    from: '2025-01-01T00:00:00Z',
    to: '2026-01-01T00:00:00Z',
    want: ['2025-01-31T04:30', '2025-05-30T04:30', '2025-08-29T04:30', '2025-10-31T04:30'],
  },
  {
    name: 'FEB 29 yearly: only leap years',
    s: { start: '2024-02-29T12:00', timeZone: 'Asia/Kolkata', rrule: 'FREQ=YEARLY;COUNT=3' },
    from: '2024-01-01T00:00:00Z',
    to: '2033-01-01T00:00:00Z',
    want: ['2024-02-29T06:30', '2028-02-29T06:30', '2032-02-29T06:30'],
  },
  {
    name: 'BYSETPOS=-1: the last weekday of the month',
    s: { start: '2025-01-31T10:00', timeZone: 'Asia/Kolkata', rrule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3' },
    from: '2025-01-01T00:00:00Z',
    to: '2026-01-01T00:00:00Z',
    want: ['2025-01-31T04:30', '2025-02-28T04:30', '2025-03-31T04:30'],
  },
  {
    name: 'WKST=MO (RFC 5545 example): every other week on Tuesday and Sunday',
    s: { start: '1997-08-05T09:00', timeZone: 'America/New_York', rrule: 'FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO' },
    from: '1997-08-01T00:00:00Z',
    to: '1997-09-10T00:00:00Z',
    want: ['1997-08-05T13:00', '1997-08-10T13:00', '1997-08-19T13:00', '1997-08-24T13:00'],
  },
  {
    name: 'WKST=SU (RFC 5545 example): the same rule, other weeks',
    s: { start: '1997-08-05T09:00', timeZone: 'America/New_York', rrule: 'FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU' },
    from: '1997-08-01T00:00:00Z',
    to: '1997-09-10T00:00:00Z',
    want: ['1997-08-05T13:00', '1997-08-17T13:00', '1997-08-19T13:00', '1997-08-31T13:00'],
  },
  {
    name: 'COUNT counts before EXDATE removes one',
    s: { start: '2025-01-01T10:00', timeZone: 'Asia/Kolkata', rrule: 'FREQ=DAILY;COUNT=5', exdates: ['2025-01-03T10:00'] },
    from: '2025-01-01T00:00:00Z',
    to: '2025-02-01T00:00:00Z',
    want: ['2025-01-01T04:30', '2025-01-02T04:30', '2025-01-04T04:30', '2025-01-05T04:30'],
  },
  {
    name: 'DTSTART is the first occurrence and counts toward COUNT even off the rule',
    s: { start: '2025-01-01T10:00', timeZone: 'Asia/Kolkata', rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3' },
    from: '2025-01-01T00:00:00Z',
    to: '2025-02-01T00:00:00Z',
    want: ['2025-01-01T04:30', '2025-01-06T04:30', '2025-01-13T04:30'],
  },
  {
    name: 'UNTIL is inclusive (an occurrence exactly at UNTIL is in)',
    s: { start: '2025-03-08T10:00', timeZone: 'America/New_York', rrule: 'FREQ=DAILY;UNTIL=20250310T140000Z' },
    from: '2025-03-01T00:00:00Z',
    to: '2025-04-01T00:00:00Z',
    want: ['2025-03-08T15:00', '2025-03-09T14:00', '2025-03-10T14:00'],
  },
  {
    name: 'UNTIL a second earlier leaves it out',
    s: { start: '2025-03-08T10:00', timeZone: 'America/New_York', rrule: 'FREQ=DAILY;UNTIL=20250310T135959Z' },
    from: '2025-03-01T00:00:00Z',
    to: '2025-04-01T00:00:00Z',
    want: ['2025-03-08T15:00', '2025-03-09T14:00'],
  },
  {
    name: 'RDATE adds an occurrence',
    s: { start: '2025-01-06T10:00', timeZone: 'Europe/London', rrule: 'FREQ=WEEKLY;COUNT=2', rdates: ['2025-01-08T15:00'] },
    from: '2025-01-01T00:00:00Z',
    to: '2025-02-01T00:00:00Z',
    want: ['2025-01-06T10:00', '2025-01-08T15:00', '2025-01-13T10:00'],
  },
  {
    name: 'a series that began ten years ago: every other Monday, aligned to its start',
    s: { start: '2015-01-05T10:00', timeZone: 'Europe/London', rrule: 'FREQ=WEEKLY;INTERVAL=2' },
    from: '2025-01-01T00:00:00Z',
    to: '2025-02-01T00:00:00Z',
    want: ['2025-01-06T10:00', '2025-01-20T10:00'],
  },
  {
    name: 'the window keeps an occurrence that started before it and ends inside it',
    s: { start: '2025-01-06T23:30', timeZone: 'Etc/UTC', rrule: 'FREQ=DAILY;COUNT=2' },
    from: '2025-01-07T00:00:00Z',
    to: '2025-01-07T01:00:00Z',
    want: ['2025-01-06T23:30'],
  },
]

describe('expansion table', () => {
  test.each(cases)('$name', ({ s, from, to, want }) => {
    expect(starts(series(s), from, to)).toEqual(want)
  })
})

describe('all-day events', () => {
  test('an all-day yearly event is its local date, midnight to midnight in its zone', () => {
    const s = series({ start: '2025-12-25', allDay: true, durationMinutes: 1440, timeZone: 'America/New_York', rrule: 'FREQ=YEARLY;COUNT=2' })
    const { instances } = expandSeries(s, { from: Date.parse('2025-01-01T00:00:00Z'), to: Date.parse('2027-01-01T00:00:00Z') })
    expect(instances.map((i) => [new Date(i.start).toISOString(), new Date(i.end).toISOString()])).toEqual([
      ['2025-12-25T05:00:00.000Z', '2025-12-26T05:00:00.000Z'],
      ['2026-12-25T05:00:00.000Z', '2026-12-26T05:00:00.000Z'],
    ])
  })

  test('an all-day UNTIL is a date, inclusive', () => {
    const s = series({ start: '2025-01-01', allDay: true, durationMinutes: 1440, timeZone: 'Asia/Kolkata', rrule: 'FREQ=DAILY;UNTIL=20250103' })
    expect(starts(s, '2024-12-01T00:00:00Z', '2025-02-01T00:00:00Z')).toEqual(['2024-12-31T18:30', '2025-01-01T18:30', '2025-01-02T18:30'])
  })
})

describe('limits', () => {
  test('one series gives at most the per-expansion cap, and says it was cut', () => {
    const s = series({ start: '2025-01-01T00:00', timeZone: 'Etc/UTC', rrule: 'FREQ=HOURLY' })
    const e = expandSeries(s, { from: Date.parse('2025-01-01T00:00:00Z'), to: Date.parse('2025-03-01T00:00:00Z') })
    expect(e.instances.length).toBe(MAX_INSTANCES_PER_SERIES)
    expect(e.truncated).toBe(true)
  })

  test.each([
    ['FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=29'],
    ['FREQ=HOURLY;INTERVAL=7;BYDAY=MO'],
    ['FREQ=HOURLY'],
    ['FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO'],
    ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29'],
  ])('%s: a year window takes a few milliseconds at most (warm, best of 5)', (rrule) => {
    const s = series({ start: '2015-01-05T10:00', timeZone: 'Europe/London', rrule })
    const window = { from: Date.parse('2025-01-01T00:00:00Z'), to: Date.parse('2026-01-01T00:00:00Z') }
    let best = Infinity
    for (let i = 0; i < 6; i++) {
      const began = performance.now()
      expandSeries(s, window)
      if (i > 0) best = Math.min(best, performance.now() - began)
    }
    expect(best).toBeLessThan(50) // typically 1-15 ms; the bound catches a runaway walk (seconds), not noise
  })

  const refused: [string, Partial<SeriesShape>, ErrorCode][] = [
    ['an unknown zone', { timeZone: 'Mars/Olympus_Mons' }, 'unknown_time_zone'],
    ['a fixed offset instead of a zone', { timeZone: '+05:00' }, 'unknown_time_zone'],
    ['FREQ=SECONDLY', { rrule: 'FREQ=SECONDLY' }, 'invalid_rrule'],
    ['FREQ=MINUTELY', { rrule: 'FREQ=MINUTELY;INTERVAL=15' }, 'invalid_rrule'],
    ['BYSECOND', { rrule: 'FREQ=HOURLY;BYSECOND=0,30' }, 'invalid_rrule'],
    ['an unknown part', { rrule: 'FREQ=DAILY;BYEASTER=0' }, 'invalid_rrule'],
    ['no FREQ', { rrule: 'COUNT=3' }, 'invalid_rrule'],
    ['COUNT with UNTIL', { rrule: 'FREQ=DAILY;COUNT=3;UNTIL=20250101T000000Z' }, 'invalid_rrule'],
    ['UNTIL not in UTC', { rrule: 'FREQ=DAILY;UNTIL=20250101T000000' }, 'invalid_rrule'],
    ['a COUNT over the cap', { rrule: 'FREQ=DAILY;COUNT=100000' }, 'invalid_rrule'],
    ['a rule with no date at all (30 February)', { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' }, 'invalid_rrule'],
    ['a COUNT too sparse to walk', { rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=1000' }, 'invalid_rrule'],
    ['an HOURLY interval that never reaches BYHOUR', { rrule: 'FREQ=HOURLY;INTERVAL=24;BYHOUR=5' }, 'invalid_rrule'],
    ['an ordinal BYDAY with WEEKLY', { rrule: 'FREQ=WEEKLY;BYDAY=2MO' }, 'invalid_rrule'],
    ['BYSETPOS alone', { rrule: 'FREQ=MONTHLY;BYSETPOS=1' }, 'invalid_rrule'],
    ['an impossible start', { start: '2025-02-30T10:00' }, 'validation_failed'],
  ]
  test.each(refused)('refuses %s', (_name, change, code) => {
    const began = performance.now()
    let error: unknown
    try {
      series({ start: '2025-01-06T10:00', timeZone: 'Europe/London', ...change })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe(code)
    expect((error as AppError).status).toBe(422)
    expect(performance.now() - began).toBeLessThan(2000) // a runaway walk would take seconds to minutes
  })
})

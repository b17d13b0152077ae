import { describe, expect, test } from 'bun:test'
import { AppError } from '../../../src/lib/errors'
import { parseRule } from '../../../src/modules/events/rule'

// The ranges of the RRULE parts that list numbers: signed ones count back from the end and never hold 0.

const start = Date.UTC(2025, 0, 6, 10, 0)
const parse = (rrule: string) => parseRule(rrule, { allDay: false, start })
const refusal = (rrule: string) => {
  try {
    parse(rrule)
  } catch (err) {
    return err instanceof AppError ? err.code : err
  }
  return 'accepted'
}

describe('number lists', () => {
  test.each([
    ['FREQ=MONTHLY;BYMONTHDAY=1,31,-31,-1', { bymonthday: [1, 31, -31, -1] }],
    ['FREQ=YEARLY;BYYEARDAY=366,-366', { byyearday: [366, -366] }],
    ['FREQ=YEARLY;BYWEEKNO=53,-53', { byweekno: [53, -53] }],
    ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=366,-1', { bysetpos: [366, -1] }],
    ['FREQ=YEARLY;BYMONTH=1,12', { bymonth: [1, 12] }],
    ['FREQ=DAILY;BYHOUR=0,23', { byhour: [0, 23] }],
    ['FREQ=DAILY;BYMINUTE=0,59', { byminute: [0, 59] }],
  ])('%s is read', (rrule, fields) => {
    expect(parse(rrule)).toMatchObject(fields)
  })

  test.each([
    'FREQ=MONTHLY;BYMONTHDAY=0',
    'FREQ=MONTHLY;BYMONTHDAY=32',
    'FREQ=MONTHLY;BYMONTHDAY=-32',
    'FREQ=YEARLY;BYYEARDAY=367',
    'FREQ=YEARLY;BYWEEKNO=0',
    'FREQ=YEARLY;BYWEEKNO=-54',
    'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0',
    'FREQ=YEARLY;BYMONTH=0',
    'FREQ=YEARLY;BYMONTH=13',
    'FREQ=YEARLY;BYMONTH=-1',
    'FREQ=DAILY;BYHOUR=24',
    'FREQ=DAILY;BYHOUR=-1',
    'FREQ=DAILY;BYMINUTE=60',
  ])('%s is refused', (rrule) => {
    expect(refusal(rrule)).toBe('invalid_rrule')
  })
})

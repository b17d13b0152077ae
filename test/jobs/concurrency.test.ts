// MEDIA_JOB_CONCURRENCY is per process: the images one process works on at once, shared
// among its job worker threads (a thread with no share does not take media jobs).
import { expect, test } from 'bun:test'
import { loadConfig } from '../../src/config'
import { concurrencyOf } from '../../src/jobs/queues'

const shares = (setting: string | undefined, threads: number) => {
  const config = loadConfig({ MEDIA_JOB_CONCURRENCY: setting })
  return Array.from({ length: threads }, (_, index) => concurrencyOf(config, 'media', { index, of: threads }))
}

test('one image at a time per process by default: the first thread takes media jobs, the others none', () => {
  expect(shares(undefined, 2)).toEqual([1, 0])
})

test('a larger setting is spread over the threads', () => {
  expect(shares('5', 2)).toEqual([3, 2])
  expect(shares('2', 4)).toEqual([1, 1, 0, 0])
})

test('other queues keep their own concurrency on every thread', () => {
  const config = loadConfig({ MEDIA_JOB_CONCURRENCY: '1' })
  expect([0, 1].map((index) => concurrencyOf(config, 'notifications', { index, of: 2 }))).toEqual([50, 50])
})

test('a setting out of range is refused at start', () => {
  expect(() => loadConfig({ MEDIA_JOB_CONCURRENCY: '0' })).toThrow(/MEDIA_JOB_CONCURRENCY/)
})

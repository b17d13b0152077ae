import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { users } from '../../src/db/schema'
import type { QueueName } from '../../src/jobs/queues'
import { startTestApp } from '../helpers/app'
import { registerUser } from '../helpers/http'
import { testProcessorsModule } from '../helpers/job-processors'
import { deadLetterOf as deadLetterOfJob } from '../helpers/dead-letters'
import { eventually } from '../helpers/wait'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const BACKOFF_MS = 150
// One thread, so one consumer per queue: the order jobs start in is the order BullMQ hands them out.
const app = await startTestApp({ JOB_WORKERS: '1', JOB_BACKOFF_MS: String(BACKOFF_MS) }, { jobs: { modules: [testProcessorsModule] } })
const { http } = app
const { jobs, redis, db } = app.res
const admin = await registerUser(http)
await db.update(users).set({ isPlatformAdmin: true }).where(eq(users.id, admin.id))
const asAdmin = { token: admin.accessToken }

const key = () => crypto.randomUUID()
const deadLetterOf = (queue: QueueName, jobId: string) => deadLetterOfJob(db, queue, jobId)
const letterView = async (id: string) => (await http.get(`/v1/admin/dead-letters/${id}`, asAdmin)).body

/** Dead letters made the quick way: a job nobody can run is dead on its first attempt. */
async function deadLettersIn(queue: QueueName, n: number) {
  const enqueue = () => jobs.enqueue({ queue, name: 'test.nobody-runs-this', data: { key: key() } })
  const jobIds = await Promise.all(Array.from({ length: n }, enqueue))
  return Promise.all(jobIds.map((id) => eventually(`dead letter for ${queue} job ${id}`, () => deadLetterOf(queue, id))))
}

/** Waits until every replay of these letters has run (and failed again: nobody can run them). */
const settled = (ids: string[]) =>
  eventually('replays finished', async () => {
    const views = await Promise.all(ids.map(letterView))
    return views.every((v) => v.status !== 'replaying') && views
  })

describe('queue priorities', () => {
  test('among waiting jobs of one queue, a lower number runs first, and jobs with no priority get the queue’s default', async () => {
    const k = key()
    // Each job runs a while: a job that finished at once would make the consumer fetch the
    // next one on a second path, racing its main loop, and the start order would blur.
    const record = (label: string, priority?: number) =>
      jobs.enqueue({ queue: 'fanout', name: 'test.record', data: { key: k, label, ms: 300 }, priority })
    const queue = jobs.queues.fanout
    await queue.pause()
    try {
      // Added in the opposite order to the one they should run in. Fanout's default priority is 4.
      await record('whenever', 10)
      await record('default-a')
      await record('default-b')
      await record('urgent', 1)
    } finally {
      await queue.resume()
    }
    const order = await eventually('all four started', async () => {
      const labels = await redis.client.lRange(redis.key('test', k, 'order'), 0, -1)
      return labels.length === 4 && labels
    })
    expect(order).toEqual(['urgent', 'default-a', 'default-b', 'whenever'])
  })
})

describe('retry backoff', () => {
  test('each retry waits between half and all of the exponential delay, and the waits vary', async () => {
    // Fanout allows 5 attempts: four retries, waiting up to 150, 300, 600 and 1200 ms.
    const keys = [key(), key(), key(), key()]
    const ids = await Promise.all(keys.map((k) => jobs.enqueue({ queue: 'fanout', name: 'test.timed', data: { key: k, succeedOn: 5 } })))
    await eventually('all four succeeded on their last attempt', async () => {
      const states = await Promise.all(ids.map(async (id) => (await jobs.queues.fanout.getJob(id))?.getState()))
      return states.every((s) => s === 'completed')
    })

    // From one attempt's start to the next: the backoff, plus the failure's bookkeeping and the wake-up.
    const slackMs = 250
    const ratios: number[] = []
    for (const k of keys) {
      const starts = (await redis.client.lRange(redis.key('test', k, 'starts'), 0, -1)).map(Number)
      expect(starts).toHaveLength(5)
      for (let retry = 1; retry < starts.length; retry++) {
        const full = BACKOFF_MS * 2 ** (retry - 1)
        const waited = starts[retry]! - starts[retry - 1]!
        expect(waited, `retry ${retry} waited ${waited} ms`).toBeGreaterThanOrEqual(full / 2)
        expect(waited, `retry ${retry} waited ${waited} ms`).toBeLessThanOrEqual(full + slackMs)
        ratios.push(waited / full)
      }
    }
    // Jitter: sixteen waits all within the top tenth of their range would be a one-in-millions draw.
    expect(Math.min(...ratios)).toBeLessThan(0.9)
  })
})

describe('replay many', () => {
  test('a queue filter replays only that queue’s dead letters; an id filter lists the ones it skipped', async () => {
    const webhooks = await deadLettersIn('webhooks', 3)
    const [media] = await deadLettersIn('media', 1)
    const [discarded, ...dead] = webhooks.sort((a, b) => a.id.localeCompare(b.id))
    expect((await http.delete(`/v1/admin/dead-letters/${discarded!.id}`, asAdmin)).status).toBe(204)

    const byQueue = await http.post('/v1/admin/dead-letters/replay', { queue: 'webhooks' }, asAdmin)
    expect(byQueue.status).toBe(202)
    expect(byQueue.body.replays.map((r: { deadLetterId: string }) => r.deadLetterId)).toEqual(dead.map((d) => d.id))
    for (const replay of byQueue.body.replays) expect(replay).toMatchObject({ status: 'pending', requestedBy: admin.id })
    expect(byQueue.body.skipped).toEqual([])
    expect(await letterView(media!.id)).toMatchObject({ status: 'dead', replays: [] })
    expect(await letterView(discarded!.id)).toMatchObject({ status: 'discarded', replays: [] })

    // The replays fail again (nobody runs these jobs) and their letters are dead once more.
    const after = await settled(dead.map((d) => d.id))
    for (const view of after) expect(view).toMatchObject({ status: 'dead', replays: [{ status: 'failed' }] })

    // Ids and a queue together: only letters that match both and are dead are replayed.
    const ids = [dead[0]!.id, media!.id, discarded!.id]
    const byIds = await http.post('/v1/admin/dead-letters/replay', { ids, queue: 'webhooks' }, asAdmin)
    expect(byIds.status).toBe(202)
    expect(byIds.body.replays.map((r: { deadLetterId: string }) => r.deadLetterId)).toEqual([dead[0]!.id])
    expect(byIds.body.skipped).toEqual([media!.id, discarded!.id])
    await settled([dead[0]!.id])
  })

  test('a limit replays the oldest matching dead letters first', async () => {
    const letters = await deadLettersIn('reminders', 3)
    const oldestFirst = letters.map((l) => l.id).sort()
    const res = await http.post('/v1/admin/dead-letters/replay', { queue: 'reminders', limit: 2 }, asAdmin)
    expect(res.status).toBe(202)
    expect(res.body.replays.map((r: { deadLetterId: string }) => r.deadLetterId)).toEqual(oldestFirst.slice(0, 2))
    expect(await letterView(oldestFirst[2]!)).toMatchObject({ status: 'dead', replays: [] })
    await settled(oldestFirst.slice(0, 2))
  })
})

describe('discard during a replay', () => {
  test('is refused with 409 and changes nothing: the replay still runs and records its outcome', async () => {
    const [letter] = await deadLettersIn('maintenance', 1)
    // Held in its paused queue, the replay stays in progress for as long as the test needs.
    await jobs.queues.maintenance.pause()
    try {
      const replay = await http.post(`/v1/admin/dead-letters/${letter!.id}/replay`, undefined, asAdmin)
      expect(replay.status).toBe(202)

      const discard = await http.delete(`/v1/admin/dead-letters/${letter!.id}`, asAdmin)
      expect(discard.status).toBe(409)
      expect(discard.body.error).toMatchObject({ code: 'conflict', message: 'this dead letter is being replayed' })
      expect(await letterView(letter!.id)).toMatchObject({
        status: 'replaying',
        replays: [{ id: replay.body.replay.id, status: 'pending', finishedAt: null }],
      })
    } finally {
      await jobs.queues.maintenance.resume()
    }

    const [after] = await settled([letter!.id])
    expect(after).toMatchObject({ status: 'dead', attempts: 2, replays: [{ status: 'failed' }] })
    expect((await http.delete(`/v1/admin/dead-letters/${letter!.id}`, asAdmin)).status).toBe(204)
    expect(await letterView(letter!.id)).toMatchObject({ status: 'discarded' })
  })

  test('a replay and a discard sent at the same moment: exactly one wins, and the letter shows which', async () => {
    const letters = await deadLettersIn('media', 6)
    await jobs.queues.media.pause()
    try {
      for (const [i, letter] of letters.entries()) {
        const replaying = () => http.post(`/v1/admin/dead-letters/${letter.id}/replay`, undefined, asAdmin)
        const discarding = () => http.delete(`/v1/admin/dead-letters/${letter.id}`, asAdmin)
        // Each goes first half the time.
        const [replay, discard] =
          i % 2 === 0
            ? await Promise.all([replaying(), discarding()])
            : await Promise.all([discarding(), replaying()]).then(([d, r]) => [r, d] as const)
        const view = await letterView(letter.id)
        if (replay.status === 202) {
          expect(discard.status).toBe(409)
          expect(view).toMatchObject({ status: 'replaying', replays: [{ status: 'pending' }] })
        } else {
          expect([replay.status, discard.status]).toEqual([409, 204])
          expect(view).toMatchObject({ status: 'discarded', replays: [] })
        }
      }
    } finally {
      await jobs.queues.media.resume()
    }
    await settled(letters.map((l) => l.id))
  })
})

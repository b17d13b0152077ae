import { queueNames } from '../../../src/jobs/queues'
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { deadLetters, users } from '../../../src/db/schema'
import type { QueueName } from '../../../src/jobs/queues'
import { startTestApp } from '../../helpers/app'
import { registerUser } from '../../helpers/http'
import { testProcessorsModule } from '../../helpers/job-processors'
import { deadLetterOf as deadLetterOfJob } from '../../helpers/dead-letters'
import { eventually } from '../../helpers/wait'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp(
  { JOB_WORKERS: '1', JOB_BACKOFF_MS: '5', JOB_LOCK_MS: '2000', JOB_STALLED_INTERVAL_MS: '1000' },
  { jobs: { modules: [testProcessorsModule] } },
)
const { http } = app
const { jobs, redis, db } = app.res
const admin = await registerUser(http)
await db.update(users).set({ isPlatformAdmin: true }).where(eq(users.id, admin.id))
const member = await registerUser(http)

const deadLetterOf = (queue: QueueName, jobId: string) => deadLetterOfJob(db, queue, jobId)

describe('queue dashboard /admin/queues', () => {
  test('no token: 401; a signed-in non-admin: 403 (header, query or cookie)', async () => {
    expect((await http.get('/admin/queues')).status).toBe(401)
    expect((await http.get('/admin/queues/api/queues')).status).toBe(401)
    expect((await http.get('/admin/queues', { token: member.accessToken })).status).toBe(403)
    expect((await http.get(`/admin/queues?token=${member.accessToken}`)).status).toBe(403)
    const cookie = { cookie: `hearth_admin=${member.accessToken}` }
    expect((await http.get('/admin/queues/api/queues', { headers: cookie })).status).toBe(403)
    expect((await http.get('/admin/queues', { headers: { cookie: 'hearth_admin=not-a-token' } })).status).toBe(401)
  })

  test('an admin opens it with ?token= once, then the HttpOnly cookie carries them through the page and its API', async () => {
    const first = await fetch(`${app.url}/admin/queues?token=${admin.accessToken}`, { redirect: 'manual' })
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toBe('/admin/queues')
    const setCookie = first.headers.get('set-cookie')!
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('Path=/admin/queues')
    const cookie = setCookie.split(';')[0]!
    const page = await http.get('/admin/queues', { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(String(page.body)).toContain('<html')
    const api = await http.get('/admin/queues/api/queues', { headers: { cookie } })
    expect(api.status).toBe(200)
    // Every queue Hearth has, the domain events' included.
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([...queueNames].sort())
    expect(queueNames).toContain('events')
  })
})

describe('dead letters API', () => {
  test('no token: 401; non-admin: 403, on every route', async () => {
    const id = crypto.randomUUID()
    const routes: [string, string][] = [
      ['GET', '/v1/admin/dead-letters'],
      ['POST', `/v1/admin/dead-letters/${id}/replay`],
      ['POST', '/v1/admin/dead-letters/replay'],
      ['DELETE', `/v1/admin/dead-letters/${id}`],
    ]
    for (const [method, path] of routes) {
      const body = method === 'POST' ? {} : undefined
      expect((await http.request(method, path, body)).status, `${method} ${path}`).toBe(401)
      expect((await http.request(method, path, body, { token: member.accessToken })).status, `${method} ${path}`).toBe(403)
    }
  })

  test('dead -> replay -> success is recorded, and the recovery rate counts it (API and /metrics)', async () => {
    const k = crypto.randomUUID()
    const jobId = await jobs.enqueue({ queue: 'fanout', name: 'test.broken', data: { key: k } })
    const letter = await eventually('dead letter', async () => {
      const res = await http.get('/v1/admin/dead-letters?queue=fanout&status=dead', { token: admin.accessToken })
      return res.body.deadLetters.find((d: { jobId: string }) => d.jobId === jobId)
    })
    expect(letter).toMatchObject({ name: 'test.broken', payload: { key: k }, attempts: 5, status: 'dead' })

    // Fix the cause, then replay.
    await redis.client.set(redis.key('test', k, 'fixed'), '1')
    const replay = await http.post(`/v1/admin/dead-letters/${letter.id}/replay`, undefined, { token: admin.accessToken })
    expect(replay.status).toBe(202)
    expect(replay.body.replay).toMatchObject({ deadLetterId: letter.id, status: 'pending', requestedBy: admin.id })

    const done = await eventually('replay succeeded', async () => {
      const res = await http.get(`/v1/admin/dead-letters/${letter.id}`, { token: admin.accessToken })
      return res.body.status === 'recovered' && res.body
    })
    expect(done.replays).toHaveLength(1)
    expect(done.replays[0]).toMatchObject({ status: 'succeeded', error: null })

    const again = await http.post(`/v1/admin/dead-letters/${letter.id}/replay`, undefined, { token: admin.accessToken })
    expect(again.status).toBe(409)

    const list = await http.get('/v1/admin/dead-letters', { token: admin.accessToken })
    expect(list.body.stats.byStatus.recovered).toBe(1)
    expect(list.body.stats.recoveryRate).toBeCloseTo(1 / list.body.stats.total)
    const metrics = await http.get('/metrics')
    expect(metrics.body).toMatch(/hearth_dead_letter_recovery_ratio\{[^}]*\} 1/)
  })

  test('a replay that fails again is recorded as failed and the letter is dead again', async () => {
    const k = crypto.randomUUID()
    const jobId = await jobs.enqueue({ queue: 'fanout', name: 'test.broken', data: { key: k } })
    const letter = await eventually('dead letter', () => deadLetterOf('fanout', jobId))
    await http.post(`/v1/admin/dead-letters/${letter.id}/replay`, undefined, { token: admin.accessToken })
    const after = await eventually('replay failed', async () => {
      const res = await http.get(`/v1/admin/dead-letters/${letter.id}`, { token: admin.accessToken })
      return res.body.replays[0]?.status === 'failed' && res.body
    })
    expect(after.status).toBe('dead')
    expect(after.attempts).toBe(10)
    expect(after.replays[0].error).toContain('downstream says no')
  })

  test('replay many by filter, and discard', async () => {
    const keys = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()]
    const ids = await Promise.all(keys.map((key) => jobs.enqueue({ queue: 'fanout', name: 'test.unrecoverable', data: { key } })))
    const letters = await eventually('three dead letters', async () => {
      const rows = await Promise.all(ids.map((id) => deadLetterOf('fanout', id)))
      return rows.every((r) => r !== undefined) && rows.map((r) => r!)
    })
    const discarded = await http.delete(`/v1/admin/dead-letters/${letters[0]!.id}`, { token: admin.accessToken })
    expect(discarded.status).toBe(204)
    const many = await http.post('/v1/admin/dead-letters/replay', { ids: letters.map((l) => l.id) }, { token: admin.accessToken })
    expect(many.status).toBe(202)
    expect(many.body.replays).toHaveLength(2)
    expect(many.body.skipped).toEqual([letters[0]!.id])
    const discardedView = await http.get(`/v1/admin/dead-letters?status=discarded`, { token: admin.accessToken })
    expect(discardedView.body.deadLetters.map((d: { id: string }) => d.id)).toContain(letters[0]!.id)
    expect((await http.delete(`/v1/admin/dead-letters/${crypto.randomUUID()}`, { token: admin.accessToken })).status).toBe(404)
  })

  test('pagination walks every dead letter once', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res: any = await http.get(`/v1/admin/dead-letters?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: admin.accessToken })
      expect(res.body.deadLetters.length).toBeLessThanOrEqual(2)
      seen.push(...res.body.deadLetters.map((d: { id: string }) => d.id))
      cursor = res.body.nextCursor
    } while (cursor)
    const all = await db.select({ id: deadLetters.id }).from(deadLetters)
    expect(seen.sort()).toEqual(all.map((r) => r.id).sort())
  })
})

describe('/metrics for jobs', () => {
  test('queue depth per queue and state, completed/failed counters, and BullMQ’s own export', async () => {
    await jobs.enqueue({ queue: 'reminders', name: 'later', data: {}, delayMs: 60_000 })
    await eventually('counters reported', async () => (jobs.counters.fanout?.completed ?? 0) > 0)
    const res = await http.get('/metrics')
    expect(res.body).toMatch(/hearth_queue_jobs\{[^}]*queue="reminders"[^}]*state="delayed"[^}]*\} 1/)
    expect(res.body).toMatch(/hearth_queue_jobs\{[^}]*queue="notifications"[^}]*state="waiting"[^}]*\} 0/)
    expect(res.body).toMatch(/hearth_jobs_completed_total\{[^}]*queue="fanout"[^}]*\} [1-9]/)
    expect(res.body).toMatch(/hearth_jobs_failed_total\{[^}]*queue="fanout"[^}]*\} [1-9]/)
    expect(res.body).toContain('bullmq_job_count{queue="reminders", state="delayed"')
    expect(res.body.match(/# TYPE bullmq_job_count gauge/g)).toHaveLength(1)
  })
})

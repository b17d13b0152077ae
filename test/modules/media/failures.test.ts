// Image work that keeps failing (here: every attempt times out) is retried, then
// dead-lettered like any job, and the media ends failed with nothing left behind. And the
// sweep, scheduled when the app starts (here every second).
import { expect, setDefaultTimeout, test } from 'bun:test'
import { eq, sql } from 'drizzle-orm'
import { deadLetters, media } from '../../../src/db/schema'
import { mediaKeys } from '../../../src/modules/media/view'
import { ok } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { startMediaApp } from '../../helpers/media'
import { eventually } from '../../helpers/wait'
import * as files from './fixtures'

setDefaultTimeout(30_000)

const app = await startMediaApp('disk', { MEDIA_PROCESS_TIMEOUT_MS: '1', MEDIA_SWEEP_EVERY_SECONDS: '1' })

test('an image whose processing times out on every attempt is retried, dead-lettered, and ends failed with its bytes deleted', async () => {
  const u = await registerUser(app.http)
  const bytes = await files.jpeg(2000, 1500)
  const start = ok(await app.http.post('/v1/media/uploads', { filename: 'big.jpg', contentType: 'image/jpeg', size: bytes.length }, { token: u.accessToken }), 201).body
  expect((await fetch(app.absolute(start.upload.url), { method: 'PUT', headers: start.upload.headers, body: bytes })).status).toBe(200)
  ok(await app.http.post(`/v1/media/${start.media.id}/complete`, undefined, { token: u.accessToken }), 202)

  const dead = await eventually('the dead letter', async () => {
    const rows = await app.res.db.select().from(deadLetters).where(sql`${deadLetters.payload}->>'mediaId' = ${start.media.id}`)
    return rows[0]
  })
  expect(dead).toMatchObject({ queue: 'media', name: 'media.process', attempts: 3, error: 'TimeoutError: processing took longer than 1 ms' })
  const view = ok(await app.http.get(`/v1/media/${start.media.id}`, { token: u.accessToken })).body
  expect(view).toMatchObject({ status: 'failed', error: 'processing took longer than 1 ms', variants: [] })
  await Bun.sleep(500) // abandoned attempts are told to write nothing more
  const left = await Promise.all(mediaKeys.all(start.media.id).map((key) => app.storage.stat(key)))
  expect(left.filter(Boolean)).toEqual([])
})

test('the sweep is scheduled when the app starts, and deletes media never attached once they are a day old', async () => {
  const schedulers = await app.res.jobs.queues.maintenance.getJobSchedulers()
  expect(schedulers.map((s) => [s.key, s.every])).toContainEqual(['media.sweep', 1000])
  const u = await registerUser(app.http)
  const bytes = files.text()
  const start = ok(await app.http.post('/v1/media/uploads', { filename: 'a.txt', contentType: 'text/plain', size: bytes.length }, { token: u.accessToken }), 201).body
  expect((await fetch(app.absolute(start.upload.url), { method: 'PUT', headers: start.upload.headers, body: bytes })).status).toBe(200)
  const young = ok(await app.http.post('/v1/media/uploads', { filename: 'b.txt', contentType: 'text/plain', size: 5 }, { token: u.accessToken }), 201).body
  await app.res.db.execute(sql`update media set created_at = now() - interval '25 hours' where id = ${start.media.id}`)
  await eventually('the scheduled sweep to delete the orphan', async () => (await app.res.db.select().from(media).where(eq(media.id, start.media.id))).length === 0)
  expect(await app.storage.stat(mediaKeys.original(start.media.id))).toBeUndefined()
  expect(await app.res.db.select().from(media).where(eq(media.id, young.media.id))).toHaveLength(1)
})

// Image work that keeps failing (here: every attempt times out) is retried, then
// dead-lettered like any job, and the media ends failed with nothing left behind.
import { expect, setDefaultTimeout, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { deadLetters } from '../../../src/db/schema'
import { mediaKeys } from '../../../src/modules/media/view'
import { ok } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { startMediaApp } from '../../helpers/media'
import { eventually } from '../../helpers/wait'
import * as files from './fixtures'

setDefaultTimeout(30_000)

const app = await startMediaApp('disk', { MEDIA_PROCESS_TIMEOUT_MS: '1' })

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

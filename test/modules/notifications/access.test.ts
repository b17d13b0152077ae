import { expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { consumed } from '../../../src/db/outbox'
import { notifications } from '../../../src/db/schema'
import { FEATURE_JOBS } from '../../../src/features'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok } from '../../helpers/community'
import { eventually } from '../../helpers/wait'

setDefaultTimeout(30_000)

// No job workers at first: the notification job waits in its queue while access changes.
const app = await startTestApp({ JOB_WORKERS: '1', JOB_BACKOFF_MS: '10' })
const { http } = app

test('a member mentioned in a private room and removed from it before the notification is made gets none, and no preview', async () => {
  const w = await newCommunity(http)
  const secret = await w.room('secret', { private: true })
  const bob = await w.join()
  ok(await http.post(`/v1/rooms/${secret.id}/members`, { userId: bob.id }, w.as(w.owner)), 201)
  const sent = ok(await http.post(`/v1/rooms/${secret.id}/messages`, { body: `@${bob.username} the launch code is 1234`, nonce: 'm1' }, w.as(w.owner)), 201).body
  expect(sent.mentions).toEqual([bob.id])
  ok(await http.delete(`/v1/rooms/${secret.id}/members/${bob.id}`, w.as(w.owner)), 204)

  await app.res.jobs.startWorkers({ modules: [FEATURE_JOBS] })
  await eventually('the notification job', () => consumed(app.res.db, 'notifications', sent.id), 20_000)
  const rows = await app.res.db.select().from(notifications).where(eq(notifications.userId, bob.id))
  expect(JSON.stringify(rows)).not.toContain('launch code')
  expect(rows).toEqual([])
})

// A community's calendar: one year of 1,000 weekly series (five zones, two DST changes
// each) expanded into occurrences, per request through the wired app — the real route
// (GET /v1/communities/:id/occurrences: guard, permissions, expansion, RSVP counts,
// response schema, JSON) — without the expansion cache (CALENDAR_CACHE_ENTRIES=0) and with
// it (keyed by each series' version).
//   bun scripts/bench/events.ts [--requests 30]
// Needs Postgres (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL); uses a scratch database.
import { createApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import { eventSeries } from '../../src/db/schema'
import { createHearth } from '../../src/hearth'
import { newId } from '../../src/lib/ids'
import { loadSigningKeys } from '../../src/modules/auth/keys'
import { rangeOf } from '../../src/modules/events/store'
import { closeResources, openResources } from '../../src/resources'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../test/helpers/app'
import { scratchDatabase } from '../lib/scratch'
import { Histogram } from './stats'

const requests = Number(process.argv[process.argv.indexOf('--requests') + 1]) || 30
const SERIES = 1000
const ZONES = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'Australia/Lord_Howe']
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR']

const database = scratchDatabase(TEST_DATABASE_URL, 'hearth_bench_')
await database.create()
const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`
const env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', PASSWORD_MEMORY_KIB: '4096' }
const keys = await loadSigningKeys({ privateKey: undefined, file: undefined })
const res = await openResources(loadConfig(env), { keys })

try {
  // One app for the setup; then one app per cache setting, over the same database.
  const setup = createApp(createHearth(res))
  const call = async (app: typeof setup, method: string, path: string, token?: string, body?: unknown) => {
    const response = await app.handle(
      new Request(`http://bench${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }),
    )
    const text = await response.text()
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`)
    return text
  }
  const session = JSON.parse(await call(setup, 'POST', '/v1/auth/register', undefined, { username: 'bench_owner', email: 'bench@example.test', password: 'correct horse battery' }))
  const token = session.accessToken as string
  const community = JSON.parse(await call(setup, 'POST', '/v1/communities', token, { name: 'Bench' }))
  await seed(community.id, session.user.id)

  const window = { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' }
  const path = `/v1/communities/${community.id}/occurrences?from=${window.from}&to=${window.to}`
  const run = async (label: string, cacheEntries: number) => {
    const config = loadConfig({ ...env, CALENDAR_CACHE_ENTRIES: String(cacheEntries) })
    const app = createApp(createHearth({ ...res, config }))
    const once = async () => {
      const began = performance.now()
      const text = await call(app, 'GET', path, token)
      return { ms: performance.now() - began, bytes: text.length, count: (text.match(/"originalStart"/g) ?? []).length }
    }
    const first = await once()
    const hist = new Histogram()
    for (let i = 0; i < requests; i++) hist.record((await once()).ms)
    console.log(
      `${label.padEnd(28)} first ${first.ms.toFixed(0).padStart(5)} ms   p50 ${hist.percentile(0.5).toFixed(0).padStart(5)} ms   p99 ${hist
        .percentile(0.99)
        .toFixed(0)
        .padStart(5)} ms   (${first.count.toLocaleString()} occurrences, ${(first.bytes / 1e6).toFixed(1)} MB JSON)`,
    )
  }
  console.log(`${SERIES} weekly series in ${ZONES.length} zones, window ${window.from} .. ${window.to}, ${requests} requests each, GET ${path.split('?')[0]}`)
  await run('no expansion cache', 0)
  await run('expansion cache (warm)', 50_000)
} finally {
  await closeResources(res)
  await database.drop()
}

async function seed(communityId: string, ownerId: string) {
  const rows = []
  for (let i = 0; i < SERIES; i++) {
    const day = 6 + (i % 5) // 6..10 January 2025: Monday..Friday
    const values = {
      id: newId(),
      communityId,
      title: `Series ${i}`,
      startLocal: `2025-01-${String(day).padStart(2, '0')}T${String(8 + (i % 10)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
      timeZone: ZONES[i % ZONES.length]!,
      durationMinutes: 60,
      allDay: false,
      rrule: `FREQ=WEEKLY;BYDAY=${DAYS[i % 5]}`,
      exdates: [],
      rdates: [],
      createdBy: ownerId,
    }
    rows.push({ ...values, ...(await rangeOf(res.db, values)) })
  }
  for (let i = 0; i < rows.length; i += 200) await res.db.insert(eventSeries).values(rows.slice(i, i + 200))
}

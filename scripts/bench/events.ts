// A community's calendar: one year of 1,000 weekly series (five zones, two DST changes
// each) expanded into occurrences, per request — the service call plus the JSON the route
// would send — without the expansion cache and with it (keyed by each series' version).
//   bun scripts/bench/events.ts [--requests 30]
// Needs Postgres (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL); uses a scratch database.
import { loadConfig } from '../../src/config'
import { scratchDatabase } from '../../src/db/scratch'
import { communities, communityMembers, communityOwners, eventSeries, roles, users } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { loadSigningKeys } from '../../src/modules/auth/keys'
import { createEventsFeature } from '../../src/modules/events/feature'
import { rangeOf } from '../../src/modules/events/store'
import { DEFAULT_EVERYONE } from '../../src/modules/permissions/bits'
import { PermissionService } from '../../src/modules/permissions/service'
import { closeResources, openResources } from '../../src/resources'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../test/helpers/app'
import { Histogram } from './stats'

const requests = Number(process.argv[process.argv.indexOf('--requests') + 1]) || 30
const SERIES = 1000
const ZONES = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'Australia/Lord_Howe']
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR']

const database = scratchDatabase(TEST_DATABASE_URL, 'hearth_bench_')
await database.create()
const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`
const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' })
const res = await openResources(config, { keys: await loadSigningKeys({ privateKey: undefined, file: undefined }) })

try {
  const { communityId, ownerId } = await seed()
  const permissions = new PermissionService(res)
  const window = { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' }
  const run = async (label: string, cacheEntries: number) => {
    const feature = createEventsFeature({
      db: res.db,
      log: res.log,
      permissions,
      recordEvent: async () => {},
      notify: async () => {},
      reminderQueue: res.jobs.queues.reminders,
      cacheEntries,
    })
    const once = async () => {
      const began = performance.now()
      const answer = await feature.events.occurrences(ownerId, communityId, window)
      const bytes = JSON.stringify(answer).length
      return { ms: performance.now() - began, count: answer.occurrences.length, bytes }
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
    return feature
  }
  console.log(`${SERIES} weekly series in ${ZONES.length} zones, window ${window.from} .. ${window.to}, ${requests} requests each`)
  await run('no expansion cache', 0)
  const cached = await run('expansion cache (warm)', 50_000)
  console.log(`cache: ${cached.cache.hits.toLocaleString()} hits, ${cached.cache.misses.toLocaleString()} misses`)
} finally {
  await closeResources(res)
  await database.drop()
}

async function seed() {
  const ownerId = newId()
  const communityId = newId()
  await res.db.insert(users).values({ id: ownerId, username: 'bench_owner', email: 'bench@example.test', passwordHash: 'x' })
  await res.db.insert(communities).values({ id: communityId, name: 'Bench', createdBy: ownerId })
  await res.db.insert(roles).values({ id: newId(), communityId, name: 'everyone', permissions: DEFAULT_EVERYONE, position: 0, isDefault: true })
  await res.db.insert(communityMembers).values({ communityId, userId: ownerId })
  await res.db.insert(communityOwners).values({ communityId, userId: ownerId })
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
  return { communityId, ownerId }
}

// Permission checks: warm (cached) checks per second in one process, against the cold
// path (version changed: ACL and member context reloaded from Postgres) on the same data.
//   bun scripts/bench/permissions.ts [--seconds 3]
// Needs Postgres (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL); uses a scratch database.
import { loadConfig } from '../../src/config'
import { communities, communityMembers, groups, memberRoles, overwrites, roles, rooms, users } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { Perm, DEFAULT_EVERYONE } from '../../src/modules/permissions/bits'
import { DomainEvents } from '../../src/domain-events/bus'
import { PermissionService } from '../../src/modules/permissions/service'
import { closeResources, openResources } from '../../src/resources'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../test/helpers/app'
import { scratchDatabase } from '../lib/scratch'
import { loadSigningKeys } from '../../src/modules/auth/keys'

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3
const USERS = 1000
const ROOMS = 200
const GROUPS = 30
const ROLES = 20

const database = scratchDatabase(TEST_DATABASE_URL, 'hearth_bench_')
await database.create()
const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`
const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' })
const res = await openResources(config, { keys: await loadSigningKeys({ privateKey: undefined, file: undefined }) })

try {
  const { communityId, userIds, roomIds } = await seed()
  const service = new PermissionService({ ...res, events: new DomainEvents(res) })
  const pairs = Array.from({ length: 20_000 }, (_, i) => [userIds[i % 100]!, roomIds[(i * 7) % ROOMS]!] as const)

  // Warm every pair once, then measure.
  await Promise.all(pairs.map(([u, r]) => service.inRoom(u, r)))
  const warm = await measure(seconds, 1000, (i) => {
    const [u, r] = pairs[i % pairs.length]!
    return service.inRoom(u, r)
  })

  // Cold: every check first sees a new version, so it reloads everything it needs.
  const coldRuns = 200
  const coldStart = performance.now()
  for (let i = 0; i < coldRuns; i++) {
    await service.versions.bump([communityId])
    const [u, r] = pairs[i % pairs.length]!
    await service.inRoom(u, r)
  }
  const coldMs = (performance.now() - coldStart) / coldRuns

  // A new user in a warm community: ACL cached, member context and answer not.
  const userRuns = 500
  const userStart = performance.now()
  for (let i = 0; i < userRuns; i++) await service.inRoom(userIds[100 + i]!, roomIds[i % ROOMS]!)
  const newUserMs = (performance.now() - userStart) / userRuns

  const coldPerSecond = 1000 / coldMs
  console.log(`community: ${USERS} members, ${GROUPS} groups (3 deep), ${ROOMS} rooms, ${ROLES} roles, overwrites on every group`)
  console.log(`warm checks/s (1000 in flight, ${seconds}s): ${Math.round(warm).toLocaleString()}`)
  console.log(`cold check (version changed, ACL + member reloaded): ${coldMs.toFixed(2)} ms  (${Math.round(coldPerSecond)}/s)`)
  console.log(`first check of a user in a warm community: ${newUserMs.toFixed(2)} ms`)
  console.log(`ratio warm/cold: ${(warm / coldPerSecond).toFixed(0)}x`)
} finally {
  await closeResources(res)
  await database.drop()
}

async function measure(secs: number, inFlight: number, check: (i: number) => Promise<unknown>) {
  let done = 0
  let next = 0
  const deadline = performance.now() + secs * 1000
  const start = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        await check(next++)
        done++
      }
    }),
  )
  return done / ((performance.now() - start) / 1000)
}

async function seed() {
  const db = res.db
  const communityId = newId()
  const hash = await Bun.password.hash('not used in this benchmark', { algorithm: 'argon2id', memoryCost: 1024, timeCost: 1 })
  const userIds = Array.from({ length: USERS }, () => newId())
  for (let i = 0; i < USERS; i += 500) {
    await db.insert(users).values(
      userIds.slice(i, i + 500).map((id, j) => ({ id, username: `u${i + j}`, email: `u${i + j}@bench.test`, passwordHash: hash })),
    )
  }
  await db.insert(communities).values({ id: communityId, name: 'bench', createdBy: userIds[0] })
  for (let i = 0; i < USERS; i += 500) {
    await db.insert(communityMembers).values(userIds.slice(i, i + 500).map((userId) => ({ communityId, userId })))
  }
  const everyone = newId()
  const roleIds = Array.from({ length: ROLES }, () => newId())
  await db.insert(roles).values([
    { id: everyone, communityId, name: 'everyone', permissions: DEFAULT_EVERYONE, position: 0, isDefault: true },
    ...roleIds.map((id, i) => ({ id, communityId, name: `r${i}`, permissions: Perm.manage_messages | Perm.pin_messages, position: i + 1 })),
  ])
  await db.insert(memberRoles).values(userIds.flatMap((userId, i) => [
    { communityId, userId, roleId: roleIds[i % ROLES]! },
    { communityId, userId, roleId: roleIds[(i * 3) % ROLES]! },
  ]).filter((v, i, all) => all.findIndex((o) => o.userId === v.userId && o.roleId === v.roleId) === i))
  // Three levels: 10 top groups, each with a child, each with a grandchild.
  const groupIds: string[] = []
  for (let i = 0; i < GROUPS; i++) {
    const id = newId()
    const parentId = i < 10 ? null : groupIds[i - 10]!
    await db.insert(groups).values({ id, communityId, parentId, name: `g${i}` })
    groupIds.push(id)
  }
  const roomIds = Array.from({ length: ROOMS }, () => newId())
  await db.insert(rooms).values(roomIds.map((id, i) => ({ id, communityId, groupId: groupIds[i % GROUPS]!, kind: 'text' as const, name: `room${i}` })))
  await db.insert(overwrites).values(
    groupIds.flatMap((groupId, i) => [
      { id: newId(), communityId, groupId, subjectKind: 'role' as const, subjectId: everyone, allow: 0n, deny: i % 3 === 0 ? Perm.send : 0n },
      { id: newId(), communityId, groupId, subjectKind: 'role' as const, subjectId: roleIds[i % ROLES]!, allow: Perm.send, deny: 0n },
    ]),
  )
  return { communityId, userIds, roomIds }
}

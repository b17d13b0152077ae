// What automod costs a send: a community with 1,000 keywords and 10 patterns against one with
// no rules, side by side.
//
//   bun scripts/bench/automod.ts [--messages 20000] [--concurrency 256] [--rooms 100]
//
// 1. CPU per message of the check itself (normalise + keywords + patterns + links), in-process.
// 2. Acked sends per second through the room actors (group commit to Postgres, as
//    scripts/bench/actors.ts), each send first checked by `Automod.check` (which reads the rules
//    version from Redis), for no automod, a community without rules, and one with the rules.
// Uses a scratch database on BENCH_DATABASE_URL (default: the local test server), dropped after,
// and Redis at BENCH_REDIS_URL under a scratch prefix.
import { parseArgs } from 'node:util'
import { scratchDatabase } from '../../src/db/scratch'
import { RoomHost, type RoomResources } from '../../rooms'
import { loadConfig } from '../../src/config'
import { openDatabase } from '../../src/db/client'
import { automodRules, communities, users } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { createLogger } from '../../src/lib/log'
import { Redis } from '../../src/lib/redis'
import { compileRules, evaluate, type RuleDef } from '../../src/modules/moderation/automod'
import { countMentions, findLinks } from '../../src/modules/moderation/links'
import { foldText, normalize } from '../../src/modules/moderation/normalize'
import { PermissionService } from '../../src/modules/permissions/service'
import { Automod } from '../../src/modules/moderation/screen'

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '256' },
    rooms: { type: 'string', default: '100' },
  },
})
const total = Number(args.messages)
const concurrency = Number(args.concurrency)
const roomCount = Number(args.rooms)
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

// A seeded generator, so every run checks the same texts against the same rules.
let seed = 42
const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!

const WORDS = (
  'the a to and of is in it you that for on with this was are have be at not but what all we can do so if just ' +
  'like about out up there when one they get will how your would time know think good people see now well back ' +
  'game play match tonight weekend server update build patch bug fix crash settings anyone help thanks please ' +
  'really great idea lol maybe tomorrow meeting channel voice stream link video music new release version'
).split(' ')

function message(): string {
  const words = 4 + Math.floor(random() * 30)
  const out: string[] = []
  for (let i = 0; i < words; i++) out.push(pick(WORDS))
  if (random() < 0.05) out.push('https://example.com/page')
  if (random() < 0.05) out.push('@someone')
  return out.join(' ')
}

function keywordTerms(): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  const terms = new Set<string>(['fuck', 'shit', 'cunt', 'slut*', 'n*gger', 'bitch', 'whore', 'fag*'])
  while (terms.size < 1000) {
    let w = ''
    const length = 4 + Math.floor(random() * 7)
    for (let i = 0; i < length; i++) w += pick([...letters])
    terms.add(random() < 0.1 ? `${w}*` : w)
  }
  return [...terms]
}

const PATTERNS = [
  'buy\\s+cheap\\s+\\w+',
  'free\\s+(money|crypto|nitro)',
  '\\b\\d{3}-\\d{3}-\\d{4}\\b',
  'discord\\.gg/\\w+',
  '(?:https?://)?bit\\.ly/\\S+',
  'click\\s+here\\s+to',
  'w+h+a+t+s+a+p+p',
  '[a-z0-9._%+-]+@[a-z0-9-]+\\.[a-z]{2,}',
  'send\\s+me\\s+\\$?\\d+',
  'crypto\\s*giveaway',
]

function rules(): RuleDef[] {
  const common = { exemptRoles: [], exemptRooms: [], dryRun: false, action: { kind: 'block' as const } }
  return [
    { id: newId(), name: 'Words', trigger: { kind: 'keywords', terms: keywordTerms(), allow: ['scunthorpe'] }, ...common },
    { id: newId(), name: 'Spam', trigger: { kind: 'regex', patterns: PATTERNS }, ...common },
  ]
}

/** Microseconds of CPU per message for the pure check. */
function cpuPerMessage(defs: RuleDef[], texts: string[]): number {
  const compiled = compileRules(defs)
  const empty = new Set<never>()
  const run = (text: string) => {
    if (!compiled.active) return
    const links = compiled.links.length ? findLinks(foldText(text)) : []
    evaluate(compiled, { text: normalize(text), links, ownInvites: empty, mentions: compiled.mentions.length ? countMentions(text) : 0, flooded: empty })
  }
  for (let i = 0; i < 20_000; i++) run(texts[i % texts.length]!)
  const rounds = 200_000
  const started = performance.now()
  for (let i = 0; i < rounds; i++) run(texts[i % texts.length]!)
  return ((performance.now() - started) * 1000) / rounds
}

async function drive(send: (roomId: string, authorId: string, nonce: string, body: string) => Promise<unknown>, rooms: string[], authors: string[], texts: string[]) {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = next++; i < total; i = next++) {
        await send(rooms[i % rooms.length]!, authors[worker % authors.length]!, `b${i}`, texts[i % texts.length]!)
      }
    }),
  )
  return total / ((performance.now() - started) / 1000)
}

async function main() {
  const texts = Array.from({ length: 2000 }, message)
  const defs = rules()
  const none = cpuPerMessage([], texts)
  const full = cpuPerMessage(defs, texts)
  const avgChars = Math.round(texts.reduce((n, t) => n + t.length, 0) / texts.length)

  const database = scratchDatabase(serverUrl, 'hearth_bench_')
  await database.create()
  const handle = await openDatabase({ url: database.url, dataDir: '', poolSize: 20 })
  const log = createLogger('warn')
  const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`
  const redis = await new Redis({ url: redisUrl, prefix, log }).connect()
  try {
    await handle.migrate()
    const db = handle.db
    const resources: RoomResources = { db, log, config: loadConfig({ NODE_ID: 'bench' }) }
    const authors = Array.from({ length: 256 }, () => newId())
    await db.insert(users).values(authors.map((id) => ({ id, username: `b_${id.slice(-12)}`, email: `${id}@bench.test`, passwordHash: 'x' })))
    const plain = newId()
    const ruled = newId()
    await db.insert(communities).values([{ id: plain, name: 'no rules' }, { id: ruled, name: 'rules' }])
    await db.insert(automodRules).values(defs.map((d) => ({ id: d.id, communityId: ruled, name: d.name, trigger: d.trigger, action: d.action })))
    const permissions = new PermissionService({ db, redis, log })
    const automod = new Automod({ db, redis, log, permissions, recordEvent: async () => {} })

    // The service's check itself, one at a time: what a send waits for when the rules are cached.
    const checkMicros = async (communityId: string) => {
      const rounds = 50_000
      for (let i = 0; i < 5000; i++) await automod.check({ communityId, authorId: authors[0]!, text: texts[i % texts.length]! })
      const started = performance.now()
      for (let i = 0; i < rounds; i++) await automod.check({ communityId, authorId: authors[0]!, text: texts[i % texts.length]! })
      return ((performance.now() - started) * 1000) / rounds
    }
    const serviceEmpty = await checkMicros(plain)
    const serviceRuled = await checkMicros(ruled)

    const run = async (communityId: string | null) => {
      const host = new RoomHost(resources)
      const rooms = Array.from({ length: roomCount }, () => newId())
      const cpu = process.cpuUsage()
      const perSecond = await drive(
        async (roomId, authorId, nonce, body) => {
          if (communityId) {
            const verdict = await automod.check({ communityId, roomId, authorId, text: body })
            if (verdict.verdict !== 'allow') return
          }
          await host.send({ type: 'send', roomId, authorId, nonce, body })
        },
        rooms,
        authors,
        texts,
      )
      const used = process.cpuUsage(cpu)
      await host.stop()
      return { perSecond: Math.round(perSecond), cpuMicros: (used.user + used.system) / total }
    }
    // Warm up the pool and the JIT, then alternate so drift on a shared box hits all three alike.
    await run(null)
    type Run = { perSecond: number; cpuMicros: number }
    const results = { none: [] as Run[], empty: [] as Run[], ruled: [] as Run[] }
    for (let round = 0; round < 3; round++) {
      results.none.push(await run(null))
      results.empty.push(await run(plain))
      results.ruled.push(await run(ruled))
    }
    const best = (xs: Run[]) => Math.max(...xs.map((x) => x.perSecond))
    const leastCpu = (xs: Run[]) => Math.min(...xs.map((x) => x.cpuMicros))
    console.log(`\nCheck CPU per message (${texts.length} texts, ${avgChars} characters on average, 200k checks):`)
    console.log('| rules | µs per message |')
    console.log('|---|---:|')
    console.log(`| none | ${none.toFixed(2)} |`)
    console.log(`| 1,000 keywords + 10 patterns | ${full.toFixed(2)} |`)
    console.log(`\nAutomod.check (the service method, rules cached), µs per call: no rules ${serviceEmpty.toFixed(2)}, 1,000 keywords + 10 patterns ${serviceRuled.toFixed(2)}`)
    console.log(`\nAcked sends/s through the room actors, ${total} sends, ${concurrency} in flight, ${roomCount} rooms, best of 3;`)
    console.log('CPU is this process\'s (user + system) per send, least of 3 (Postgres runs in its own processes):')
    console.log('| run | sends/s | vs no automod | app CPU µs per send | vs no automod |')
    console.log('|---|---:|---:|---:|---:|')
    const base = best(results.none)
    const baseCpu = leastCpu(results.none)
    for (const [name, xs] of [['no automod', results.none], ['automod, community without rules', results.empty], ['automod, 1,000 keywords + 10 patterns', results.ruled]] as const) {
      const cpu = leastCpu(xs)
      console.log(`| ${name} | ${best(xs)} | ${((best(xs) / base) * 100).toFixed(1)}% | ${cpu.toFixed(1)} | +${(((cpu - baseCpu) / baseCpu) * 100).toFixed(1)}% |`)
    }
    console.log(`runs: ${JSON.stringify(results)}`)
  } finally {
    for await (const keys of redis.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) await redis.client.del(keys)
    await redis.close()
    await handle.close()
    await database.drop()
  }
}

await main()

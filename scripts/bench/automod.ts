// What automod costs a send: a community with 1,000 keywords and 10 patterns against one with
// no rules, side by side.
//
//   bun scripts/bench/automod.ts [--messages 10000] [--concurrency 256] [--rooms 100] [--rounds 3]
//
// 1. CPU per message of the check itself (normalise + keywords + patterns + links), in-process.
// 2. `Automod.check` (the service method, rules cached), µs per call.
// 3. Durable sends per second through the real send path: the whole app (createHearth, every
//    feature of src/features.ts, the outbox relay running), each send `MessageService.send` as
//    REST and the WebSocket call it — permission check, mentions, `automod.screen`, the room
//    actor's group commit to Postgres, then `committed`. Members (not owners: they are exempt)
//    write into 100 rooms of a community without rules and of one with the rules, alternating.
// Uses a scratch database on BENCH_DATABASE_URL (default: the local test server), dropped after,
// and Redis at BENCH_REDIS_URL under a scratch prefix.
import { parseArgs } from 'node:util'
import { createApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import { createHearth } from '../../src/hearth'
import { newId } from '../../src/lib/ids'
import { loadSigningKeys } from '../../src/modules/auth/keys'
import { compileRules, evaluate, type RuleDef } from '../../src/modules/moderation/automod'
import { countMentions, findLinks } from '../../src/modules/moderation/links'
import { foldText, normalize } from '../../src/modules/moderation/normalize'
import { closeResources, openResources } from '../../src/resources'
import { HttpClient, registerUser } from '../../test/helpers/http'
import { scratchDatabase } from '../lib/scratch'

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '256' },
    rooms: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
  },
})
const total = Number(args.messages)
const concurrency = Number(args.concurrency)
const roomCount = Number(args.rooms)
const rounds = Number(args.rounds)
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

const ok = (res: { status: number; body: any }, status: number, what: string) => {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

async function main() {
  const texts = Array.from({ length: 2000 }, message)
  const defs = rules()
  const none = cpuPerMessage([], texts)
  const full = cpuPerMessage(defs, texts)
  const avgChars = Math.round(texts.reduce((n, t) => n + t.length, 0) / texts.length)

  const database = scratchDatabase(serverUrl, 'hearth_bench_')
  await database.create()
  const prefix = `bench:${crypto.randomUUID().slice(0, 8)}:`
  const config = loadConfig({
    NODE_ID: 'bench',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    PASSWORD_MEMORY_KIB: '1024',
    RATE_AUTH_PER_IP: '1000000/60',
    RATE_WRITES_PER_USER: '1000000/60',
    RATE_READS_PER_USER: '1000000/60',
  })
  const res = await openResources(config, { keys: await loadSigningKeys({ privateKey: undefined, file: undefined }) })
  const hearth = createHearth(res)
  await hearth.start()
  const server = createApp(hearth).listen({ port: 0, hostname: '127.0.0.1' })
  try {
    // The world, through the public API: an owner, 64 members, two communities of `roomCount` rooms.
    const http = new HttpClient(`http://127.0.0.1:${server.server!.port}`)
    const owner = await registerUser(http)
    const as = { token: owner.accessToken }
    const members = await Promise.all(Array.from({ length: 64 }, () => registerUser(http)))
    const community = async (name: string) => {
      const c = ok(await http.post('/v1/communities', { name }, as), 201, 'community')
      const invite = ok(await http.post(`/v1/communities/${c.id}/invites`, {}, as), 201, 'invite')
      for (const m of members) ok(await http.post(`/v1/invites/${invite.code}/accept`, undefined, { token: m.accessToken }), 200, 'join')
      const rooms: string[] = []
      for (let i = 0; i < roomCount; i++) rooms.push(ok(await http.post(`/v1/communities/${c.id}/rooms`, { name: `r${i}` }, as), 201, 'room').id)
      return { id: c.id as string, rooms }
    }
    const plain = await community('no rules')
    const ruled = await community('rules')
    for (const d of defs) {
      ok(await http.post(`/v1/communities/${ruled.id}/automod/rules`, { name: d.name, trigger: d.trigger, action: d.action }, as), 201, 'rule')
    }
    const authors = members.map((m) => m.id)
    const automod = hearth.api('automod')
    const messages = hearth.api('messages')

    // The service's check itself, one at a time: what a send waits for when the rules are cached.
    const checkMicros = async (communityId: string) => {
      const n = 20_000
      for (let i = 0; i < 2000; i++) await automod.check({ communityId, authorId: authors[0]!, text: texts[i % texts.length]! })
      const started = performance.now()
      for (let i = 0; i < n; i++) await automod.check({ communityId, authorId: authors[0]!, text: texts[i % texts.length]! })
      return ((performance.now() - started) * 1000) / n
    }
    const serviceEmpty = await checkMicros(plain.id)
    const serviceRuled = await checkMicros(ruled.id)

    let round = 0
    const run = async (place: { rooms: string[] }) => {
      const tag = `r${round++}-`
      let refused = 0
      const cpu = process.cpuUsage()
      const perSecond = await drive(
        async (roomId, authorId, nonce, body) => {
          try {
            await messages.send(authorId, roomId, { nonce: tag + nonce, body })
          } catch (err) {
            if ((err as { code?: string }).code !== 'automod_blocked') throw err
            refused++
          }
        },
        place.rooms,
        authors,
        texts,
      )
      const used = process.cpuUsage(cpu)
      return { perSecond: Math.round(perSecond), cpuMicros: (used.user + used.system) / total, refused }
    }
    // Warm up the pools, caches and the JIT, then alternate so drift on a shared box hits both alike.
    await run(plain)
    await run(ruled)
    type Run = Awaited<ReturnType<typeof run>>
    const results = { off: [] as Run[], on: [] as Run[] }
    for (let r = 0; r < rounds; r++) {
      results.off.push(await run(plain))
      results.on.push(await run(ruled))
    }
    const sorted = (xs: Run[]) => xs.map((x) => x.perSecond).sort((a, b) => a - b)
    const best = (xs: Run[]) => Math.max(...sorted(xs))
    const median = (xs: Run[]) => sorted(xs)[Math.floor(xs.length / 2)]!
    const leastCpu = (xs: Run[]) => Math.min(...xs.map((x) => x.cpuMicros))
    console.log(`\nCheck CPU per message (${texts.length} texts, ${avgChars} characters on average, 200k checks):`)
    console.log('| rules | µs per message |')
    console.log('|---|---:|')
    console.log(`| none | ${none.toFixed(2)} |`)
    console.log(`| 1,000 keywords + 10 patterns | ${full.toFixed(2)} |`)
    console.log(`\nAutomod.check (the service method, rules cached), µs per call: no rules ${serviceEmpty.toFixed(2)}, 1,000 keywords + 10 patterns ${serviceRuled.toFixed(2)}`)
    console.log(`\nDurable sends/s through MessageService.send (the whole app), ${total} sends per run, ${concurrency} in flight, ${roomCount} rooms, ${rounds} runs each, alternating;`)
    console.log("CPU is this process's (user + system) per send, least of the runs (Postgres and Redis run in their own processes):")
    console.log('| rules | best sends/s | median sends/s | best vs off | median vs off | app CPU µs per send | refused |')
    console.log('|---|---:|---:|---:|---:|---:|---:|')
    for (const [name, xs] of [['off (community without rules)', results.off], ['on (1,000 keywords + 10 patterns)', results.on]] as const) {
      const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)}%`
      console.log(
        `| ${name} | ${best(xs)} | ${median(xs)} | ${pct(best(xs), best(results.off))} | ${pct(median(xs), median(results.off))} | ${leastCpu(xs).toFixed(1)} | ${xs.reduce((n, x) => n + x.refused, 0)} |`,
      )
    }
    console.log(`runs: ${JSON.stringify(results)}`)
  } finally {
    await hearth.stop()
    await server.stop(true)
    for await (const keys of res.redis.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) await res.redis.client.del(keys)
    await closeResources(res)
    await database.drop()
  }
}

await main()

// `bun run bench`: the raw Bun ceiling, Hearth and Socket.IO side by side on loopback, each
// server in its own process, the load from another; writes BENCHMARKS.md, bench-chart.svg
// and bench-results.json at the repository root.
//
//   bun run bench [--quick] [--scenario 1|2|3|4] [--systems raw,hearth,socketio] [--socketio-runtime node|bun]
import { parseArgs } from 'node:util'
import { join } from 'node:path'
import type { System } from './clients'
import { HearthUnderTest, REDIS_URL } from './hearth'
import type { DurableResult, FanoutResult, Job, MemoryResult, RoomsResult, Target } from './loadgen-protocol'
import { freePort, runLoadgen, startServer, type ServerProcess } from './processes'
import { collectEnvironment, writeReports, type Outcome } from './report'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string', multiple: true },
    systems: { type: 'string', default: 'raw,hearth,socketio' },
    'socketio-runtime': { type: 'string' },
    out: { type: 'string', default: join(import.meta.dir, '../..') },
  },
})

const quick = args.quick!
const scenarios = (args.scenario?.length ? args.scenario.flatMap((s) => s.split(',')) : ['1', '2', '3', '4']).map(Number)
const systems = args.systems!.split(',') as System[]
const nodeOnPath = Bun.which('node') !== null
const socketIoRuntime = args['socketio-runtime'] ?? (nodeOnPath ? 'node' : 'bun')
const budgetMs = (quick ? 4 : 10) * 60_000
const startedAt = Date.now()
const remainingMs = () => budgetMs - (Date.now() - startedAt)

const plan = {
  fanout: {
    subscribers: 1000,
    senders: 10,
    rates: quick ? [10, 25, 50, 100, 200, 400] : [5, 10, 15, 20, 30, 40, 50, 65, 80, 100, 130, 160, 200, 250, 320, 400, 500, 650, 800, 1000, 1250, 1600],
    stepSeconds: quick ? 1.5 : 2.5,
    warmupSeconds: quick ? 1 : 2,
    p99LimitMs: 50,
  },
  rooms: { rooms: 500, membersPerRoom: 10, messagesPerSecond: 1000, seconds: quick ? 3 : 9, rounds: quick ? 2 : 3 },
  memory: { connections: 10_000, settleSeconds: quick ? 2 : 4 },
  durable: { connections: 100, window: 8, seconds: quick ? 3 : 8 },
  hearthUsers: 1000,
}

const log = (line: string) => process.stderr.write(`[${Math.round((Date.now() - startedAt) / 1000)}s] ${line}\n`)

async function startSystem(system: System, hearth: HearthUnderTest | undefined): Promise<ServerProcess> {
  if (system === 'hearth') return hearth!.start()
  const port = freePort()
  if (system === 'raw') return startServer({ name: 'raw', cmd: ['bun', join(import.meta.dir, 'servers/raw.ts')], env: {}, port })
  return startServer({
    name: 'socketio',
    cmd: [socketIoRuntime, join(import.meta.dir, 'servers/socketio.mjs')],
    env: { REDIS_URL, CHANNEL_PREFIX: `bench-sio-${port}` },
    port,
  })
}

function targetOf(system: System, server: ServerProcess, hearth: HearthUnderTest | undefined, rooms: number, from = 0): Target {
  const isHearth = system === 'hearth'
  return {
    system,
    baseUrl: server.baseUrl,
    serverPid: server.pid,
    tokens: isHearth ? hearth!.world.tokens : [''],
    roomIds: isHearth ? hearth!.world.roomIds.slice(from, from + rooms) : Array.from({ length: rooms }, (_, i) => `room-${from + i}`),
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/** Scenarios 1 and 2: every system's server up at once, one generator drives them turn by turn. */
async function sideBySide(scenario: 1 | 2, hearth: HearthUnderTest | undefined): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  const servers: ServerProcess[] = []
  try {
    const targets: Target[] = []
    for (const system of systems) {
      try {
        const server = await startSystem(system, hearth)
        servers.push(server)
        targets.push(targetOf(system, server, hearth, scenario === 1 ? 1 : plan.rooms.rooms))
      } catch (err) {
        log(`  ${system} did not start: ${message(err)}`)
        outcomes.push({ scenario, system, error: message(err) })
      }
    }
    if (!targets.length) return outcomes
    const job: Job = scenario === 1 ? { scenario: 'fanout', targets, ...plan.fanout } : { scenario: 'rooms', targets, ...plan.rooms }
    try {
      for (const result of await runLoadgen(job, Math.max(10_000, remainingMs()))) outcomes.push({ scenario, system: result.system, result })
    } catch (err) {
      for (const t of targets) outcomes.push({ scenario, system: t.system, error: message(err) })
    }
    return outcomes
  } finally {
    for (const server of servers) await server.stop()
  }
}

/** Scenarios 3 and 4: one system at a time, on a fresh server process. */
async function oneByOne(scenario: 3 | 4, hearth: HearthUnderTest | undefined): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (const system of systems) {
    if (scenario === 4 && system !== 'hearth') continue
    if (remainingMs() < 20_000) {
      outcomes.push({ scenario, system, error: 'skipped: the run reached its time bound' })
      continue
    }
    log(`scenario ${scenario}: ${system}`)
    let server: ServerProcess | undefined
    try {
      server = await startSystem(system, hearth)
      const base = { system, baseUrl: server.baseUrl, serverPid: server.pid, tokens: targetOf(system, server, hearth, 0).tokens }
      const jobs: Job[] =
        scenario === 3
          ? [{ ...base, scenario: 'memory', ...plan.memory }]
          : [1, 100].map((rooms) => ({ ...base, scenario: 'durable' as const, roomIds: targetOf(system, server!, hearth, rooms, 1).roomIds, ...plan.durable }))
      for (const job of jobs) {
        for (const result of await runLoadgen(job, Math.max(10_000, remainingMs()))) outcomes.push({ scenario, system, result })
      }
    } catch (err) {
      log(`  ${system} failed: ${message(err)}`)
      outcomes.push({ scenario, system, error: message(err) })
    } finally {
      await server?.stop()
    }
  }
  return outcomes
}

async function main() {
  const environment = await collectEnvironment(socketIoRuntime)
  log(`hearth bench: scenarios ${scenarios.join(',')}, systems ${systems.join(',')}, ${quick ? 'quick' : 'full'} run, budget ${budgetMs / 60_000} min`)
  log(`load average ${environment.loadavgBefore}; Socket.IO runs on ${socketIoRuntime}`)
  const outcomes: Outcome[] = []
  let hearth: HearthUnderTest | undefined
  try {
    if (systems.includes('hearth')) {
      hearth = new HearthUnderTest()
      const setup = await hearth.setup({ users: plan.hearthUsers, rooms: plan.rooms.rooms + 1 })
      log(`hearth: ${plan.hearthUsers} users, ${plan.rooms.rooms + 1} rooms set up in ${setup.seconds.toFixed(1)} s`)
    }
    for (const scenario of scenarios) {
      if (remainingMs() < 20_000) {
        for (const system of systems) {
          if (scenario !== 4 || system === 'hearth') outcomes.push({ scenario, system, error: 'skipped: the run reached its time bound' })
        }
        continue
      }
      if (scenario === 1 || scenario === 2) {
        log(`scenario ${scenario}: ${systems.join(', ')} side by side`)
        outcomes.push(...(await sideBySide(scenario, hearth)))
      } else if (scenario === 3 || scenario === 4) {
        outcomes.push(...(await oneByOne(scenario, hearth)))
      }
    }
  } finally {
    await hearth?.destroy().catch((err) => log(`hearth cleanup failed: ${err}`))
  }
  const written = await writeReports({ outDir: args.out!, environment, outcomes, quick, scenarios, seconds: (Date.now() - startedAt) / 1000, plan })
  log(`wrote ${written.join(', ')}`)
  printSummary(outcomes)
}

function printSummary(outcomes: Outcome[]) {
  for (const o of outcomes) {
    if (o.error) {
      log(`  ${o.scenario} ${o.system}: ${o.error}`)
      continue
    }
    const r = o.result!
    const figure =
      r.scenario === 'fanout'
        ? `${(r as FanoutResult).bestDeliveriesPerSecond} deliveries/s`
        : r.scenario === 'rooms'
          ? `p50 ${(r as RoomsResult).latency.p50} ms, p99 ${(r as RoomsResult).latency.p99} ms`
          : r.scenario === 'memory'
            ? `${(r as MemoryResult).perConnectionKb} KB/connection`
            : `${(r as DurableResult).ackedPerSecond} acked/s into ${(r as DurableResult).rooms} room(s)`
    log(`  ${o.scenario} ${o.system}: ${figure}`)
  }
}

await main()
process.exit(0)

// `bun run bench`: the raw Bun ceiling, Hearth, Socket.IO, NATS JetStream and ejabberd side
// by side on loopback, each server in its own process, the load from several others; writes
// BENCHMARKS.md at the repository root, and bench-results.json and bench-chart.svg in
// scripts/bench/results/. NATS and ejabberd are optional: when one is not installed the run
// says how to install it and goes on without it.
//
//   bun run bench [--quick] [--scenario 1|2|3|4] [--systems raw,hearth,socketio,nats,ejabberd] [--socketio-runtime node|bun]
//                 [--baseline <checkout dir> --baseline-label <what it lacks>]   (adds Hearth from that checkout, side by side)
//                 [--cpu-rounds N]   (scenario 1's CPU phase; more rounds for a profile of the steady state)
//                 [--rooms-rounds N --rooms-seconds S]   (scenario 2: N rounds of S seconds per system)
import { parseArgs } from 'node:util'
import { join } from 'node:path'
import type { System } from './clients'
import { HearthUnderTest, REDIS_URL } from './hearth'
import { EjabberdUnderTest, PeerMissing, startNats } from './peers'
import type { DurableResult, FanoutResult, Job, MemoryResult, RoomsResult, Target } from './loadgen-protocol'
import { freePort, runLoadgen, Settler, startServer, type ServerProcess } from './processes'
import { collectEnvironment, RAMP_LIMIT, writeReports, type Outcome } from './report'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string', multiple: true },
    systems: { type: 'string', default: 'raw,hearth,socketio,nats,ejabberd' },
    'socketio-runtime': { type: 'string' },
    /** Where BENCHMARKS.md goes; the data (json, svg) goes to results/ beside this script unless --results. */
    out: { type: 'string', default: join(import.meta.dir, '../..') },
    results: { type: 'string', default: join(import.meta.dir, 'results') },
    baseline: { type: 'string' },
    /** Rounds of scenario 1's CPU phase (3; more for a profile of the steady state). */
    'cpu-rounds': { type: 'string' },
    /** Scenario 2's rounds and the seconds of each (7 of 5). */
    'rooms-rounds': { type: 'string' },
    'rooms-seconds': { type: 'string' },
    'baseline-label': { type: 'string', default: 'baseline' },
  },
})

/** A numeric option, or its default; anything else than a positive (integer) number stops the run with one line. */
function numberArg(name: 'cpu-rounds' | 'rooms-rounds' | 'rooms-seconds', fallback: number, integer = true): number {
  const raw = args[name]
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    process.stderr.write(`--${name} ${raw}: a positive ${integer ? 'whole ' : ''}number, please\n`)
    process.exit(2)
  }
  return n
}

const quick = args.quick!
const scenarioArgs = args.scenario?.length ? args.scenario.flatMap((s) => s.split(',')) : ['1', '2', '3', '4']
for (const s of scenarioArgs) {
  if (!['1', '2', '3', '4'].includes(s.trim())) {
    process.stderr.write(`--scenario ${s}: one of 1, 2, 3, 4, please\n`)
    process.exit(2)
  }
}
const scenarios = scenarioArgs.map(Number)
const roomsRounds = numberArg('rooms-rounds', quick ? 2 : 8)
const roomsSeconds = numberArg('rooms-seconds', quick ? 1.5 : 5, false)
const systems = [...(args.systems!.split(',') as System[]), ...(args.baseline ? (['baseline'] as System[]) : [])]
const nodeOnPath = Bun.which('node') !== null
const socketIoRuntime = args['socketio-runtime'] ?? (nodeOnPath ? 'node' : 'bun')
const budgetMs = (quick ? 6 : 20) * 60_000
const startedAt = Date.now()
const remainingMs = () => budgetMs - (Date.now() - startedAt)

/** Which systems each scenario runs (Socket.IO, raw and NATS keep nothing for scenario 4 to compare but NATS's stream). */
const SCENARIO_SYSTEMS: Record<number, System[]> = {
  1: ['raw', 'hearth', 'baseline', 'socketio', 'nats', 'ejabberd'],
  2: ['raw', 'hearth', 'baseline', 'socketio', 'ejabberd'],
  3: ['raw', 'hearth', 'baseline', 'socketio'],
  4: ['hearth', 'baseline', 'nats'],
}
const WORKERS = 4

const plan = {
  fanout: {
    workers: WORKERS,
    subscribers: 1000,
    senders: 10,
    cpuRates: [10, 40],
    cpuRounds: numberArg('cpu-rounds', quick ? 2 : 5),
    cpuStepSeconds: quick ? 2 : 3,
    rates: quick ? [25, 50, 100, 200, 400] : [20, 30, 50, 80, 130, 200, 320, 500, 650, 800, 1000, 1250, 1600, 2000, 2500, 3200],
    stepSeconds: quick ? 1.5 : 2.5,
    warmupSeconds: quick ? 1 : 2,
    rampLimit: RAMP_LIMIT,
  },
  rooms: {
    workers: WORKERS,
    rooms: 500,
    membersPerRoom: 10,
    messagesPerSecond: 1000,
    rounds: roomsRounds,
    seconds: roomsRounds * roomsSeconds,
    extraRounds: quick ? 0 : 4,
  },
  memory: { connections: 10_000, settleSeconds: quick ? 2 : 4 },
  durable: { connections: 100, window: 8, seconds: quick ? 3 : 4 },
  /** Scenario 4's rounds: every system's server stays up, their runs interleaved round by round. */
  durableRounds: quick ? 2 : 7,
  hearthUsers: 1000,
}

/** Rooms of one Hearth: the big room of scenarios 1 and 4, then scenario 2's. */
const ROOMS_PER_HEARTH = plan.rooms.rooms + 1

const log = (line: string) => process.stderr.write(`[${Math.round((Date.now() - startedAt) / 1000)}s] ${line}\n`)

interface World {
  hearth?: HearthUnderTest
  ejabberd?: EjabberdUnderTest
  /** Peers found missing (or broken) at setup, with why. */
  missing: Partial<Record<System, string>>
}

async function startSystem(system: System, world: World): Promise<ServerProcess> {
  const missing = world.missing[system]
  if (missing) throw new PeerMissing(missing)
  if (system === 'hearth') return world.hearth!.start()
  if (system === 'baseline') return world.hearth!.start({ root: args.baseline! })
  if (system === 'nats') return startNats()
  if (system === 'ejabberd') return world.ejabberd!.start()
  const port = freePort()
  if (system === 'raw') return startServer({ name: 'raw', cmd: ['bun', join(import.meta.dir, 'servers/raw.ts')], env: {}, port })
  return startServer({
    name: 'socketio',
    cmd: [socketIoRuntime, join(import.meta.dir, 'servers/socketio.mjs')],
    env: { REDIS_URL, CHANNEL_PREFIX: `bench-sio-${port}` },
    port,
  })
}

function targetOf(system: System, server: ServerProcess, world: World, rooms: number, from = 0): Target {
  const hearth = system === 'hearth' || system === 'baseline' ? world.hearth! : undefined
  // The baseline has rooms of its own: two owners of one room would fence each other off.
  if (system === 'baseline') from += ROOMS_PER_HEARTH
  return {
    system,
    baseUrl: server.baseUrl,
    serverPid: server.pid,
    ...(hearth ? { postgresDatabase: hearth.databaseName } : {}),
    tokens: hearth ? hearth.world.tokens : system === 'ejabberd' ? world.ejabberd!.users : [''],
    roomIds: hearth ? hearth.world.roomIds.slice(from, from + rooms) : Array.from({ length: rooms }, (_, i) => `room-${from + i}`),
  }
}

const runs = (scenario: number) => systems.filter((s) => SCENARIO_SYSTEMS[scenario]!.includes(s))

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/** Scenarios 1 and 2: every system's server up at once, one generator drives them turn by turn. */
async function sideBySide(scenario: 1 | 2, world: World): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  const servers: ServerProcess[] = []
  try {
    const targets: Target[] = []
    for (const system of runs(scenario)) {
      try {
        const server = await startSystem(system, world)
        servers.push(server)
        targets.push(targetOf(system, server, world, scenario === 1 ? 1 : plan.rooms.rooms))
      } catch (err) {
        log(`  ${system} did not start: ${message(err)}`)
        outcomes.push({ scenario, system, error: err instanceof PeerMissing ? `skipped: ${message(err)}` : message(err) })
      }
    }
    if (!targets.length) return outcomes
    // Scenario 2's extra rounds leave scenarios 3 and 4 five minutes of the budget.
    const job: Job = scenario === 1 ? { scenario: 'fanout', targets, ...plan.fanout } : { scenario: 'rooms', targets, ...plan.rooms, extraUntil: Date.now() + remainingMs() - 300_000 }
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

/** Scenario 3: one system at a time, on a fresh server process. */
async function memoryOneByOne(world: World): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (const system of runs(3)) {
    if (remainingMs() < 20_000) {
      outcomes.push({ scenario: 3, system, error: 'skipped: the run reached its time bound' })
      continue
    }
    log(`scenario 3: ${system}`)
    let server: ServerProcess | undefined
    try {
      server = await startSystem(system, world)
      const { roomIds: _, ...base } = targetOf(system, server, world, 0)
      for (const result of await runLoadgen({ ...base, scenario: 'memory', ...plan.memory }, Math.max(10_000, remainingMs()))) outcomes.push({ scenario: 3, system, result })
    } catch (err) {
      log(`  ${system} failed: ${message(err)}`)
      outcomes.push({ scenario: 3, system, error: err instanceof PeerMissing ? `skipped: ${message(err)}` : message(err) })
    } finally {
      await server?.stop()
    }
  }
  return outcomes
}

/**
 * Scenario 4: every system's server up at once (idle while another is measured), their runs
 * interleaved round after round (Hearth one room, JetStream, Hearth 100 rooms, Hearth ...),
 * so a slow minute of the shared machine falls on all of them; the figures are medians, and
 * the ratio to JetStream pairs each round's one-room window with the JetStream one beside it.
 */
async function durableRounds(world: World): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  const servers = new Map<System, ServerProcess>()
  try {
    for (const system of runs(4)) {
      try {
        servers.set(system, await startSystem(system, world))
      } catch (err) {
        log(`  ${system} did not start: ${message(err)}`)
        outcomes.push({ scenario: 4, system, error: err instanceof PeerMissing ? `skipped: ${message(err)}` : message(err) })
      }
    }
    const settler = new Settler([...servers].map(([system, s]) => ({ pid: s.pid, name: system })))
    log(`scenario 4 at rest: ${Math.round(await settler.calibrate())}% of a core (the servers, Postgres and Redis together)`)
    // The one-room windows side by side (the paired ratio), the 100-room ones after them.
    const windows = [...servers].flatMap(([system, server]) => (system === 'nats' ? [1] : [1, 100]).map((rooms) => ({ system, server, rooms })))
    windows.sort((a, b) => a.rooms - b.rooms)
    for (let round = 1; round <= plan.durableRounds; round++) {
      for (const { system, server, rooms } of windows) {
        if (remainingMs() < 20_000) {
          outcomes.push({ scenario: 4, system, error: `skipped from round ${round}: the run reached its time bound` })
          continue
        }
        // What the round before left behind (Hearth's relay and jobs, Postgres writing out) is done first.
        const settled = await settler.settle()
        log(`scenario 4 round ${round}: ${system}, ${rooms} room(s), after ${settled.waitedMs} ms settling${settled.quiet ? '' : ` (not quiet: ${settled.percent}% of a core)`}${settled.waitedMs > 1000 ? `; busy at first: ${settled.leftBy}` : ''}`)
        const { roomIds: _, ...base } = targetOf(system, server, world, 0)
        const job: Job = { ...base, scenario: 'durable', roomIds: targetOf(system, server, world, rooms, 1).roomIds, ...plan.durable }
        try {
          for (const result of await runLoadgen(job, Math.max(10_000, remainingMs()))) outcomes.push({ scenario: 4, system, result: { ...result, round } as DurableResult })
        } catch (err) {
          log(`  ${system} failed: ${message(err)}`)
          outcomes.push({ scenario: 4, system, error: message(err) })
        }
      }
    }
    return outcomes
  } finally {
    for (const server of servers.values()) await server.stop()
  }
}

async function main() {
  const environment = await collectEnvironment(socketIoRuntime)
  log(`hearth bench: scenarios ${scenarios.join(',')}, systems ${systems.join(',')}, ${quick ? 'quick' : 'full'} run, budget ${budgetMs / 60_000} min`)
  log(`load average ${environment.loadavgBefore}; Socket.IO runs on ${socketIoRuntime}`)
  const outcomes: Outcome[] = []
  const world: World = { missing: {} }
  const uses = (system: System) => systems.includes(system) && scenarios.some((n) => SCENARIO_SYSTEMS[n]!.includes(system))
  try {
    if (uses('hearth') || uses('baseline')) {
      world.hearth = new HearthUnderTest()
      const rooms = ROOMS_PER_HEARTH * (uses('baseline') ? 2 : 1)
      const setup = await world.hearth.setup({ users: plan.hearthUsers, rooms })
      log(`hearth: ${plan.hearthUsers} users, ${rooms} rooms set up in ${setup.seconds.toFixed(1)} s`)
    }
    if (uses('ejabberd')) {
      world.ejabberd = new EjabberdUnderTest()
      const users = scenarios.includes(2) ? plan.rooms.rooms * plan.rooms.membersPerRoom : plan.fanout.subscribers
      await world.ejabberd.setup(users).then(
        () => log(`ejabberd: ${users} users in Postgres`),
        (err) => {
          world.missing.ejabberd = message(err)
          log(`ejabberd skipped: ${message(err)}`)
        },
      )
    }
    if (uses('nats') && !Bun.which('nats-server')) {
      world.missing.nats = 'nats-server is not installed (Debian: apt-get install -y nats-server)'
      log(`nats skipped: ${world.missing.nats}`)
    }
    for (const scenario of scenarios) {
      if (remainingMs() < 20_000) {
        for (const system of runs(scenario)) outcomes.push({ scenario, system, error: 'skipped: the run reached its time bound' })
        continue
      }
      if (scenario === 1 || scenario === 2) {
        log(`scenario ${scenario}: ${runs(scenario).join(', ')} side by side`)
        outcomes.push(...(await sideBySide(scenario, world)))
      } else if (scenario === 3) {
        outcomes.push(...(await memoryOneByOne(world)))
      } else if (scenario === 4) {
        outcomes.push(...(await durableRounds(world)))
      }
    }
  } finally {
    await world.hearth?.destroy().catch((err) => log(`hearth cleanup failed: ${err}`))
    await world.ejabberd?.destroy().catch((err) => log(`ejabberd cleanup failed: ${err}`))
  }
  if (args.baseline) environment.versions['baseline (Hearth before)'] = `${args.baseline} (${args['baseline-label']})`
  const written = await writeReports({ outDir: args.out!, resultsDir: args.results!, environment, baselineLabel: args.baseline ? args['baseline-label'] : undefined, outcomes, quick, scenarios, seconds: (Date.now() - startedAt) / 1000, plan })
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

// `bun run bench`: the raw Bun ceiling, Hearth and Socket.IO side by side on loopback, each
// server in its own process, the load from another; writes BENCHMARKS.md, bench-chart.svg
// and bench-results.json at the repository root.
//
//   bun run bench [--quick] [--scenario 1|2|3|4] [--systems raw,hearth,socketio] [--socketio-runtime node|bun]
import { parseArgs } from 'node:util'
import { join } from 'node:path'
import type { System } from './clients'
import { HearthUnderTest, REDIS_URL } from './hearth'
import type { DurableResult, FanoutResult, Job, JobResult, MemoryResult, RoomsResult } from './jobs'
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
const budgetMs = (quick ? 3 : 10) * 60_000
const startedAt = Date.now()
const remainingMs = () => budgetMs - (Date.now() - startedAt)

const plan = {
  fanout: {
    subscribers: 1000,
    senders: 10,
    rates: quick ? [10, 20, 40, 60, 90, 130, 180, 250, 350, 500] : [5, 10, 15, 20, 30, 40, 50, 65, 80, 100, 130, 160, 200, 250, 320, 400, 500, 650, 800, 1000],
    stepSeconds: quick ? 1.5 : 2.5,
    warmupSeconds: quick ? 1 : 2,
    p99LimitMs: 50,
  },
  rooms: { rooms: 500, membersPerRoom: 10, messagesPerSecond: 1000, seconds: quick ? 4 : 10 },
  memory: { connections: 10_000, settleSeconds: quick ? 2 : 4 },
  durable: { connections: 100, window: 8, seconds: quick ? 3 : 8 },
  hearthUsers: 1000,
}

const log = (line: string) => process.stderr.write(`${line}\n`)

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

/** The job of one scenario for one system; undefined where the scenario does not apply. */
function jobFor(scenario: number, system: System, server: ServerProcess, hearth: HearthUnderTest | undefined): Job[] {
  const isHearth = system === 'hearth'
  const world = hearth?.world
  const base = { system, baseUrl: server.baseUrl, serverPid: server.pid, tokens: isHearth ? world!.tokens : [''] }
  const roomIds = (n: number, from = 0) => (isHearth ? world!.roomIds.slice(from, from + n) : Array.from({ length: n }, (_, i) => `room-${from + i}`))
  switch (scenario) {
    case 1:
      return [{ ...base, scenario: 'fanout', roomId: roomIds(1)[0]!, ...plan.fanout }]
    case 2:
      return [{ ...base, scenario: 'rooms', roomIds: roomIds(plan.rooms.rooms), ...plan.rooms }]
    case 3:
      return [{ ...base, scenario: 'memory', ...plan.memory }]
    case 4:
      if (!isHearth) return []
      return [
        { ...base, scenario: 'durable', roomIds: roomIds(1), ...plan.durable },
        { ...base, scenario: 'durable', roomIds: roomIds(100, 1), ...plan.durable },
      ]
  }
  return []
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
          for (const job of jobFor(scenario, system, server, hearth)) {
            const result: JobResult = await runLoadgen(job, Math.max(10_000, remainingMs()))
            outcomes.push({ scenario, system, result })
          }
        } catch (err) {
          log(`  ${system} failed: ${err instanceof Error ? err.message : String(err)}`)
          outcomes.push({ scenario, system, error: err instanceof Error ? err.message : String(err) })
        } finally {
          await server?.stop()
        }
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

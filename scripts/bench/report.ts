// The figures of a run, as bench-results.json (machine-readable, with the ratios) and as
// BENCHMARKS.md with a hand-drawn SVG chart (bench-chart.svg).
import { cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { createClient } from 'redis'
import type { System } from './clients'
import type { DurableResult, FanoutResult, JobResult, MemoryResult, RoomsResult } from './loadgen-protocol'
import { POSTGRES_URL, REDIS_URL } from './hearth'
import { renderChart } from './chart'

export interface Outcome {
  scenario: number
  system: System
  result?: JobResult
  error?: string
}

export interface Environment {
  cpu: string
  cores: number
  memoryGb: number
  kernel: string
  loadavgBefore: string
  versions: Record<string, string>
}

const pkgVersion = async (name: string) =>
  ((await Bun.file(join(import.meta.dir, '../../node_modules', name, 'package.json')).json()) as { version: string }).version

export async function collectEnvironment(socketIoRuntime: string): Promise<Environment> {
  const versions: Record<string, string> = { bun: Bun.version }
  const node = Bun.which('node') ? Bun.spawnSync(['node', '--version']).stdout.toString().trim() : 'absent'
  versions['node (runs Socket.IO)'] = socketIoRuntime === 'node' ? node : `not used (Socket.IO on bun); ${node}`
  for (const name of ['socket.io', '@socket.io/redis-adapter', 'socket.io-client', 'redis']) versions[name] = await pkgVersion(name).catch(() => '?')
  versions.hearth = Bun.spawnSync(['git', 'rev-parse', '--short', 'HEAD'], { cwd: import.meta.dir }).stdout.toString().trim()
  try {
    const redis = createClient({ url: REDIS_URL })
    await redis.connect()
    versions['redis server'] = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?'
    await redis.quit()
  } catch {
    versions['redis server'] = 'unreachable'
  }
  try {
    const sql = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} })
    versions.postgres = ((await sql`show server_version`)[0]?.server_version as string) ?? '?'
    await sql.end()
  } catch {
    versions.postgres = 'unreachable'
  }
  return {
    cpu: cpus()[0]?.model ?? '?',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    loadavgBefore: loadavg().map((n) => n.toFixed(2)).join(' '),
    versions,
  }
}

export interface Metric {
  key: string
  scenario: number
  label: string
  unit: string
  better: 'higher' | 'lower'
  values: Partial<Record<System, number>>
  ratios: { hearthOverRaw?: number; hearthOverSocketio?: number }
  aim?: string
  aimMet?: boolean
}

const SYSTEMS: System[] = ['raw', 'hearth', 'socketio']
export const SYSTEM_NAMES: Record<System, string> = { raw: 'raw Bun ceiling', hearth: 'Hearth', socketio: 'Socket.IO + sharded Redis adapter' }
const ratio = (a?: number, b?: number) => (a !== undefined && b ? Math.round((a / b) * 1000) / 1000 : undefined)

function metricsOf(outcomes: Outcome[]): Metric[] {
  const results = (scenario: number) => outcomes.filter((o) => o.scenario === scenario && o.result)
  const metric = (m: Omit<Metric, 'ratios'>): Metric => ({
    ...m,
    ratios: { hearthOverRaw: ratio(m.values.hearth, m.values.raw), hearthOverSocketio: ratio(m.values.hearth, m.values.socketio) },
  })
  const pick = <R extends JobResult>(scenario: number, read: (r: R) => number | null, filter: (r: R) => boolean = () => true) =>
    Object.fromEntries(
      results(scenario)
        .filter((o) => filter(o.result as R) && read(o.result as R) !== null)
        .map((o) => [o.system, read(o.result as R)!]),
    ) as Partial<Record<System, number>>

  const m1 = metric({ key: 'fanout', scenario: 1, label: '1. one room, 1000 subscribers: deliveries/s with p99 <= 50 ms', unit: 'deliveries/s', better: 'higher', values: pick<FanoutResult>(1, (r) => r.bestDeliveriesPerSecond) })
  m1.aim = '>= 70% of raw and >= 3x Socket.IO'
  if (m1.ratios.hearthOverRaw !== undefined && m1.ratios.hearthOverSocketio !== undefined) m1.aimMet = m1.ratios.hearthOverRaw >= 0.7 && m1.ratios.hearthOverSocketio >= 3
  const m2p50 = metric({ key: 'rooms_p50', scenario: 2, label: '2. 500 rooms x 10, 1000 msgs/s: end-to-end p50', unit: 'ms', better: 'lower', values: pick<RoomsResult>(2, (r) => r.latency.p50) })
  const m2p99 = metric({ key: 'rooms_p99', scenario: 2, label: '2. 500 rooms x 10, 1000 msgs/s: end-to-end p99', unit: 'ms', better: 'lower', values: pick<RoomsResult>(2, (r) => r.latency.p99), aim: '<= 15 ms' })
  if (m2p99.values.hearth !== undefined) m2p99.aimMet = m2p99.values.hearth <= 15
  const m3 = metric({ key: 'memory', scenario: 3, label: '3. server RSS per idle connection at 10k connections', unit: 'KB', better: 'lower', values: pick<MemoryResult>(3, (r) => r.perConnectionKb), aim: '<= 20 KB' })
  if (m3.values.hearth !== undefined) m3.aimMet = m3.values.hearth <= 20
  const m4one = metric({ key: 'durable_1', scenario: 4, label: '4. durable sends into one room: acked messages/s', unit: 'acked/s', better: 'higher', values: pick<DurableResult>(4, (r) => r.ackedPerSecond, (r) => r.rooms === 1), aim: '>= 10000/s' })
  if (m4one.values.hearth !== undefined) m4one.aimMet = m4one.values.hearth >= 10_000
  const m4many = metric({ key: 'durable_100', scenario: 4, label: '4. durable sends across 100 rooms: acked messages/s', unit: 'acked/s', better: 'higher', values: pick<DurableResult>(4, (r) => r.ackedPerSecond, (r) => r.rooms === 100) })
  return [m1, m2p50, m2p99, m3, m4one, m4many].filter((m) => Object.keys(m.values).length > 0)
}

interface ReportInput {
  outDir: string
  environment: Environment
  outcomes: Outcome[]
  quick: boolean
  scenarios: number[]
  seconds: number
  plan: unknown
}

export async function writeReports(input: ReportInput): Promise<string[]> {
  const metrics = metricsOf(input.outcomes)
  const loadavgAfter = loadavg().map((n) => n.toFixed(2)).join(' ')
  const json = {
    generatedAt: new Date().toISOString(),
    mode: input.quick ? 'quick' : 'full',
    seconds: Math.round(input.seconds),
    machine: { ...input.environment, loadavgAfter },
    plan: input.plan,
    figures: metrics,
    errors: input.outcomes.filter((o) => o.error).map(({ scenario, system, error }) => ({ scenario, system, error })),
    details: input.outcomes.filter((o) => o.result).map(({ scenario, system, result }) => ({ scenario, system, result })),
  }
  const files = [join(input.outDir, 'bench-results.json'), join(input.outDir, 'bench-chart.svg'), join(input.outDir, 'BENCHMARKS.md')]
  await Bun.write(files[0]!, `${JSON.stringify(json, null, 2)}\n`)
  await Bun.write(files[1]!, renderChart(metrics))
  await Bun.write(files[2]!, markdown(input, metrics, loadavgAfter))
  return files
}

const fmt = (n: number | undefined, unit = '') => (n === undefined ? '—' : `${n >= 100 ? Math.round(n).toLocaleString('en-US') : n}${unit}`)
const fmtRatio = (n: number | undefined) => (n === undefined ? '—' : `${n.toFixed(2)}x`)

function markdown(input: ReportInput, metrics: Metric[], loadavgAfter: string): string {
  const env = input.environment
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`bun run bench${input.quick ? ' --quick' : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC in ${Math.round(input.seconds)} s. Everything ran on this one machine over 127.0.0.1: each server in its own process, the load generator in another, so the generator's CPU is taken from the same cores as the server's. Figures from a busy shared machine are noisy; the ratios were measured side by side in the same run and are the steadier numbers.`,
    '',
    '## Machine',
    '',
    `- CPU: ${env.cpu}, ${env.cores} cores; ${env.memoryGb} GB RAM; Linux ${env.kernel}`,
    `- load average (1, 5, 15 min): ${env.loadavgBefore} before the run, ${loadavgAfter} after (other work shared the machine)`,
    ...Object.entries(env.versions).map(([name, version]) => `- ${name}: ${version}`),
    '',
    '## Results',
    '',
    'Ratios are Hearth ÷ the other system. For latency and memory, lower is better, so a ratio under 1 favours Hearth.',
    '',
    '| scenario | unit | raw Bun | Hearth | Socket.IO | Hearth/raw | Hearth/Socket.IO | aim | met |',
    '|---|---|---:|---:|---:|---:|---:|---|---|',
    ...metrics.map(
      (m) =>
        `| ${m.label} | ${m.unit} | ${fmt(m.values.raw)} | ${fmt(m.values.hearth)} | ${fmt(m.values.socketio)} | ${fmtRatio(m.ratios.hearthOverRaw)} | ${fmtRatio(m.ratios.hearthOverSocketio)} | ${m.aim ?? ''} | ${m.aimMet === undefined ? '' : m.aimMet ? 'yes' : 'no'} |`,
    ),
    '',
    '![Benchmark chart](bench-chart.svg)',
    '',
    ...fanoutSteps(input.outcomes),
    ...roomsRounds(input.outcomes),
    ...durableDetails(input.outcomes),
    ...errors(input.outcomes),
    ...method(),
  ]
  return `${lines.join('\n')}\n`
}

function fanoutSteps(outcomes: Outcome[]): string[] {
  const runs = outcomes.filter((o) => o.scenario === 1 && o.result) as { system: System; result: FanoutResult }[]
  if (!runs.length) return []
  const out = ['## Scenario 1, step by step', '', 'Each step sends at one rate into the room for a fixed time; a step passes when 99% of the deliveries arrived and p99 <= 50 ms. A failed step is run once more (the machine is shared); the ramp stops after two rates in a row failed twice. CPU is in percent of one core over the step; the generator is one process and reads every delivery, so near 100% it, not the server, sets the limit.', '']
  for (const { system, result } of runs) {
    out.push(`**${SYSTEM_NAMES[system]}**`, '', '| msgs/s in | deliveries/s | p50 ms | p99 ms | delivered | server CPU | generator CPU | pass |', '|---:|---:|---:|---:|---:|---:|---:|---|')
    for (const s of result.steps) {
      out.push(`| ${s.rate} | ${fmt(s.deliveriesPerSecond)} | ${s.latency.p50 ?? '—'} | ${s.latency.p99 ?? '—'} | ${((s.delivered / Math.max(1, s.expected)) * 100).toFixed(1)}% | ${s.serverCpuPercent}% | ${s.generatorCpuPercent}% | ${s.passed ? 'yes' : 'no'} |`)
    }
    out.push('')
  }
  return out
}

function roomsRounds(outcomes: Outcome[]): string[] {
  const runs = outcomes.filter((o) => o.scenario === 2 && o.result) as { system: System; result: RoomsResult }[]
  if (!runs.length) return []
  return [
    '## Scenario 2, round by round',
    '',
    'The table above takes every delivery of every round; one noisy round on the shared machine weighs on the p99.',
    '',
    '| system | ' + runs[0]!.result.rounds.map((_, i) => `round ${i + 1} p50 / p99 ms`).join(' | ') + ' | delivered |',
    '|---|' + runs[0]!.result.rounds.map(() => '---:|').join('') + '---:|',
    ...runs.map(
      ({ system, result }) =>
        `| ${SYSTEM_NAMES[system]} | ${result.rounds.map((r) => `${r.p50} / ${r.p99}`).join(' | ')} | ${((result.delivered / Math.max(1, result.expected)) * 100).toFixed(1)}% |`,
    ),
    '',
  ]
}

function durableDetails(outcomes: Outcome[]): string[] {
  const runs = outcomes.filter((o) => o.scenario === 4 && o.result).map((o) => o.result as DurableResult)
  if (!runs.length) return []
  return [
    '## Scenario 4, details (Hearth)',
    '',
    '| rooms | acked/s | ack p50 ms | ack p99 ms | Hearth CPU per ack (Postgres not counted) | errors |',
    '|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.rooms} | ${fmt(r.ackedPerSecond)} | ${r.ackLatency.p50 ?? '—'} | ${r.ackLatency.p99 ?? '—'} | ${r.serverCpuMicrosPerAck} µs | ${r.errors} |`),
    '',
  ]
}

function errors(outcomes: Outcome[]): string[] {
  const out: string[] = []
  const failed = outcomes.filter((o) => o.error)
  if (failed.length) out.push('## What did not run', '', ...failed.map((o) => `- scenario ${o.scenario}, ${SYSTEM_NAMES[o.system]}: ${o.error}`), '')
  const closed = outcomes.filter((o) => Object.keys(o.result?.serverCloses ?? {}).length)
  if (closed.length) {
    out.push('## Sockets the server closed', '')
    for (const o of closed) {
      const codes = Object.entries(o.result!.serverCloses!).map(([code, n]) => `${n} x ${code}`)
      out.push(`- scenario ${o.scenario}, ${SYSTEM_NAMES[o.system]}: ${codes.join(', ')}`)
    }
    out.push('')
  }
  return out
}

function method(): string[] {
  return [
    '## How it is measured',
    '',
    '- **raw Bun ceiling** (`scripts/bench/servers/raw.ts`): `Bun.serve` WebSockets; `subscribe` is `ws.subscribe(room)`, `send` is one `server.publish(room, frame)` and an ack. No auth, no storage.',
    '- **Hearth**: `bun src/main.ts` with `ROLE=api` (the app process as deployed; job consumers run in the worker group) on a scratch Postgres database (dropped after) and its own Redis key prefix; users registered, a community, its rooms and memberships created through the REST API; sockets authenticate with `/ws?token=`; every send is committed to Postgres by the room actor before its ack and its event.',
    '- **Socket.IO** (`scripts/bench/servers/socketio.mjs`): Socket.IO 4, WebSocket transport only, `createShardedAdapter` from `@socket.io/redis-adapter` over node-redis on the same Redis; `subscribe` joins the room, `send` is `io.to(room).emit` and an ack. No auth, no storage.',
    '- Every message body is 128 characters and carries its send time (`performance.timeOrigin + performance.now()`); the load generator (`scripts/bench/loadgen.ts`, one Bun process) reads it back on receipt, so send and receipt are on one clock. Deliveries to the sender\'s own socket count like any other.',
    '- Scenarios 1 and 2 run the three servers at once, each idle while another is measured, and the one generator drives them turn by turn at each load level, so background load on the shared machine falls on all three alike.',
    '- Scenario 1: per system, 1000 sockets subscribe to one room; 10 of them send at rising rates (after an unmeasured warm-up); the figure is the highest deliveries/s of a step that passed.',
    '- Scenario 2: per system, 5000 sockets, 10 per room in 500 rooms; one member of each room sends, 1000 messages/s in total; measured in rounds (raw, Hearth, Socket.IO, again...) after a warm-up, latency over every delivery of every round.',
    '- Scenario 3: the server\'s VmRSS (from /proc) before and after opening 10,000 idle sockets (each answered one ping), divided by 10,000. Hearth\'s 10,000 sockets are authenticated as its 1000 bench users (10 sockets each).',
    '- Scenario 4 (Hearth only; Socket.IO does not persist): 100 sockets (100 users) keep 8 sends each in flight; acked (committed) messages per second over a fixed window, into one room and spread over 100 rooms.',
    '',
  ]
}

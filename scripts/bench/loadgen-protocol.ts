// What the orchestrator asks of a load generator process, and what it answers.
import type { System } from './clients'

/** One server under test as the generator sees it. */
export interface Target {
  system: System
  baseUrl: string
  /** Access tokens to authenticate with (Hearth; user names for ejabberd); connection i uses tokens[i % length]. */
  tokens: string[]
  /** Pid of the server, for its RSS and CPU time. */
  serverPid: number
  /** Hearth's scratch database: its Postgres backends' CPU is counted with the server's where said. */
  postgresDatabase?: string
  /** Rooms to use, in order (scenario 1 uses the first). */
  roomIds: string[]
}

type Common = Omit<Target, 'roomIds'>

/** Scenario 1, every target turn by turn: CPU per delivery at fixed rates, then the ramp. */
export interface FanoutJob {
  scenario: 'fanout'
  targets: Target[]
  /** The longest a round waits for the machine to be back at rest (default 10 s; 0: rounds do not wait). */
  settleMs?: number
  /** Generator processes; each holds a share of every target's sockets. */
  workers: number
  subscribers: number
  senders: number
  /** Fixed rates (messages/s into the room) at which CPU per delivery is measured, all systems interleaved, `cpuRounds` times. */
  cpuRates: number[]
  cpuRounds: number
  cpuStepSeconds: number
  /** Messages per second into the room, tried in order until p99 or delivery fails. */
  rates: number[]
  stepSeconds: number
  warmupSeconds: number
  /**
   * A ramp step passes while its p99 is at most `factor` times the system's own p99 at the
   * CPU phase's lowest rate (the median of its rounds: the room barely loaded), and at most `maxMs`.
   */
  rampLimit: { factor: number; maxMs: number }
}

/** Scenario 2, every target turn by turn for `rounds` rounds. */
export interface RoomsJob {
  scenario: 'rooms'
  targets: Target[]
  /** The longest a round waits for the machine to be back at rest (default 10 s; 0: rounds do not wait). */
  settleMs?: number
  workers: number
  rooms: number
  membersPerRoom: number
  messagesPerSecond: number
  /** Measured seconds per target, split over the rounds. */
  seconds: number
  rounds: number
  /**
   * Rounds of every system run after `rounds` while a system has undisturbed rounds for fewer
   * than half of them (a busy spell of the shared machine), at most this many, and none
   * after `extraUntil` (epoch ms).
   */
  extraRounds?: number
  extraUntil?: number
}

export interface MemoryJob extends Common {
  scenario: 'memory'
  connections: number
  settleSeconds: number
}

export interface DurableJob extends Common {
  scenario: 'durable'
  roomIds: string[]
  connections: number
  /** Sends in flight per connection. */
  window: number
  seconds: number
}

export type Job = FanoutJob | RoomsJob | MemoryJob | DurableJob

export interface LatencySummary {
  count: number
  p50: number | null
  p99: number | null
  p999: number | null
  max: number | null
  mean: number | null
}

/** CPU time over one measured step. */
export interface CpuSample {
  /** The server process (all threads), seconds. */
  serverSeconds: number
  /** Hearth's Postgres backends (its scratch database), seconds; absent for the others. */
  postgresSeconds?: number
  /** Each generator process, in percent of one core over the step. */
  generatorPercents: number[]
  wallSeconds: number
  /** How long the round waited for the machine to be quiet before it began (side-by-side rounds), ms. */
  settledMs?: number
  /**
   * The machine over the step: the CPU of every process that is not the system's server,
   * its generators, the orchestrator, Postgres or Redis (other servers at rest, other
   * programs), in percent of one core, the busiest of them; interrupt handling (the
   * loopback traffic); and the share of the machine's CPU time the hypervisor took (steal).
   */
  machine?: { othersPercent: number; busiestOthers: string[]; interruptsPercent: number; stealPercent: number }
}

export interface FanoutStep {
  rate: number
  sent: number
  expected: number
  delivered: number
  deliveriesPerSecond: number
  latency: LatencySummary
  cpu: CpuSample
  /** Server CPU during the step, in percent of one core. */
  serverCpuPercent: number
  /** A generator process was at >= 90% of a core: the step measured it, not the server, and is not counted. */
  generatorLimited: boolean
  passed: boolean
}

/** One fixed-rate step of the CPU phase. */
export interface CpuStep {
  round: number
  rate: number
  delivered: number
  expected: number
  cpu: CpuSample
  /** Server CPU per delivery, µs. */
  serverMicrosPerDelivery: number
  /** With Hearth's Postgres backends added (Hearth only). */
  withPostgresMicrosPerDelivery?: number
  p99: number | null
  /** All delivered, p99 within the limit, no generator at its limit. */
  counted: boolean
}

export interface FanoutResult {
  scenario: 'fanout'
  system: System
  cpuSteps: CpuStep[]
  steps: FanoutStep[]
  /** Deliveries/s where the p99 reaches the limit, between the steps around it (saturationPoint). */
  bestDeliveriesPerSecond: number
  /** This system's ramp limit (FanoutJob.rampLimit), ms. */
  p99LimitMs: number
  sendErrors: number
}

export interface RoomsRound {
  p50: number | null
  p99: number | null
  /** The round's latencies (the histogram's non-empty buckets and their sum), pooled over the counted rounds by the report. */
  latency?: { sparse: [number, number][]; sum: number }
  /** Why the round measured the machine rather than the system (see DISTURBED in side-by-side.ts). */
  disturbed?: string
  /** The CPU other programs and the hypervisor took over the round, in percent of one core. */
  disturbancePercent?: number
  delivered: number
  expected: number
  cpu: CpuSample
  serverMicrosPerDelivery: number
  withPostgresMicrosPerDelivery?: number
}

export interface RoomsResult {
  scenario: 'rooms'
  system: System
  sent: number
  expected: number
  delivered: number
  /** Over every delivery of every round. */
  latency: LatencySummary
  rounds: RoomsRound[]
  sendErrors: number
}

export interface MemoryResult {
  scenario: 'memory'
  system: System
  connections: number
  rssBeforeKb: number
  rssAfterKb: number
  perConnectionKb: number
}

export interface DurableResult {
  scenario: 'durable'
  system: System
  /** Which of scenario 4's interleaved rounds (set by run.ts). */
  round?: number
  rooms: number
  acked: number
  seconds: number
  ackedPerSecond: number
  ackLatency: LatencySummary
  /** Server CPU per acked message, µs (the server process alone). */
  serverCpuMicrosPerAck: number
  /** Server and its Postgres backends together, µs per ack (Hearth). */
  withPostgresCpuMicrosPerAck?: number
  errors: number
  firstError?: string
}

export type JobResult = (FanoutResult | RoomsResult | MemoryResult | DurableResult) & {
  /** Sockets the server closed during the job, by close code (4009: too slow to read). */
  serverCloses?: Record<string, number>
}

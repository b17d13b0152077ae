// What the orchestrator asks of a load generator process, and what it answers.
import type { System } from './clients'

/** One server under test as the generator sees it. */
export interface Target {
  system: System
  baseUrl: string
  /** Access tokens to authenticate with (Hearth); connection i uses tokens[i % length]. */
  tokens: string[]
  /** Pid of the server, for its RSS and CPU time. */
  serverPid: number
  /** Rooms to use, in order (scenario 1 uses the first). */
  roomIds: string[]
}

type Common = Omit<Target, 'roomIds'>

/** Scenario 1, every target turn by turn at each rate. */
export interface FanoutJob {
  scenario: 'fanout'
  targets: Target[]
  subscribers: number
  senders: number
  /** Messages per second into the room, tried in order until p99 or delivery fails. */
  rates: number[]
  stepSeconds: number
  warmupSeconds: number
  p99LimitMs: number
}

/** Scenario 2, every target turn by turn for `rounds` rounds. */
export interface RoomsJob {
  scenario: 'rooms'
  targets: Target[]
  rooms: number
  membersPerRoom: number
  messagesPerSecond: number
  /** Measured seconds per target, split over the rounds. */
  seconds: number
  rounds: number
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

export interface FanoutStep {
  rate: number
  sent: number
  expected: number
  delivered: number
  deliveriesPerSecond: number
  latency: LatencySummary
  /** Server CPU during the step, in percent of one core. */
  serverCpuPercent: number
  /** The load generator's own CPU during the step (one process: 100% = a core). */
  generatorCpuPercent: number
  passed: boolean
}

export interface FanoutResult {
  scenario: 'fanout'
  system: System
  steps: FanoutStep[]
  /** Highest deliveries/s of a step whose p99 stayed within the limit. */
  bestDeliveriesPerSecond: number
  sendErrors: number
}

export interface RoomsResult {
  scenario: 'rooms'
  system: System
  sent: number
  expected: number
  delivered: number
  /** Over every delivery of every round. */
  latency: LatencySummary
  rounds: { p50: number | null; p99: number | null; delivered: number; expected: number }[]
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
  rooms: number
  acked: number
  seconds: number
  ackedPerSecond: number
  ackLatency: LatencySummary
  /** Server CPU per acked message, in microseconds (Postgres not included). */
  serverCpuMicrosPerAck: number
  errors: number
  firstError?: string
}

export type JobResult = (FanoutResult | RoomsResult | MemoryResult | DurableResult) & {
  /** Sockets the server closed during the job, by close code (4009: too slow to read). */
  serverCloses?: Record<string, number>
}

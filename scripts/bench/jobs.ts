// What the orchestrator asks of a load generator process, and what it answers.
import type { System } from './clients'

interface Common {
  system: System
  baseUrl: string
  /** Access tokens to authenticate with (Hearth); connection i uses tokens[i % length]. */
  tokens: string[]
  /** Pid of the server under test, for its RSS. */
  serverPid: number
}

export interface FanoutJob extends Common {
  scenario: 'fanout'
  roomId: string
  subscribers: number
  senders: number
  /** Messages per second into the room, tried in order until p99 or delivery fails. */
  rates: number[]
  stepSeconds: number
  warmupSeconds: number
  p99LimitMs: number
}

export interface RoomsJob extends Common {
  scenario: 'rooms'
  roomIds: string[]
  membersPerRoom: number
  messagesPerSecond: number
  seconds: number
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
  passed: boolean
}

export interface FanoutResult {
  scenario: 'fanout'
  steps: FanoutStep[]
  /** Highest deliveries/s of a step whose p99 stayed within the limit. */
  bestDeliveriesPerSecond: number
  sendErrors: number
}

export interface RoomsResult {
  scenario: 'rooms'
  sent: number
  expected: number
  delivered: number
  latency: LatencySummary
  sendErrors: number
}

export interface MemoryResult {
  scenario: 'memory'
  connections: number
  rssBeforeKb: number
  rssAfterKb: number
  perConnectionKb: number
}

export interface DurableResult {
  scenario: 'durable'
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

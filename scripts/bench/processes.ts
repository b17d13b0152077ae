// Child processes of a benchmark run: servers under test and load generators, each bounded
// in time and stopped by its own pid.
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import type { Job, JobResult } from './loadgen-protocol'
import { sleep } from './stats'

export const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** Resident memory of a process from /proc, in KB. */
export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
}

/** A process's name, CPU time (user + system) so far in seconds, and start, from /proc/<pid>/stat; throws once it is gone. */
function processTime(pid: number): ProcessTime {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), seconds: (Number(fields[11]) + Number(fields[12])) / 100, start: Number(fields[19]) }
}

/** CPU time (user + system) a process has used so far, in seconds (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  return processTime(pid).seconds
}

/** CPU time of a process, or 0 once it is gone (a Postgres backend may end between two reads). */
export function cpuSecondsOr0(pid: number): number {
  try {
    return cpuSeconds(pid)
  } catch {
    return 0
  }
}

export interface CpuSnapshot {
  server: number
  postgres: Map<number, number>
}

/**
 * Reads a server's CPU time from /proc, and with `postgresDatabase` that of the Postgres
 * backends serving that database (found in pg_stat_activity; the reader's own connection
 * goes to another database, so it is not counted).
 */
export class CpuMeter {
  private sql: postgres.Sql | undefined

  constructor(
    private readonly serverPid: number,
    private readonly postgresDatabase?: string,
  ) {
    if (postgresDatabase) this.sql = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} })
  }

  async snapshot(): Promise<CpuSnapshot> {
    const postgresCpu = new Map<number, number>()
    if (this.sql) {
      const rows = await this.sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${this.postgresDatabase!}`
      for (const { pid } of rows) postgresCpu.set(pid, cpuSecondsOr0(pid))
    }
    return { server: cpuSecondsOr0(this.serverPid), postgres: postgresCpu }
  }

  /** CPU seconds between two snapshots; a backend that started in between counts from zero. */
  static between(a: CpuSnapshot, b: CpuSnapshot): { serverSeconds: number; postgresSeconds: number } {
    let postgresSeconds = 0
    for (const [pid, seconds] of b.postgres) postgresSeconds += Math.max(0, seconds - (a.postgres.get(pid) ?? 0))
    return { serverSeconds: Math.max(0, b.server - a.server), postgresSeconds }
  }

  get countsPostgres() {
    return this.sql !== undefined
  }

  async close() {
    await this.sql?.end({ timeout: 1 })
  }
}

/** The machine's CPU ticks so far (1/100 s each), from /proc/stat: all, idle (with iowait), interrupts, and stolen by the hypervisor. */
function machineTicks(): { total: number; idle: number; irq: number; steal: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number)
  const [, , , idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields
  return { total: fields.reduce((a, b) => a + b, 0), idle: idle + iowait, irq: irq + softirq, steal }
}

/** Every process's name, CPU time so far (seconds) and start (clock ticks after boot, to tell a reused pid). */
function processTimes(): Map<number, ProcessTime> {
  const out = new Map<number, ProcessTime>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      out.set(Number(entry), processTime(Number(entry)))
    } catch {
      // gone meanwhile
    }
  }
  return out
}

export interface ProcessTime {
  name: string
  seconds: number
  /** When it started, in clock ticks (1/100 s) after boot. */
  start: number
}

/** Clock ticks (1/100 s) since boot, on the clock of a process's start time. */
function uptimeTicks(): number {
  return Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 100)
}

export interface MachineSnapshot {
  ticks: ReturnType<typeof machineTicks>
  /** When the snapshot was taken, in clock ticks after boot. */
  at: number
  processes: Map<number, ProcessTime>
}

/** The whole machine's CPU and every process's, read together. */
export function machineSnapshot(): MachineSnapshot {
  return { ticks: machineTicks(), at: uptimeTicks(), processes: processTimes() }
}

const SERVICES = new Set(['postgres', 'redis-server'])

/**
 * Between two snapshots, with `own` the pids of the step's own processes (the system's
 * server, the generators, the orchestrator): the CPU of Postgres and Redis, and that of every
 * other process (the busiest first), in seconds; interrupt handling (the loopback traffic),
 * in seconds; and the share of the machine's CPU time the hypervisor took (steal, percent).
 * A process that started in between counts from zero (also one that took the pid of a process
 * gone in between: its start differs); one that ended in between is not seen.
 */
export function machineBetween(a: MachineSnapshot, b: MachineSnapshot, own: number[]) {
  const total = Math.max(1, b.ticks.total - a.ticks.total)
  const mine = new Set(own)
  let servicesSeconds = 0
  const others: { pid: number; name: string; seconds: number }[] = []
  for (const [pid, now] of b.processes) {
    const was = a.processes.get(pid)
    // Seen before with the same start: the difference; started after `a`: all of it; else (unreadable at `a`) unknown.
    const from = was && was.start === now.start ? was.seconds : now.start >= a.at ? 0 : now.seconds
    const used = Math.max(0, now.seconds - from)
    if (mine.has(pid) || used === 0) continue
    if (SERVICES.has(now.name)) servicesSeconds += used
    else others.push({ pid, name: now.name, seconds: used })
  }
  return {
    servicesSeconds,
    others: others.sort((x, y) => y.seconds - x.seconds),
    irqSeconds: (b.ticks.irq - a.ticks.irq) / 100,
    stealPercent: Math.round(((b.ticks.steal - a.ticks.steal) / total) * 1000) / 10,
  }
}

/** Pids of the services every system's work lands on: Postgres (backends, checkpointer, autovacuum) and Redis. */
function sharedServicePids(): { pid: number; name: string }[] {
  return [...processTimes()].flatMap(([pid, { name }]) => (SERVICES.has(name) ? [{ pid, name }] : []))
}

/**
 * Waits, before a round, for what the round before left behind: a server's relay catching
 * up, its jobs, Postgres writing out. Without it that work lands on the next system's round
 * (Socket.IO's p99 followed whichever system ran before it). Quiet is the CPU of the servers
 * under test, Postgres and Redis together, over a short window, back within a few points of
 * one core of its level at rest (read once, before the first round).
 */
export class Settler {
  private rest: number | undefined

  /** `maxWaitMs`: the longest a round waits (0: rounds begin at once, nothing is read). */
  constructor(
    private readonly servers: { pid: number; name: string }[],
    private readonly maxWaitMs = 10_000,
  ) {}

  /** Their CPU together over `ms`, in percent of one core, and who used it; a process that came or went in between is left out. */
  protected async busy(ms: number): Promise<{ percent: number; by: Map<string, number> }> {
    const named = [...this.servers, ...sharedServicePids()]
    const before = new Map(named.map(({ pid }) => [pid, cpuSecondsOr0(pid)]))
    const started = performance.now()
    await sleep(ms)
    const seconds = (performance.now() - started) / 1000
    const by = new Map<string, number>()
    for (const { pid, name } of named) {
      const now = cpuSecondsOr0(pid)
      if (now > 0) by.set(name, (by.get(name) ?? 0) + (Math.max(0, now - before.get(pid)!) / seconds) * 100)
    }
    return { percent: [...by.values()].reduce((a, b) => a + b, 0), by }
  }

  /**
   * The level at rest: the lowest window of half a second, once three windows in a row have
   * not gone more than 3 points below the lowest before them (at most `timeoutMs`). Read
   * right after a warm-up or after opening thousands of sockets, the first windows still
   * carry that work (seconds of it); the lowest of the first three alone could be a level
   * no round would settle below, and every round would then begin at once.
   */
  async calibrate(timeoutMs = 15_000): Promise<number> {
    if (this.maxWaitMs <= 0) return (this.rest = 0)
    const started = performance.now()
    let lowest = (await this.busy(500)).percent
    for (let steady = 0; steady < 3 && performance.now() - started < timeoutMs; ) {
      const { percent } = await this.busy(500)
      steady = percent < lowest - 3 ? 0 : steady + 1
      lowest = Math.min(lowest, percent)
    }
    this.rest = lowest
    return this.rest
  }

  /**
   * Waits until a 300 ms window is within 10 points of the rest level (at most `timeoutMs`):
   * the time waited, and who was busy in the first window (what the round before left).
   */
  async settle(timeoutMs = this.maxWaitMs): Promise<{ waitedMs: number; percent: number; quiet: boolean; leftBy: string }> {
    if (timeoutMs <= 0) return { waitedMs: 0, percent: 0, quiet: true, leftBy: '' }
    const rest = this.rest ?? (await this.calibrate())
    const started = performance.now()
    let leftBy: string | undefined
    for (;;) {
      const { percent, by } = await this.busy(300)
      leftBy ??= [...by].filter(([, p]) => p >= 5).sort((x, y) => y[1] - x[1]).map(([name, p]) => `${name} ${Math.round(p)}%`).join(', ')
      const waitedMs = Math.round(performance.now() - started)
      if (percent <= rest + 10 || waitedMs >= timeoutMs) return { waitedMs, percent: Math.round(percent), quiet: percent <= rest + 10, leftBy }
    }
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = probe.port
  probe.stop(true)
  return port
}

export interface ServerProcess {
  name: string
  pid: number
  baseUrl: string
  stop(): Promise<void>
}

/** Starts a server and waits until GET /health answers 200. */
export async function startServer(opts: { name: string; cmd: string[]; env: Record<string, string>; port: number; timeoutMs?: number }) {
  const proc = Bun.spawn(opts.cmd, {
    env: { ...process.env, ...opts.env, PORT: String(opts.port) },
    stdout: 'ignore',
    stderr: 'pipe',
  })
  let stderr = ''
  void (async () => {
    for await (const chunk of proc.stderr) stderr = (stderr + new TextDecoder().decode(chunk)).slice(-4000)
  })()
  const baseUrl = `http://127.0.0.1:${opts.port}`
  const until = Date.now() + (opts.timeoutMs ?? 60_000)
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${opts.name} exited with ${proc.exitCode}: ${stderr.trim()}`)
    const ok = await fetch(`${baseUrl}/health`).then((r) => r.ok, () => false)
    if (ok) break
    if (Date.now() > until) {
      proc.kill('SIGKILL')
      throw new Error(`${opts.name} did not answer /health within ${opts.timeoutMs ?? 60_000} ms: ${stderr.trim()}`)
    }
    await sleep(100)
  }
  const server: ServerProcess = {
    name: opts.name,
    pid: proc.pid,
    baseUrl,
    async stop() {
      proc.kill('SIGTERM')
      const exited = await Promise.race([proc.exited.then(() => true), sleep(10_000).then(() => false)])
      if (!exited) {
        proc.kill('SIGKILL')
        await proc.exited
      }
    },
  }
  return server
}

/** Runs one load generator process on `job`; rejects if it fails or overruns `timeoutMs`. */
export async function runLoadgen(job: Job, timeoutMs: number): Promise<JobResult[]> {
  const file = join(tmpdir(), `hearth-bench-job-${process.pid}-${Date.now()}.json`)
  await Bun.write(file, JSON.stringify(job))
  const proc = Bun.spawn(['bun', join(import.meta.dir, 'loadgen.ts'), file], { stdout: 'inherit', stderr: 'inherit' })
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs)
  const result = Bun.file(resultFile(file))
  try {
    const code = await proc.exited
    if (code !== 0 || !(await result.exists())) throw new Error(`load generator (${job.scenario}) exited ${code ?? 'killed'} without a result`)
    return (await result.json()) as JobResult[]
  } finally {
    clearTimeout(timer)
    await Bun.file(file).delete().catch(() => {})
    await result.delete().catch(() => {})
  }
}

/** Where the load generator given the job file `jobFile` writes its results. */
export const resultFile = (jobFile: string) => `${jobFile}.result.json`

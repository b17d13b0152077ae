// Child processes of a benchmark run: servers under test and load generators, each bounded
// in time and stopped by its own pid.
import { readFileSync } from 'node:fs'
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

/** CPU time (user + system) a process has used so far, in seconds (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
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
  const proc = Bun.spawn(['bun', join(import.meta.dir, 'loadgen.ts'), file], { stdout: 'pipe', stderr: 'inherit' })
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs)
  try {
    const out = await new Response(proc.stdout).text()
    const code = await proc.exited
    const line = out.split('\n').find((l) => l.startsWith('RESULT '))
    if (!line) throw new Error(`load generator (${job.scenario}) exited ${code ?? 'killed'} without a result`)
    return JSON.parse(line.slice('RESULT '.length)) as JobResult[]
  } finally {
    clearTimeout(timer)
    await Bun.file(file).delete().catch(() => {})
  }
}

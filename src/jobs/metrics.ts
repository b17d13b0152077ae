import { Counter, Gauge } from 'prom-client'
import type { Metrics } from '../lib/metrics'
import type { JobStats } from './consumers'
import { queueNames } from './queues'
import type { JobRunner } from './runner'

const depthStates = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const

/** The job system's part of /metrics, plus BullMQ's own Prometheus export. */
export class JobMetrics {
  readonly completed: Counter<'queue'>
  readonly failed: Counter<'queue'>
  readonly dead: Counter<'queue'>
  readonly threadRestarts: Counter
  readonly totals: JobStats = {}

  constructor({ metrics, runner, nodeId }: { metrics: Metrics; runner: JobRunner; nodeId: string }) {
    const registers = [metrics.registry]
    this.completed = new Counter({ name: 'hearth_jobs_completed_total', help: 'Jobs that succeeded, by queue', labelNames: ['queue'], registers })
    this.failed = new Counter({ name: 'hearth_jobs_failed_total', help: 'Failed job attempts (retried or not), by queue', labelNames: ['queue'], registers })
    this.dead = new Counter({ name: 'hearth_jobs_dead_lettered_total', help: 'Jobs moved to the dead letters, by queue', labelNames: ['queue'], registers })
    this.threadRestarts = new Counter({ name: 'hearth_job_thread_restarts_total', help: 'Job worker threads that died and were replaced', registers })
    new Gauge({
      name: 'hearth_job_threads',
      help: 'Live job worker threads',
      registers,
      collect() {
        this.set(runner.liveThreads)
      },
    })
    new Gauge({
      name: 'hearth_queue_jobs',
      help: 'Jobs in each queue by state (queue depth)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        const depth = await runner.depth().catch(() => undefined)
        if (!depth) return
        for (const queue of queueNames) for (const state of depthStates) this.set({ queue, state }, depth[queue][state] ?? 0)
      },
    })
    // Both dead-letter gauges come from one query per scrape: the first collect of a
    // scrape starts it, the second shares it.
    let stats: ReturnType<JobRunner['deadLetters']['stats']> | undefined
    const deadLetterStats = () => {
      if (!stats) {
        stats = runner.deadLetters.stats()
        const clear = () => void setTimeout(() => (stats = undefined), 0)
        stats.then(clear, clear)
      }
      return stats.catch(() => undefined)
    }
    new Gauge({
      name: 'hearth_dead_letters',
      help: 'Dead letters by status',
      labelNames: ['status'],
      registers,
      async collect() {
        const s = await deadLetterStats()
        if (!s) return
        for (const [status, n] of Object.entries(s.byStatus)) this.set({ status }, n)
      },
    })
    new Gauge({
      name: 'hearth_dead_letter_recovery_ratio',
      help: 'Dead letters recovered by a replay / all dead letters',
      registers,
      async collect() {
        const s = await deadLetterStats()
        if (s) this.set(s.recoveryRate)
      },
    })
    metrics.addTextExporter(async () => {
      const texts = await Promise.all(queueNames.map((q) => runner.queues[q].exportPrometheusMetrics({ node: nodeId })))
      return mergeExposition(texts)
    })
  }

  record(stats: JobStats): void {
    for (const [queue, s] of Object.entries(stats)) {
      if (s.completed) this.completed.inc({ queue }, s.completed)
      if (s.failed) this.failed.inc({ queue }, s.failed)
      if (s.dead) this.dead.inc({ queue }, s.dead)
      const t = (this.totals[queue as keyof JobStats] ??= { completed: 0, failed: 0, dead: 0 })
      t.completed += s.completed
      t.failed += s.failed
      t.dead += s.dead
    }
  }
}

/** Joins expositions of the same metric families from several queues: one HELP/TYPE per family, samples grouped. */
function mergeExposition(texts: string[]): string {
  const families = new Map<string, { header: string[]; samples: string[] }>()
  for (const line of texts.flatMap((t) => t.split('\n'))) {
    if (!line.trim()) continue
    const comment = /^# (?:HELP|TYPE) (\S+)/.exec(line)
    const name = comment ? comment[1]! : line.split(/[{ ]/, 1)[0]!
    const family = families.get(name) ?? { header: [], samples: [] }
    families.set(name, family)
    if (!comment) family.samples.push(line)
    else if (!family.header.includes(line)) family.header.push(line)
  }
  return [...families.values()].flatMap((f) => [...f.header, ...f.samples]).join('\n') + '\n'
}

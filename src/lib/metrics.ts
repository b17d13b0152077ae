import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

/** One registry per app instance, so several apps can share a process (tests). */
export class Metrics {
  readonly registry = new Registry()
  readonly httpDuration = new Histogram({
    name: 'hearth_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  })

  /** Failures that reached a last line of defence: a 500, a WebSocket op, an unhandled rejection. */
  readonly errors = new Counter({
    name: 'hearth_errors_total',
    help: 'Errors caught by a last line of defence, by where they were caught',
    labelNames: ['where'] as const,
    registers: [this.registry],
  })

  /** Text in the Prometheus format from outside prom-client (BullMQ's own export). */
  private readonly textExporters: (() => Promise<string>)[] = []

  constructor(labels: { nodeId: string }) {
    this.registry.setDefaultLabels({ node: labels.nodeId })
    collectDefaultMetrics({ register: this.registry })
  }

  addTextExporter(exporter: () => Promise<string>): void {
    this.textExporters.push(exporter)
  }

  /** The whole /metrics page: the registry, then every text exporter (one that fails is left out). */
  async render(): Promise<string> {
    const parts = [await this.registry.metrics()]
    for (const exporter of this.textExporters) parts.push(await exporter().catch(() => ''))
    return parts.filter(Boolean).join('\n')
  }
}

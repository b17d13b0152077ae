import { collectDefaultMetrics, Histogram, Registry } from 'prom-client'

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

  constructor(labels: { nodeId: string }) {
    this.registry.setDefaultLabels({ node: labels.nodeId })
    collectDefaultMetrics({ register: this.registry })
  }
}

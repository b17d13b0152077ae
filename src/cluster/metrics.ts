import { Gauge } from 'prom-client'
import type { Metrics } from '../lib/metrics'
import type { Cluster } from '.'

/** Cluster figures for /metrics, read when scraped. */
export function registerClusterMetrics(metrics: Metrics, cluster: Cluster) {
  const registers = [metrics.registry]
  new Gauge({
    name: 'hearth_cluster_members',
    help: 'Live nodes as this node sees them',
    registers,
    collect() {
      this.set(cluster.membership.live().length)
    },
  })
  new Gauge({
    name: 'hearth_cluster_room_messages_received',
    help: 'Messages this node received on room channels (only rooms with local sockets)',
    registers,
    collect() {
      this.set(cluster.bus.received.room)
    },
  })
  new Gauge({
    name: 'hearth_cluster_commands',
    help: 'Room commands by where they ran: local (owned here), remote (sent to the owner), retries, served (for other nodes)',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      const s = cluster.router.stats
      this.set({ kind: 'local' }, s.localCommands)
      this.set({ kind: 'remote' }, s.remoteCommands)
      this.set({ kind: 'retry' }, s.retries)
      this.set({ kind: 'served' }, s.served)
    },
  })
}

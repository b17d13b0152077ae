import { Counter, Gauge, Histogram } from 'prom-client'
import type { Metrics } from '../lib/metrics'
import type { Fanout } from './fanout'
import type { Gateway } from './gateway'
import type { RoomHub } from './hub'

const names = [
  'hearth_ws_connections',
  'hearth_rooms_active',
  'hearth_ws_closed_by_server',
  'hearth_ws_frames_in_total',
  'hearth_ws_events_out_total',
  'hearth_fanout_latency_seconds',
]

/** WebSocket and room figures for /metrics, read from the gateway and hub when scraped. */
export function registerRealtimeMetrics(metrics: Metrics, parts: { gateway: Gateway; hub: RoomHub; fanout: Fanout }) {
  const registers = [metrics.registry]
  // The newest services of a registry own these (a test may build a second app on the same resources).
  for (const name of names) metrics.registry.removeSingleMetric(name)
  new Gauge({
    name: 'hearth_ws_connections',
    help: 'Open WebSocket connections on this node',
    registers,
    collect() {
      this.set(parts.gateway.connections)
    },
  })
  new Gauge({
    name: 'hearth_rooms_active',
    help: 'Rooms with sockets subscribed on this node',
    registers,
    collect() {
      this.set(parts.hub.activeRooms)
    },
  })
  new Gauge({
    name: 'hearth_ws_closed_by_server',
    help: 'Sockets this node closed, by reason',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      for (const [reason, n] of Object.entries(parts.gateway.closes)) this.set({ reason }, n)
    },
  })
  const framesIn = new Counter({ name: 'hearth_ws_frames_in_total', help: 'Client frames received', registers })
  const eventsOut = new Counter({
    name: 'hearth_ws_events_out_total',
    help: 'Events delivered to sockets, by type',
    labelNames: ['type'] as const,
    registers,
  })
  const fanoutLatency = new Histogram({
    name: 'hearth_fanout_latency_seconds',
    help: 'From a message being committed to its event being handed to the sockets',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  })
  parts.fanout.onPublish((type, sockets) => eventsOut.inc({ type }, sockets))
  parts.gateway.onFrame(() => framesIn.inc())
  parts.hub.onCommitted((createdAt) => fanoutLatency.observe(Math.max(0, Date.now() - createdAt.getTime()) / 1000))
}

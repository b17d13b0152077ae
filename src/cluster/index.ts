import { RoomHost } from '../../rooms/host'
import type { PermissionService } from '../modules/permissions/service'
import type { Resources } from '../resources'
import { ClusterBus } from './bus'
import { ClusterFanout, PermissionRelay } from './fanout'
import { Membership } from './membership'
import { registerClusterMetrics } from './metrics'
import { RedisRouter } from './redis-router'

export { HashRing } from './ring'
export { Membership } from './membership'
export { RedisRouter } from './redis-router'

/**
 * This node's part in a cluster (CLUSTER=redis): its lease, the ring, the Redis router
 * in front of its RoomHost, and the Redis fan-out of ephemeral events and permission
 * changes. Built synchronously with the services; `start()` joins, `stop()` hands over.
 */
export class Cluster {
  readonly bus: ClusterBus
  readonly membership: Membership
  readonly host: RoomHost
  readonly router: RedisRouter
  readonly fanout: ClusterFanout
  private relay: PermissionRelay | undefined
  private started = false

  constructor(private readonly res: Pick<Resources, 'config' | 'log' | 'db' | 'redis' | 'metrics'>) {
    const { cluster, nodeId, flyMachineId } = res.config
    this.bus = new ClusterBus(res)
    this.membership = new Membership(
      { bus: this.bus, log: res.log },
      { nodeId, machineId: flyMachineId, leaseMs: cluster.leaseMs, heartbeatMs: cluster.heartbeatMs, pollMs: cluster.pollMs },
    )
    this.host = new RoomHost(res)
    this.router = new RedisRouter(
      { bus: this.bus, membership: this.membership, host: this.host, log: res.log },
      { requestTimeoutMs: cluster.requestTimeoutMs, sendDeadlineMs: cluster.sendDeadlineMs, vnodes: cluster.vnodes },
    )
    this.fanout = new ClusterFanout({ bus: this.bus, router: this.router, log: res.log })
    registerClusterMetrics(res.metrics, this)
  }

  get nodeId(): string {
    return this.membership.nodeId
  }

  async start(parts: { permissions: PermissionService }): Promise<void> {
    await this.bus.start()
    await this.router.start()
    await this.fanout.start()
    this.relay = new PermissionRelay({ bus: this.bus, log: this.res.log }, { nodeId: this.nodeId, permissions: parts.permissions })
    await this.relay.start()
    await this.membership.join()
    this.started = true
    this.res.log.info('joined the cluster', { nodeId: this.nodeId, members: this.membership.live(), shardedPubSub: this.bus.sharded })
  }

  /**
   * Gives the lease up: the others place this node's rooms on themselves at once, and
   * this node forwards what it is still asked to the new owners while its actors finish.
   */
  async leave(): Promise<void> {
    if (!this.started) return
    await this.membership.leave()
  }

  async stop(): Promise<void> {
    if (!this.started) return this.host.stop()
    this.started = false
    await this.membership.leave()
    await this.router.stop()
    await this.bus.close()
  }

  /** The Fly machine that owns a room, when it is not this one (for fly-replay). */
  async replayTarget(roomId: string): Promise<string | undefined> {
    const owner = this.router.ownerOf(roomId)
    if (owner === this.nodeId) return undefined
    return this.membership.machineOf(owner)
  }
}

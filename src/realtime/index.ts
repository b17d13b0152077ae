import { LocalRouter, RoomHistory, RoomHost, type Router } from '../../rooms'
import { Cluster } from '../cluster'
import type { AuthService } from '../modules/auth/service'
import type { PermissionService } from '../modules/permissions/service'
import type { Resources } from '../resources'
import { Fanout } from './fanout'
import { Gateway } from './gateway'
import { RoomHub } from './hub'
import { registerRealtimeMetrics } from './metrics'
import type { OpHandlers } from './ops'
import { Presence } from './presence'
import { realtimeRoutes } from './routes'
import { UserChannels } from './user-channel'

export type RealtimeResources = Pick<Resources, 'config' | 'log' | 'metrics' | 'db' | 'redis'>

/**
 * Everything live on one node, as one system: the room actors (or, with CLUSTER=redis,
 * this node's part of the cluster: lease, ring, Redis router), the fan-out to sockets,
 * the room hub, presence, the users' cross-node channels and the WebSocket gateway.
 * `start()` joins, `stop()` closes sockets (4012), hands rooms over and drains the actors.
 */
export class Realtime {
  readonly cluster: Cluster | undefined
  /** This node's room actors (absent when a router was given: tests that route elsewhere). */
  readonly host: RoomHost | undefined
  readonly router: Router
  readonly fanout: Fanout
  readonly hub: RoomHub
  readonly presence: Presence
  readonly gateway: Gateway
  private readonly permissions: PermissionService

  constructor(
    private readonly res: RealtimeResources,
    deps: { auth: AuthService; permissions: PermissionService; router?: Router },
  ) {
    // Worker-only processes serve no sockets and run no room commands: they stay off the ring.
    const clustered = !deps.router && res.config.cluster.mode === 'redis' && res.config.role !== 'worker'
    this.cluster = clustered ? new Cluster(res) : undefined
    this.host = deps.router ? undefined : (this.cluster?.host ?? new RoomHost(res))
    this.router = deps.router ?? this.cluster?.router ?? new LocalRouter({ host: this.host! })
    this.fanout = this.cluster?.fanout ?? new Fanout()
    this.presence = new Presence(res, this.fanout)
    this.hub = new RoomHub({ router: this.router, fanout: this.fanout, log: res.log })
    const history = new RoomHistory(res)
    this.gateway = new Gateway({
      ...res,
      auth: deps.auth,
      permissions: deps.permissions,
      hub: this.hub,
      fanout: this.fanout,
      presence: this.presence,
      userChannels: new UserChannels(res, this.fanout),
      lastSeq: (roomId) => history.lastSeq(roomId),
    })
    registerRealtimeMetrics(res.metrics, { gateway: this.gateway, hub: this.hub, fanout: this.fanout })
    this.permissions = deps.permissions
  }

  /** The features' WebSocket ops. */
  answer(handlers: OpHandlers): void {
    this.gateway.answer(handlers)
  }

  /** `/ws`, `/v1/rooms/:id/ws` and `GET /cluster`. */
  routes(auth: AuthService) {
    return realtimeRoutes({ gateway: this.gateway, cluster: this.cluster, auth, flyMachineId: this.res.config.flyMachineId })
  }

  async start(): Promise<void> {
    if (this.res.config.role !== 'worker') {
      await this.presence.startedAt(Date.now()).catch((err) => this.res.log.warn('could not clear the presence of an earlier run', { error: err }))
    }
    await this.cluster?.start({ permissions: this.permissions })
    if (this.cluster) this.presence.followNodes(this.cluster.membership, this.res.config.cluster.leaseMs)
  }

  /** Closes sockets (4012), hands rooms over to the other nodes, and drains the room actors. */
  async stop(): Promise<void> {
    await this.cluster?.leave()
    await this.gateway.stop()
    if (this.cluster) await this.cluster.stop()
    else await this.host?.stop()
  }
}

import { LocalRouter, RoomHost, type Router } from '../rooms'
import { authGuard } from './modules/auth/guard'
import { AuthService } from './modules/auth/service'
import { InviteService } from './modules/communities/invites'
import { CommunityService } from './modules/communities/service'
import { PinService } from './modules/messages/pins'
import { ReceiptService } from './modules/messages/receipts'
import { MessageService } from './modules/messages/service'
import { NotificationService } from './modules/notifications/service'
import { MuteService } from './modules/notifications/mutes'
import { RoleService } from './modules/permissions/roles'
import { PermissionService } from './modules/permissions/service'
import { DmService } from './modules/rooms/dms'
import { RoomService } from './modules/rooms/service'
import { Cluster } from './cluster'
import { Fanout } from './realtime/fanout'
import { Gateway } from './realtime/gateway'
import { RoomHub } from './realtime/hub'
import { Presence } from './realtime/presence'
import { UserChannels } from './realtime/user-channel'
import { registerRealtimeMetrics } from './realtime/metrics'
import type { Resources } from './resources'

/** The app's services, built once from the resources and shared by REST and WebSocket. */
export function createServices(res: Resources, opts: { router?: Router } = {}) {
  const auth = new AuthService(res)
  const permissions = new PermissionService(res)
  const dms = new DmService(res, permissions)
  // Worker-only processes serve no sockets and run no room commands: they stay off the ring.
  const clustered = !opts.router && res.config.cluster.mode === 'redis' && res.config.role !== 'worker'
  const cluster = clustered ? new Cluster(res) : undefined
  const host = opts.router ? undefined : (cluster?.host ?? new RoomHost(res))
  const router = opts.router ?? cluster?.router ?? new LocalRouter({ host: host! })
  const fanout = cluster?.fanout ?? new Fanout()
  const receipts = new ReceiptService(res, permissions, fanout)
  const notifications = new NotificationService(res, permissions)
  const mutes = new MuteService(res, permissions)
  const messages = new MessageService(res, permissions, router, receipts, {
    notifyMany: (inputs) => notifications.notifyMany(inputs),
    mutedIn: (roomId, userIds) => mutes.mutedIn(roomId, userIds),
  })
  const presence = new Presence(res, fanout)
  const hub = new RoomHub({ router, fanout, log: res.log })
  const gateway = new Gateway(res, {
    auth,
    permissions,
    hub,
    fanout,
    presence,
    userChannels: new UserChannels(res, fanout),
    ops: { permissions, messages, receipts, hub, fanout, presence, redis: res.redis },
  })
  const realtimeMetrics = registerRealtimeMetrics(res.metrics, { gateway, hub, fanout })
  gateway.onFrame = realtimeMetrics.frameIn
  hub.onCommitted = realtimeMetrics.committedAt
  return {
    res,
    auth,
    permissions,
    communities: new CommunityService(res, permissions),
    invites: new InviteService(res, permissions),
    roles: new RoleService(res, permissions),
    rooms: new RoomService(res, permissions, dms),
    dms,
    router,
    host,
    cluster,
    fanout,
    messages,
    receipts,
    pins: new PinService(res, permissions, messages, fanout),
    presence,
    hub,
    gateway,
    notifications,
    mutes,
    /** The guard every signed-in module uses: token check plus the per-user write and read limits. */
    signedIn: () =>
      authGuard(auth, { rateLimiter: res.rateLimiter, writes: res.config.rateLimits.writesPerUser, reads: res.config.rateLimits.readsPerUser }),
    /** Joins the cluster (CLUSTER=redis); nothing to do on a single node. */
    async start() {
      if (res.config.role !== 'worker') {
        await presence.startedAt(Date.now()).catch((err) => res.log.warn('could not clear the presence of an earlier run', { error: err }))
      }
      await cluster?.start({ permissions })
      if (cluster) presence.followNodes(cluster.membership, res.config.cluster.leaseMs)
    },
    /** Closes sockets (4012), hands rooms over to the other nodes, and drains the room actors. */
    async stop() {
      await cluster?.leave()
      await gateway.stop()
      if (cluster) await cluster.stop()
      else await host?.stop()
    },
  }
}

export type Services = ReturnType<typeof createServices>

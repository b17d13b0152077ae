import { Elysia, t } from 'elysia'
import type { Cluster } from '.'
import { isUuid } from '../lib/ids'
import type { AuthService } from '../modules/auth/service'
import { platformAdminGuard } from '../modules/admin/guard'

const roomSocketPath = /^\/v1\/rooms\/([^/]+)\/ws$/

const ClusterQuery = t.Object({ roomId: t.Optional(t.String({ maxLength: 64 })) })
const ClusterView = t.Object({
  mode: t.Union([t.Literal('off'), t.Literal('redis')]),
  nodeId: t.Nullable(t.String()),
  members: t.Array(t.String(), { description: 'live nodes, by id' }),
  shardedPubSub: t.Boolean(),
  roomMessagesReceived: t.Integer(),
  activeRooms: t.Integer({ description: 'room actors on this node' }),
  owner: t.Optional(t.Nullable(t.String({ description: 'the node that owns roomId' }))),
})

/**
 * The cluster's HTTP side. On Fly, a socket opened for one room (`/v1/rooms/:id/ws`) on
 * a machine that does not own the room is answered with `fly-replay: instance=<owner>`,
 * so the proxy opens it on the owner and the room's fan-out stays on one machine. A
 * request that was already replayed is served where it lands (no loops while the ring
 * settles). `GET /cluster` shows this node's view to platform admins (operators, tests).
 */
export const clusterRoutes = (cluster: Cluster | undefined, opts: { flyMachineId: string | undefined; auth: AuthService }) =>
  new Elysia({ name: 'cluster', detail: { tags: ['operations'] } })
    .onRequest(async ({ request }) => {
      if (!cluster || !opts.flyMachineId || request.headers.has('fly-replay-src')) return
      const roomId = roomSocketPath.exec(new URL(request.url).pathname)?.[1]
      if (!roomId || !isUuid(roomId)) return
      const machine = await cluster.replayTarget(roomId)
      if (!machine || machine === opts.flyMachineId) return
      return new Response(null, { status: 307, headers: { 'fly-replay': `instance=${machine}` } })
    })
    .use(platformAdminGuard(opts.auth))
    .get(
      '/cluster',
      ({ query }) => ({
        mode: cluster ? ('redis' as const) : ('off' as const),
        nodeId: cluster?.nodeId ?? null,
        members: cluster?.membership.live() ?? [],
        shardedPubSub: cluster?.bus.sharded ?? false,
        roomMessagesReceived: cluster?.bus.received.room ?? 0,
        activeRooms: cluster?.host.activeRooms().length ?? 0,
        ...(query.roomId ? { owner: cluster ? cluster.router.ownerOf(query.roomId) : null } : {}),
      }),
      {
        query: ClusterQuery,
        response: { 200: ClusterView },
        detail: {
          summary: "This node's view of the cluster: members, and the owner of a room when asked. Platform admins only",
          security: [{ bearer: [] }],
        },
      },
    )

import type { Server, ServerWebSocket } from 'bun'
import { Elysia, t } from 'elysia'
import { AppError } from '../lib/errors'
import type { Cluster } from '../cluster'
import { clusterRoutes } from '../cluster/http'
import type { AuthService } from '../modules/auth/service'
import type { Gateway } from './gateway'

const Upgraded = t.Void({ description: 'Switching Protocols: the socket is open (frames: docs/api.md)' })
const query = t.Object({ token: t.Optional(t.String({ maxLength: 4096 })) })
const summary = 'WebSocket gateway (see docs/api.md): ops subscribe, send, edit, delete, react, typing, read, delivered, presence, ping, auth'

/**
 * What Bun keeps for each socket. Elysia's server-wide WebSocket handlers call
 * `ws.data.open/message/close`; here those are methods on the prototype, shared by every
 * socket, and the data is the token until the socket opens. (Elysia's own `.ws()` keeps
 * the whole upgrade context per socket, with a set of fresh closures: about 12 KB of the
 * 30 KB an idle socket cost, measured by scripts/bench scenario 3.)
 */
class SocketData {
  constructor(
    private token: string | undefined,
    private readonly gateway: Gateway,
    private readonly server: Server<unknown>,
  ) {}

  open(ws: ServerWebSocket<SocketData>) {
    const token = this.token
    this.token = undefined
    this.gateway.open(ws as ServerWebSocket<unknown>, token, this.server)
  }

  // The gateway turns every failure of a frame into an error frame; it never rejects.
  message(ws: ServerWebSocket<SocketData>, frame: string | Buffer) {
    void this.gateway.message(ws as ServerWebSocket<unknown>, frame)
  }

  close(ws: ServerWebSocket<SocketData>) {
    this.gateway.close(ws as ServerWebSocket<unknown>)
  }
}

/**
 * `/ws?token=<accessToken>`: the protocol of docs/api.md, served by the gateway.
 * `/v1/rooms/:id/ws` speaks the same protocol; naming the room lets a cluster on Fly
 * replay the socket to the room's owner machine (src/cluster/http.ts, which also serves
 * `GET /cluster`).
 */
export const realtimeRoutes = (deps: { gateway: Gateway; cluster: Cluster | undefined; auth: AuthService; flyMachineId: string | undefined }) => {
  const { gateway } = deps
  const upgrade = ({ request, server, query, set }: { request: Request; server: Server<unknown> | null; query: { token?: string }; set: { status?: number | string } }) => {
    if (server?.upgrade(request, { data: new SocketData(query.token, gateway, server) })) {
      set.status = 101 // for the request log and metrics; Bun has already answered the upgrade
      return undefined
    }
    throw new AppError('bad_request', 'expected a WebSocket upgrade (GET with Upgrade: websocket)')
  }
  return new Elysia({ detail: { tags: ['realtime'] } })
    .use(clusterRoutes(deps.cluster, { flyMachineId: deps.flyMachineId, auth: deps.auth }))
    .get('/ws', upgrade, { query, response: { 101: Upgraded }, detail: { summary } })
    .get('/v1/rooms/:id/ws', upgrade, {
      query,
      response: { 101: Upgraded },
      detail: { summary: `${summary}; the socket is for the room in the path (on Fly it is replayed to the room's owner machine)` },
    })
}

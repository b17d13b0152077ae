import type { ServerWebSocket } from 'bun'
import { Elysia, t } from 'elysia'
import type { Gateway } from './gateway'

// Elysia's type of the raw socket predates some of Bun's methods (getBufferedAmount);
// at run time it is Bun's own ServerWebSocket.
const bunSocket = (raw: unknown) => raw as ServerWebSocket<unknown>

const query = t.Object({ token: t.Optional(t.String({ maxLength: 4096 })) })
const summary = 'WebSocket gateway (see API.md): ops subscribe, send, edit, delete, react, typing, read, delivered, presence, ping, auth'

/**
 * `/ws?token=<accessToken>`: the protocol of API.md, served by the gateway.
 * `/v1/rooms/:id/ws` speaks the same protocol; naming the room lets a cluster on Fly
 * replay the socket to the room's owner machine (src/cluster/http.ts).
 */
export const realtimeModule = (gateway: Gateway) =>
  new Elysia({ detail: { tags: ['realtime'] } })
    .ws('/ws', {
      query,
      open: (ws) => gateway.open(bunSocket(ws.raw), ws.data.query.token, ws.data.server),
      message: (ws, message) => void gateway.message(bunSocket(ws.raw), message),
      close: (ws) => gateway.close(bunSocket(ws.raw)),
      detail: { summary },
    })
    .ws('/v1/rooms/:id/ws', {
      query,
      open: (ws) => gateway.open(bunSocket(ws.raw), ws.data.query.token, ws.data.server),
      message: (ws, message) => void gateway.message(bunSocket(ws.raw), message),
      close: (ws) => gateway.close(bunSocket(ws.raw)),
      detail: { summary: `${summary}; the socket is for the room in the path (on Fly it is replayed to the room's owner machine)` },
    })

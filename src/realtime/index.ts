import type { ServerWebSocket } from 'bun'
import { Elysia, t } from 'elysia'
import type { Gateway } from './gateway'

// Elysia's type of the raw socket predates some of Bun's methods (getBufferedAmount);
// at run time it is Bun's own ServerWebSocket.
const bunSocket = (raw: unknown) => raw as ServerWebSocket<unknown>

/** `/ws?token=<accessToken>`: the protocol of API.md, served by the gateway. */
export const realtimeModule = (gateway: Gateway) =>
  new Elysia({ detail: { tags: ['realtime'] } }).ws('/ws', {
    query: t.Object({ token: t.Optional(t.String({ maxLength: 4096 })) }),
    open(ws) {
      gateway.open(bunSocket(ws.raw), ws.data.query.token, ws.data.server)
    },
    message(ws, message) {
      void gateway.message(bunSocket(ws.raw), message)
    },
    close(ws) {
      gateway.close(bunSocket(ws.raw))
    },
    detail: { summary: 'WebSocket gateway (see API.md): ops subscribe, send, edit, delete, react, typing, read, delivered, presence, ping, auth' },
  })

// The load generator's view of the three systems: one `Connection` shape over
// Hearth's JSON protocol (also spoken by the raw server) and over Socket.IO.
import { io, type Socket } from 'socket.io-client'
import { nowMs } from './stats'

export type System = 'raw' | 'hearth' | 'socketio'

export interface Connection {
  subscribe(roomId: string): Promise<void>
  /** Resolves on the server's ack (for Hearth: after the commit). */
  send(roomId: string, body: string, nonce: string): Promise<void>
  ping(): Promise<void>
  close(): void
}

/** Called with the body of every message pushed to this connection. */
export type OnMessage = (body: string) => void

export const BODY_BYTES = 128

/** Sockets the server closed or dropped, per system, by close code or reason (ours are not counted). */
export const serverCloses: Partial<Record<System, Record<string, number>>> = {}
const countClose = (system: System, why: string) => {
  const counts = (serverCloses[system] ??= {})
  counts[why] = (counts[why] ?? 0) + 1
}
const MARK = '@@t='

/** A message body of exactly BODY_BYTES characters carrying its send time and a tag. */
export function stampBody(tag: number): string {
  const head = `${MARK}${nowMs().toFixed(3)};${tag};`
  return head.padEnd(BODY_BYTES, 'x')
}

/** Reads the stamp back out of a body, or out of a whole JSON frame that contains one. */
export function readStamp(text: string): { sentAt: number; tag: number } | undefined {
  const at = text.indexOf(MARK)
  if (at < 0) return undefined
  const end = text.indexOf(';', at)
  const tagEnd = text.indexOf(';', end + 1)
  return { sentAt: Number(text.slice(at + MARK.length, end)), tag: Number(text.slice(end + 1, tagEnd)) }
}

export function connect(system: System, baseUrl: string, token: string, onMessage: OnMessage): Promise<Connection> {
  return system === 'socketio' ? connectSocketIo(baseUrl, onMessage) : connectJson(system, baseUrl, token, onMessage)
}

interface Pending {
  resolve(): void
  reject(err: Error): void
}

/** Hearth's protocol (API.md "WebSocket"); the raw server answers the same frames. */
function connectJson(system: System, baseUrl: string, token: string, onMessage: OnMessage): Promise<Connection> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`
  const ws = new WebSocket(url)
  const pending = new Map<number, Pending>()
  let nextId = 1
  let closed: Error | undefined
  let closing = false

  const request = (frame: Record<string, unknown>) =>
    new Promise<void>((resolve, reject) => {
      if (closed) return reject(closed)
      const id = nextId++
      pending.set(id, { resolve, reject })
      ws.send(JSON.stringify({ ...frame, id }))
    })

  ws.onmessage = (event) => {
    const text = typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data as ArrayBuffer)
    // Pushed messages are recognised by their stamp without parsing the whole frame (acks carry
    // no body): the generator's CPU is shared with the server under test.
    if (text.includes(MARK)) return onMessage(text)
    let frame: { op?: string; id?: number; code?: string; message?: string }
    try {
      frame = JSON.parse(text)
    } catch {
      return
    }
    const waiter = frame.id === undefined ? undefined : pending.get(frame.id)
    if (!waiter) return
    pending.delete(frame.id!)
    if (frame.op === 'error') waiter.reject(new Error(`${frame.code}: ${frame.message}`))
    else waiter.resolve()
  }

  const connection: Connection = {
    subscribe: (roomId) => request({ op: 'subscribe', roomId }),
    send: (roomId, body, nonce) => request({ op: 'send', roomId, nonce, body }),
    ping: () => request({ op: 'ping' }),
    close: () => {
      closing = true
      ws.close()
    },
  }

  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(connection)
    ws.onerror = () => reject(new Error(`websocket error on ${baseUrl}`))
    ws.onclose = (event) => {
      closed = new Error(`closed ${event.code} ${event.reason}`)
      if (!closing) countClose(system, String(event.code))
      for (const waiter of pending.values()) waiter.reject(closed)
      pending.clear()
      reject(closed)
    }
  })
}

function connectSocketIo(baseUrl: string, onMessage: OnMessage): Promise<Connection> {
  const socket: Socket = io(baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 30_000 })
  const call = (event: string, ...args: unknown[]) =>
    new Promise<void>((resolve, reject) => {
      socket.timeout(30_000).emit(event, ...args, (err: Error | null, answer?: { error?: string }) => {
        if (err) reject(err)
        else if (answer?.error) reject(new Error(answer.error))
        else resolve()
      })
    })
  socket.on('message', (message: { body: string }) => onMessage(message.body))
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') countClose('socketio', reason)
  })
  const connection: Connection = {
    subscribe: (roomId) => call('subscribe', { roomId }),
    send: (roomId, body, nonce) => call('send', { roomId, body, nonce }),
    ping: () => call('ping', {}),
    close: () => socket.close(),
  }
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(connection))
    socket.once('connect_error', (err) => reject(err))
  })
}

/** Opens `count` connections, `batch` at a time; token i is `tokens[i % tokens.length]`. */
export async function connectMany(
  system: System,
  baseUrl: string,
  tokens: string[],
  count: number,
  onMessage: OnMessage,
  batch = 200,
): Promise<Connection[]> {
  const out: Connection[] = []
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start)
    const opened = await Promise.all(
      Array.from({ length: size }, (_, k) => connect(system, baseUrl, tokens[(start + k) % Math.max(1, tokens.length)] ?? '', onMessage)),
    )
    out.push(...opened)
  }
  return out
}

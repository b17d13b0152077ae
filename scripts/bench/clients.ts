// The load generator's view of the systems: one `Connection` shape over Hearth's JSON
// protocol (also spoken by the raw server), Socket.IO, NATS JetStream and XMPP (ejabberd).
import { io, type Socket } from 'socket.io-client'
import { nowMs } from './stats'

/** `baseline` is Hearth from another checkout (`--baseline <dir>`), for before/after figures in one run. */
export type System = 'raw' | 'hearth' | 'baseline' | 'socketio' | 'nats' | 'ejabberd'

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
  if (system === 'socketio') return connectSocketIo(baseUrl, onMessage)
  if (system === 'nats') return connectNats(baseUrl, onMessage)
  if (system === 'ejabberd') return connectXmpp(baseUrl, token, onMessage)
  return connectJson(system, baseUrl, token, onMessage)
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

/** The JetStream stream every NATS connection publishes into and reads from (subjects `bench.<room>`). */
export const NATS_STREAM = 'bench'

/**
 * NATS JetStream: one NATS connection per socket. `subscribe` is an ordered consumer on the
 * room's subject from new messages on; `send` is a publish that resolves on the stream's
 * PubAck (stored, file storage).
 */
async function connectNats(url: string, onMessage: OnMessage): Promise<Connection> {
  const [{ connect }, { jetstream }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')])
  const nc = await connect({ servers: url.replace(/^nats:\/\//, ''), reconnect: false })
  const js = jetstream(nc)
  const decoder = new TextDecoder()
  const consumers: { close(): Promise<unknown> }[] = []
  let closing = false
  void nc.closed().then(() => {
    if (!closing) countClose('nats', 'closed')
  })
  return {
    async subscribe(roomId) {
      const consumer = await js.consumers.get(NATS_STREAM, { filter_subjects: `bench.${roomId}`, deliver_policy: 'new' })
      const messages = await consumer.consume({ max_messages: 256 })
      consumers.push(messages)
      void (async () => {
        for await (const m of messages) onMessage(decoder.decode(m.data))
      })().catch(() => {})
    },
    async send(roomId, body) {
      await js.publish(`bench.${roomId}`, body)
    },
    ping: () => nc.flush(),
    close() {
      closing = true
      void Promise.allSettled(consumers.map((c) => c.close())).then(() => nc.close())
    },
  }
}

export const XMPP_DOMAIN = 'bench.localhost'
export const XMPP_MUC = `muc.${XMPP_DOMAIN}`
export const XMPP_PASSWORD = 'bench'

/**
 * ejabberd over XMPP (@xmpp/client, plain TCP, SASL PLAIN): `subscribe` joins the room's
 * multi-user chat and waits for the room's own presence; `send` is a groupchat message
 * that resolves when the room reflects it back (after mod_mam archived it in Postgres).
 * The token is the user name.
 */
async function connectXmpp(url: string, username: string, onMessage: OnMessage): Promise<Connection> {
  const { client, xml } = await import('@xmpp/client')
  const xmpp = client({
    service: url,
    domain: XMPP_DOMAIN,
    resource: 'bench',
    // Its 2 s default for each step of the login is short on a busy machine opening 1000 at once.
    timeout: 60_000,
    // The client offers PLAIN only over TLS; the bench runs on loopback without it.
    credentials: (authenticate: (c: object, mechanism: string) => Promise<void>) => authenticate({ username, password: XMPP_PASSWORD }, 'PLAIN'),
  })
  const pending = new Map<string, Pending>()
  const joining = new Map<string, () => void>()
  let closing = false
  let nextId = 0
  xmpp.on('error', () => {})
  xmpp.on('offline', () => {
    if (!closing) countClose('ejabberd', 'offline')
    for (const waiter of pending.values()) waiter.reject(new Error('offline'))
    pending.clear()
  })
  xmpp.on('stanza', (stanza) => {
    if (stanza.is('message')) {
      const body = stanza.getChildText('body')
      if (body) onMessage(body)
      const id = stanza.attrs.id as string | undefined
      const waiter = id === undefined ? undefined : pending.get(id)
      if (waiter && String(stanza.attrs.from).endsWith(`/${username}`)) {
        pending.delete(id!)
        if (stanza.attrs.type === 'error') waiter.reject(new Error(`xmpp error ${stanza.toString().slice(0, 200)}`))
        else waiter.resolve()
      }
    } else if (stanza.is('presence')) {
      const room = String(stanza.attrs.from).split('/')[0]!
      const self = stanza.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChildren('status').some((s) => s.attrs.code === '110')
      if (self || stanza.attrs.type === 'error') joining.get(room)?.()
    }
  })
  await xmpp.start()
  return {
    subscribe: (roomId) =>
      new Promise<void>((resolve) => {
        const room = `${roomId}@${XMPP_MUC}`
        joining.set(room, () => {
          joining.delete(room)
          resolve()
        })
        void xmpp.send(xml('presence', { to: `${room}/${username}` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' }, xml('history', { maxstanzas: '0' }))))
      }),
    send: (roomId, body, nonce) =>
      new Promise<void>((resolve, reject) => {
        const id = `${nonce}-${nextId++}`
        pending.set(id, { resolve, reject })
        xmpp.send(xml('message', { to: `${roomId}@${XMPP_MUC}`, type: 'groupchat', id }, xml('body', {}, body))).catch(reject)
      }),
    ping: async () => {
      await xmpp.iqCaller.request(xml('iq', { type: 'get', to: XMPP_DOMAIN }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 30_000)
    },
    close() {
      closing = true
      void xmpp.stop().catch(() => {})
    },
  }
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

import type { Socket, TCPSocketListener } from 'bun'

/** One WebSocket frame from the server (server frames are never masked). */
export interface ServerFrame {
  opcode: number
  payload: Uint8Array
  /** The whole frame as it came, header included. */
  bytes: Uint8Array
  /** A text frame's payload parsed as JSON, when it is. */
  json?: any
}

export interface ProxyOptions {
  /** Where the server listens. */
  target: { host: string; port: number }
  /** Extra delay of each chunk, per direction (order is kept). */
  delayMs?: () => number
  /**
   * For each new WebSocket connection: after how many bytes from the client the proxy cuts it
   * (in the middle of whatever frame those bytes belong to), or undefined to leave it be.
   */
  cutAfterClientBytes?: () => number | undefined
  /** The same for bytes from the server (the client gets half a frame, then the line drops). */
  cutAfterServerBytes?: () => number | undefined
  /** Rewrites the server's WebSocket frames: the frames to pass on instead (none: dropped). */
  serverFrame?: (frame: ServerFrame, conn: ProxyConnection) => Uint8Array[]
}

export interface ProxyConnection {
  readonly id: number
  readonly websocket: boolean
  /** Sends a close frame with `code` to the client, then cuts both sides. */
  closeClient(code: number, reason?: string): void
  cut(): void
}

interface Pipe {
  socket: Socket<unknown> | undefined
  queue: Uint8Array[]
  /** Delayed chunks waiting their turn (keeps order). */
  chain: Promise<void>
}

/**
 * A TCP proxy for the client's tests: every connection (HTTP or WebSocket) goes through it
 * to the server, delayed, cut after a number of bytes (in the middle of a send), or with the
 * server's WebSocket frames rewritten (dropped, doubled). `cutAll()` drops every connection;
 * `refuse(true)` turns new connections away, as a server that is down would.
 */
export class ChaosProxy {
  private listener: TCPSocketListener<unknown> | undefined
  private readonly conns = new Set<Conn>()
  private refusing = false
  private nextId = 1
  readonly stats = { connections: 0, websockets: 0, cuts: 0, refused: 0 }

  constructor(private readonly opts: ProxyOptions) {}

  get port(): number {
    return this.listener!.port
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  start(port = 0): this {
    this.listener = Bun.listen<Conn | undefined>({
      hostname: '127.0.0.1',
      port,
      socket: {
        open: (client) => {
          if (this.refusing) {
            this.stats.refused++
            client.end()
            return
          }
          const conn = new Conn(this.nextId++, client as Socket<unknown>, this.opts, this)
          client.data = conn
          this.conns.add(conn)
          this.stats.connections++
        },
        data: (client, chunk) => client.data?.fromClient(new Uint8Array(chunk)),
        drain: (client) => client.data?.drained('client'),
        close: (client) => client.data?.closedBy('client'),
        error: (client) => client.data?.closedBy('client'),
      },
    }) as TCPSocketListener<unknown>
    return this
  }

  /** Turns new connections away (true) or lets them through again (false). */
  refuse(on: boolean) {
    this.refusing = on
  }

  /** Cuts every open connection. */
  cutAll() {
    for (const conn of [...this.conns]) conn.cut()
  }

  /** Every open WebSocket connection gets a close frame with `code` (as if the server sent it). */
  closeClients(code: number, reason = '') {
    for (const conn of [...this.conns]) if (conn.websocket) conn.closeClient(code, reason)
  }

  get open(): ProxyConnection[] {
    return [...this.conns]
  }

  forget(conn: Conn) {
    this.conns.delete(conn)
  }

  stop() {
    this.cutAll()
    this.listener?.stop(true)
  }
}

class Conn implements ProxyConnection {
  websocket = false
  private readonly client: Pipe
  private readonly server: Pipe = { socket: undefined, queue: [], chain: Promise.resolve() }
  private closed = false
  private ended = false
  private clientBytes = 0
  private serverBytes = 0
  private cutAt: number | undefined
  private serverCutAt: number | undefined
  /** Server bytes before the end of the HTTP answer (the upgrade), then frame bytes not yet whole. */
  private serverBuffer: Uint8Array = new Uint8Array(0)
  private upgraded = false

  constructor(
    readonly id: number,
    clientSocket: Socket<unknown>,
    private readonly opts: ProxyOptions,
    private readonly proxy: ChaosProxy,
  ) {
    this.client = { socket: clientSocket, queue: [], chain: Promise.resolve() }
    Bun.connect<Conn>({
      hostname: opts.target.host,
      port: opts.target.port,
      socket: {
        open: (s) => {
          if (this.closed) return void s.end()
          this.server.socket = s as Socket<unknown>
          this.flush(this.server)
        },
        data: (_s, chunk) => this.fromServer(new Uint8Array(chunk)),
        drain: () => this.drained('server'),
        close: () => this.closedBy('server'),
        error: () => this.closedBy('server'),
        connectError: () => this.closedBy('server'),
      },
    }).catch(() => this.closedBy('server'))
  }

  fromClient(chunk: Uint8Array) {
    if (this.closed) return
    if (this.clientBytes === 0 && startsWithUpgrade(chunk)) {
      this.websocket = true
      this.proxy.stats.websockets++
      this.cutAt = this.opts.cutAfterClientBytes?.()
      this.serverCutAt = this.opts.cutAfterServerBytes?.()
    }
    this.clientBytes += chunk.length
    if (this.cutAt !== undefined && this.clientBytes > this.cutAt) {
      // The part of this chunk before the cut goes through: the server sees half a frame.
      const keep = chunk.length - (this.clientBytes - this.cutAt)
      if (keep > 0) this.forward(this.server, chunk.subarray(0, keep))
      void this.server.chain.then(() => this.cut())
      return
    }
    this.forward(this.server, chunk)
  }

  fromServer(chunk: Uint8Array) {
    if (this.closed) return
    if (this.websocket && this.serverCutAt !== undefined) {
      this.serverBytes += chunk.length
      if (this.serverBytes > this.serverCutAt) {
        const keep = chunk.length - (this.serverBytes - this.serverCutAt)
        if (keep > 0) this.forward(this.client, chunk.subarray(0, keep))
        void this.client.chain.then(() => this.cut())
        return
      }
    }
    if (!this.opts.serverFrame || !this.websocket) return this.forward(this.client, chunk)
    this.serverBuffer = concat(this.serverBuffer, chunk)
    if (!this.upgraded) {
      const end = indexOfHeaderEnd(this.serverBuffer)
      if (end < 0) return
      this.forward(this.client, this.serverBuffer.subarray(0, end))
      this.serverBuffer = this.serverBuffer.subarray(end)
      this.upgraded = true
    }
    for (;;) {
      const frame = readFrame(this.serverBuffer)
      if (!frame) break
      this.serverBuffer = this.serverBuffer.subarray(frame.bytes.length)
      for (const out of this.opts.serverFrame(frame, this)) this.forward(this.client, out)
    }
  }

  closeClient(code: number, reason = '') {
    if (this.closed) return
    this.forward(this.client, closeFrame(code, reason))
    void this.client.chain.then(() => setTimeout(() => this.cut(), 20))
  }

  cut() {
    if (this.closed) return
    this.closed = true
    this.proxy.stats.cuts++
    this.end()
  }

  drained(side: 'client' | 'server') {
    this.flush(side === 'client' ? this.client : this.server)
  }

  closedBy(_side: 'client' | 'server') {
    if (this.closed) return
    this.closed = true
    // Whatever the other side still has queued goes first (an orderly end), then it ends.
    void Promise.all([this.client.chain, this.server.chain]).then(() => this.end())
  }

  private end() {
    this.ended = true
    this.proxy.forget(this)
    this.client.socket?.end()
    this.server.socket?.end()
  }

  private forward(pipe: Pipe, chunk: Uint8Array) {
    const copy = chunk.slice()
    const delay = this.opts.delayMs?.() ?? 0
    if (delay <= 0 && pipe.queue.length === 0) {
      pipe.chain = pipe.chain.then(() => this.write(pipe, copy))
      return
    }
    pipe.chain = pipe.chain.then(async () => {
      if (delay > 0) await Bun.sleep(delay)
      this.write(pipe, copy)
    })
  }

  private write(pipe: Pipe, chunk: Uint8Array) {
    if (this.ended || (this.closed && pipe === this.server)) return
    pipe.queue.push(chunk)
    this.flush(pipe)
  }

  private flush(pipe: Pipe) {
    const socket = pipe.socket
    if (!socket) return
    while (pipe.queue.length) {
      const head = pipe.queue[0]!
      const written = socket.write(head)
      if (written < head.length) {
        pipe.queue[0] = head.subarray(Math.max(0, written))
        return
      }
      pipe.queue.shift()
    }
  }
}

const UPGRADE = new TextEncoder().encode('GET ')

function startsWithUpgrade(chunk: Uint8Array): boolean {
  if (!UPGRADE.every((b, i) => chunk[i] === b)) return false
  return /upgrade:\s*websocket/i.test(new TextDecoder().decode(chunk.subarray(0, 2048)))
}

function indexOfHeaderEnd(buf: Uint8Array): number {
  for (let i = 3; i < buf.length; i++) {
    if (buf[i - 3] === 13 && buf[i - 2] === 10 && buf[i - 1] === 13 && buf[i] === 10) return i + 1
  }
  return -1
}

function readFrame(buf: Uint8Array): ServerFrame | undefined {
  if (buf.length < 2) return undefined
  const opcode = buf[0]! & 0x0f
  const masked = (buf[1]! & 0x80) !== 0
  let length = buf[1]! & 0x7f
  let offset = 2
  if (length === 126) {
    if (buf.length < 4) return undefined
    length = (buf[2]! << 8) | buf[3]!
    offset = 4
  } else if (length === 127) {
    if (buf.length < 10) return undefined
    length = Number(new DataView(buf.buffer, buf.byteOffset + 2, 8).getBigUint64(0))
    offset = 10
  }
  if (masked) offset += 4
  if (buf.length < offset + length) return undefined
  const payload = buf.slice(offset, offset + length)
  const frame: ServerFrame = { opcode, payload, bytes: buf.slice(0, offset + length) }
  if (opcode === 1) {
    try {
      frame.json = JSON.parse(new TextDecoder().decode(payload))
    } catch {
      // not JSON: passed on as it is
    }
  }
  return frame
}

/** A server-to-client text frame (unmasked) carrying `value` as JSON. */
export function textFrame(value: unknown): Uint8Array {
  return frameOf(1, new TextEncoder().encode(JSON.stringify(value)))
}

function closeFrame(code: number, reason: string): Uint8Array {
  const text = new TextEncoder().encode(reason)
  const payload = new Uint8Array(2 + text.length)
  payload[0] = code >> 8
  payload[1] = code & 0xff
  payload.set(text, 2)
  return frameOf(8, payload)
}

function frameOf(opcode: number, payload: Uint8Array): Uint8Array {
  const header = payload.length < 126 ? 2 : payload.length < 65536 ? 4 : 10
  const out = new Uint8Array(header + payload.length)
  out[0] = 0x80 | opcode
  if (header === 2) out[1] = payload.length
  else if (header === 4) {
    out[1] = 126
    out[2] = payload.length >> 8
    out[3] = payload.length & 0xff
  } else {
    out[1] = 127
    new DataView(out.buffer).setBigUint64(2, BigInt(payload.length))
  }
  out.set(payload, header)
  return out
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** A test WebSocket client speaking the protocol of API.md, with small waiting helpers. */
export class WsClient {
  readonly frames: any[] = []
  private readonly consumed = new WeakSet<object>()
  closeCode: number | undefined
  private waiters: { match: (f: any) => boolean; resolve: (f: any) => void }[] = []
  private closeWaiters: ((code: number) => void)[] = []
  private nextId = 1

  private constructor(readonly socket: WebSocket) {
    socket.onmessage = (e) => {
      const frame = JSON.parse(String(e.data))
      this.frames.push(frame)
      const waiter = this.waiters.find((w) => w.match(frame))
      if (waiter) {
        this.consumed.add(frame)
        this.waiters = this.waiters.filter((w) => w !== waiter)
        waiter.resolve(frame)
      }
    }
    socket.onclose = (e) => {
      this.closeCode = e.code
      for (const w of this.closeWaiters) w(e.code)
    }
  }

  static open(wsUrl: string, token: string | undefined, path = '/ws'): Promise<WsClient> {
    const url = token === undefined ? `${wsUrl}${path}` : `${wsUrl}${path}?token=${encodeURIComponent(token)}`
    const socket = new WebSocket(url)
    const client = new WsClient(socket)
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(client)
      socket.onerror = () => reject(new Error('websocket failed to open'))
    })
  }

  /** Sends an op and waits for its answer (ack, error or pong). */
  async request(op: string, fields: Record<string, unknown> = {}, ms = 5000): Promise<any> {
    const id = `r${this.nextId++}`
    const answer = this.next((f) => f.id === id && (f.op === 'ack' || f.op === 'error' || f.op === 'pong'), ms)
    this.send({ op, id, ...fields })
    return answer
  }

  send(frame: unknown) {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** The next frame (already received or coming) that matches. */
  next(match: (f: any) => boolean, ms = 5000): Promise<any> {
    const already = this.frames.find((f) => !this.consumed.has(f) && match(f))
    if (already) {
      this.consumed.add(already)
      return Promise.resolve(already)
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${ms} ms; got ${JSON.stringify(this.frames.slice(-5))}`)), ms)
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer)
          resolve(f)
        },
      })
    })
  }

  event(type: string, ms = 5000, where: (f: any) => boolean = () => true) {
    return this.next((f) => f.op === 'event' && f.type === type && where(f), ms)
  }

  events(type: string, roomId?: string): any[] {
    return this.frames.filter((f) => f.op === 'event' && f.type === type && (roomId === undefined || f.roomId === roomId))
  }

  /** Waits until `n` events of a type have arrived in total. */
  async waitForEvents(type: string, n: number, ms = 10_000, roomId?: string) {
    const deadline = Date.now() + ms
    while (this.events(type, roomId).length < n) {
      if (Date.now() > deadline) throw new Error(`got ${this.events(type, roomId).length} of ${n} ${type} events`)
      await Bun.sleep(10)
    }
    return this.events(type, roomId)
  }

  closed(ms = 5000): Promise<number> {
    if (this.closeCode !== undefined) return Promise.resolve(this.closeCode)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), ms)
      this.closeWaiters.push((code) => {
        clearTimeout(timer)
        resolve(code)
      })
    })
  }

  close() {
    this.socket.close()
  }
}

import { AppError } from '../lib/errors'
import type { Logger } from '../lib/log'
import type { ClusterBus } from './bus'
import { encodeError, parseWire, RemoteError, type WireError } from './wire'

/** The node did not answer in time (it may be dead, or the request may still run there). */
export class RequestTimeoutError extends AppError {
  constructor(nodeId: string, what: string, ms: number) {
    super('dependency_unavailable', `node ${nodeId} did not answer ${what} within ${ms} ms`, { retryAfter: 1 })
  }
}

/** Nobody listens on the node's inbox: it is gone (its lease has not expired yet). */
export class NodeUnreachableError extends AppError {
  constructor(nodeId: string) {
    super('dependency_unavailable', `node ${nodeId} is not reachable`, { retryAfter: 1 })
  }
}

interface Request {
  id: string
  from: string
  body: unknown
}

type Reply = { id: string; value: unknown } | { id: string; error: WireError }

interface Pending {
  resolve(value: unknown): void
  reject(err: unknown): void
  timer: ReturnType<typeof setTimeout>
}

/**
 * Request/response between nodes over Redis pub/sub: a request carries an id and goes to
 * the target's inbox channel; the answer comes back on the sender's reply channel. Every
 * request has a timeout that rejects with a clear error.
 */
export class NodeRpc {
  private readonly pending = new Map<string, Pending>()
  private handler: ((body: unknown) => Promise<unknown>) | undefined

  constructor(private readonly res: { bus: ClusterBus; log: Logger }, private readonly nodeId: string) {}

  private inbox(nodeId: string) {
    return this.res.bus.channel('inbox', nodeId)
  }

  private replies(nodeId: string) {
    return this.res.bus.channel('reply', nodeId)
  }

  /** Starts answering requests with `handler` (what it throws goes back as a typed error). */
  async serve(handler: (body: unknown) => Promise<unknown>): Promise<void> {
    this.handler = handler
    await this.res.bus.subscribe(this.replies(this.nodeId), (m) => this.onReply(m))
    await this.res.bus.subscribe(this.inbox(this.nodeId), (m) => void this.onRequest(m))
  }

  /** Stops answering (later requests find nobody listening). */
  async stop(): Promise<void> {
    await this.res.bus.unsubscribe(this.inbox(this.nodeId)).catch(() => {})
  }

  async request<T>(nodeId: string, body: unknown, opts: { timeoutMs: number; what: string }): Promise<T> {
    const id = crypto.randomUUID()
    const answer = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new RequestTimeoutError(nodeId, opts.what, opts.timeoutMs))
      }, opts.timeoutMs)
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer })
    })
    const request: Request = { id, from: this.nodeId, body }
    let listeners: number
    try {
      listeners = await this.res.bus.publish(this.inbox(nodeId), JSON.stringify(request))
    } catch (err) {
      this.settle(id)?.reject(err)
      return answer
    }
    if (listeners === 0) this.settle(id)?.reject(new NodeUnreachableError(nodeId))
    return answer
  }

  private settle(id: string): Pending | undefined {
    const p = this.pending.get(id)
    if (!p) return undefined
    this.pending.delete(id)
    clearTimeout(p.timer)
    return p
  }

  private onReply(text: string) {
    const reply = parseWire<Reply>(text)
    const p = this.settle(reply.id)
    if (!p) return
    if ('error' in reply) p.reject(new RemoteError(reply.error))
    else p.resolve(reply.value)
  }

  private async onRequest(text: string) {
    let request: Request
    try {
      request = parseWire<Request>(text)
    } catch {
      return
    }
    let reply: Reply
    try {
      if (!this.handler) throw new AppError('dependency_unavailable', 'this node is not serving requests')
      reply = { id: request.id, value: await this.handler(request.body) }
    } catch (err) {
      if (!(err instanceof AppError)) this.res.log.error('cluster request failed', { error: err })
      reply = { id: request.id, error: encodeError(err) }
    }
    await this.res.bus.publish(this.replies(request.from), JSON.stringify(reply)).catch(() => {})
  }
}

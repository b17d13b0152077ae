import type { Server, ServerWebSocket } from 'bun'
import { AppError } from '../lib/errors'
import { has, Perm } from '../modules/permissions/bits'
import type { Resources } from '../resources'
import type { AuthService, AuthUser } from '../modules/auth/service'
import type { PermissionService } from '../modules/permissions/service'
import { communityTopic, userTopic, type Fanout } from './fanout'
import type { RoomHub } from './hub'
import { handleOp, type OpContext } from './ops'
import type { Presence } from './presence'
import type { UserChannels } from './user-channel'
import { CloseCode, parseFrame } from './protocol'
import { OpBudget, StormCollector } from './upkeep'

export interface Socket {
  id: string
  raw: ServerWebSocket<unknown>
  user: AuthUser
  /** Rooms joined, with the permission scope each belongs to. */
  rooms: Map<string, string>
  communities: Set<string>
  /** Sends of one socket enter their rooms in the order they were sent. */
  sendChain: Promise<void>
  expiry: ReturnType<typeof setTimeout> | undefined
  violations: number[]
  closed: boolean
}

const SWEEP_MS = 250
const SWEEP_SLICE = 2000

export interface GatewayDeps {
  auth: AuthService
  permissions: PermissionService
  hub: RoomHub
  fanout: Fanout
  presence: Presence
  userChannels: UserChannels
  ops: Omit<OpContext, 'gateway'>
}

/**
 * The WebSocket gateway of one node: sessions (user, devices, joined rooms), op
 * dispatch, the per-user op budget, backpressure, token expiry, and re-checking live
 * subscriptions whenever permissions change.
 */
export class Gateway {
  private readonly sockets = new Map<ServerWebSocket<unknown>, Socket>()
  private readonly pending = new Map<ServerWebSocket<unknown>, Promise<Socket | undefined>>()
  private readonly byUser = new Map<string, Set<Socket>>()
  private readonly budget: OpBudget
  private readonly storms: StormCollector
  private readonly timers: ReturnType<typeof setInterval>[] = []
  private accepting = true
  /** Where the backpressure sweep goes on from, so one tick checks a bounded slice of the sockets. */
  private sweepCursor: Iterator<Socket> | undefined
  /** Permission changes heard so far: a subscribe that heard one while it checked checks again. */
  permissionChanges = 0
  /** Sockets this node closed, by reason (exported in /metrics). */
  readonly closes = { badToken: 0, rateLimited: 0, tooSlow: 0 }
  onFrame: (() => void) | undefined

  constructor(
    private readonly res: Pick<Resources, 'config' | 'log' | 'metrics'>,
    private readonly deps: GatewayDeps,
  ) {
    this.budget = new OpBudget(res.config.ws.ops)
    this.storms = new StormCollector({ threshold: res.config.ws.gcAfterOpens, log: res.log })
    this.timers.push(
      setInterval(() => {
        this.sweepBackpressure()
        this.budget.prune()
        this.storms.tick(this.sockets.size)
      }, SWEEP_MS),
    )
    this.timers.push(setInterval(() => void this.heartbeat(), 30_000))
    for (const t of this.timers) t.unref?.()
    deps.permissions.onChange((scopes) => {
      this.permissionChanges++
      void this.revalidate(scopes)
    })
  }

  /** Ends a socket's subscription to a room it may no longer see, and tells the client. */
  revoke(socket: Socket, roomId: string) {
    if (!socket.rooms.delete(roomId)) return
    this.deps.hub.leave(socket.raw, roomId)
    this.reply(socket, { op: 'event', type: 'subscription.revoked', roomId, data: { roomId } })
  }

  get connections(): number {
    return this.sockets.size
  }

  open(raw: ServerWebSocket<unknown>, token: string | undefined, server: Server<unknown> | null) {
    this.deps.fanout.attach(server)
    const ready = this.authenticate(raw, token).catch((err) => {
      this.res.log.error('could not set up a socket', { error: err })
      this.res.metrics.errors.inc({ where: 'ws_open' })
      raw.close(1011, 'internal error')
      return this.sockets.get(raw)
    })
    this.pending.set(raw, ready)
    void ready.finally(() => this.pending.delete(raw))
  }

  /**
   * One client frame. Never rejects: whatever goes wrong becomes an `error` frame for the
   * client (or, if even that fails, a close with 1011), is logged once and counted in
   * /metrics (hearth_errors_total{where="ws_op"}).
   */
  async message(raw: ServerWebSocket<unknown>, frame: unknown): Promise<void> {
    let socket: Socket | undefined
    let id: string | number | undefined
    try {
      // A frame that arrives while the socket is still being set up (topics, presence) waits for it.
      const pending = this.pending.get(raw)
      socket = pending ? await pending : this.sockets.get(raw)
      if (!socket || socket.closed) return
      this.onFrame?.()
      const parsed = parseFrame(frame)
      id = parsed.ok ? parsed.op.id : parsed.id
      // Every frame spends from the budget, a malformed one too.
      if (!this.spend(socket)) return this.reply(socket, { op: 'error', id, code: 'rate_limited', message: 'slow down' })
      if (!parsed.ok) return this.reply(socket, { op: 'error', id, code: parsed.code, message: parsed.message })
      const answer = await handleOp(parsed.op, socket, { ...this.deps.ops, gateway: this })
      if (answer !== undefined) this.reply(socket, answer)
    } catch (err) {
      this.failed(raw, socket, id, err)
    }
  }

  private failed(raw: ServerWebSocket<unknown>, socket: Socket | undefined, id: string | number | undefined, err: unknown) {
    const known = err instanceof AppError ? err : undefined
    if (!known || known.status >= 500) {
      if (!(known?.code === 'dependency_unavailable')) {
        this.res.log.error('websocket frame failed', { userId: socket?.user.id, error: err })
        this.res.metrics.errors.inc({ where: 'ws_op' })
      }
    }
    try {
      if (!socket) return void raw.close(1011, 'internal error')
      this.reply(socket, {
        op: 'error',
        id,
        code: known?.code ?? 'internal_error',
        message: known?.message ?? 'something went wrong on our side',
        ...(known?.retryAfter ? { retryAfter: known.retryAfter } : {}),
      })
    } catch {
      raw.close(1011, 'internal error')
    }
  }

  close(raw: ServerWebSocket<unknown>) {
    const socket = this.sockets.get(raw)
    if (!socket) {
      // Closed while its token was still being checked: clean up once it is registered.
      void this.pending.get(raw)?.then((s) => s && this.close(raw))
      return
    }
    socket.closed = true
    this.sockets.delete(raw)
    clearTimeout(socket.expiry)
    for (const roomId of socket.rooms.keys()) this.deps.hub.leave(socket.raw, roomId)
    const mine = this.byUser.get(socket.user.id)
    mine?.delete(socket)
    if (mine?.size === 0) this.byUser.delete(socket.user.id)
    void this.deps.userChannels.unwatch(socket.user.id).catch(() => {})
    void this.deps.presence.disconnected(socket.user.id, socket.id).catch(() => {})
  }

  reply(socket: Socket, frame: Record<string, unknown>) {
    if (!socket.closed) socket.raw.send(JSON.stringify(frame))
  }

  /** A fresh access token keeps the socket open past the old one's expiry. */
  async renew(socket: Socket, token: string) {
    const user = await this.deps.auth.verifyAccessToken(token)
    if (user.id !== socket.user.id) throw new AppError('forbidden', 'the token is for another user')
    socket.user = user
    this.armExpiry(socket)
  }

  /** Stops taking sockets and asks every client to reconnect elsewhere (4012). */
  async stop() {
    this.accepting = false
    for (const t of this.timers) clearInterval(t)
    for (const socket of [...this.sockets.values()]) socket.raw.close(CloseCode.goingAway, 'server going away')
    await this.deps.userChannels.close()
  }

  private async authenticate(raw: ServerWebSocket<unknown>, token: string | undefined): Promise<Socket | undefined> {
    if (!this.accepting) {
      raw.close(CloseCode.goingAway, 'server going away')
      return undefined
    }
    let user: AuthUser
    try {
      if (!token) throw new AppError('unauthorized', 'no token')
      user = await this.deps.auth.verifyAccessToken(token)
    } catch {
      this.closes.badToken++
      raw.close(CloseCode.badToken, 'bad or expired token')
      return undefined
    }
    if ((this.byUser.get(user.id)?.size ?? 0) >= this.res.config.ws.maxSocketsPerUser) {
      this.closes.rateLimited++
      raw.close(CloseCode.rateLimited, 'too many connections for this user')
      return undefined
    }
    this.storms.opened() // counted once authenticated: bad tokens cannot make the node collect
    const socket: Socket = {
      id: crypto.randomUUID(),
      raw,
      user,
      rooms: new Map(),
      communities: new Set(),
      sendChain: Promise.resolve(),
      expiry: undefined,
      violations: [],
      closed: false,
    }
    this.sockets.set(raw, socket)
    let mine = this.byUser.get(user.id)
    if (!mine) this.byUser.set(user.id, (mine = new Set()))
    mine.add(socket)
    this.armExpiry(socket)
    raw.subscribe(userTopic(user.id))
    try {
      await this.deps.userChannels.watch(user.id)
      const audience = await this.deps.presence.audience(user.id)
      for (const id of audience.communities) {
        socket.communities.add(id)
        raw.subscribe(communityTopic(id))
      }
      // A socket that closed meanwhile was already counted out by close(): do not count it in.
      if (!socket.closed) await this.deps.presence.connected(user.id, socket.id, audience)
      if (socket.closed) await this.deps.presence.disconnected(user.id, socket.id)
    } catch (err) {
      this.res.log.warn('presence unavailable for a new socket', { error: err })
    }
    return socket
  }

  private armExpiry(socket: Socket) {
    clearTimeout(socket.expiry)
    socket.expiry = setTimeout(() => socket.raw.close(CloseCode.badToken, 'token expired'), Math.max(0, socket.user.expiresAt - Date.now()))
  }

  /** The user's op budget on this node; persistent abuse closes the socket. */
  private spend(socket: Socket): boolean {
    const now = Date.now()
    if (this.budget.take(socket.user.id, now)) return true
    socket.violations = socket.violations.filter((t) => now - t < 10_000)
    socket.violations.push(now)
    if (socket.violations.length >= this.res.config.ws.maxViolations) {
      this.closes.rateLimited++
      socket.raw.close(CloseCode.rateLimited, 'rate limited')
    }
    return false
  }

  /**
   * Closes sockets that cannot keep up. Each tick checks the next SWEEP_SLICE sockets (a
   * native call each), so idle sockets cost the node a bounded amount: every socket is
   * seen within size/SWEEP_SLICE ticks, and Bun's backpressureLimit bounds what a slow
   * one holds meanwhile.
   */
  private sweepBackpressure() {
    const limit = this.res.config.ws.maxBufferedBytes
    const slice = Math.min(SWEEP_SLICE, this.sockets.size)
    for (let checked = 0; checked < slice; checked++) {
      let next = (this.sweepCursor ??= this.sockets.values()).next()
      if (next.done) next = (this.sweepCursor = this.sockets.values()).next() // round again from the start
      if (next.done) break
      const socket = next.value
      if (!socket.closed && socket.raw.getBufferedAmount() > limit) {
        this.res.log.info('closing a socket that cannot keep up', { userId: socket.user.id })
        this.closes.tooSlow++
        socket.raw.close(CloseCode.tooSlow, 'too slow to read')
        this.close(socket.raw)
        setTimeout(() => socket.raw.terminate(), 2000).unref?.()
      }
    }
  }

  private async heartbeat() {
    const beating = [...this.byUser].map(([userId, sockets]) => [userId, [...sockets].filter((s) => !s.closed)] as const)
    await this.deps.presence
      .heartbeat(new Map(beating.map(([userId, sockets]) => [userId, sockets.map((s) => s.id)])))
      .catch((err) => this.res.log.warn('presence heartbeat failed', { error: err }))
    // A socket that closed while the beat was on its way was written back: take it out again.
    for (const [userId, sockets] of beating) {
      for (const s of sockets) if (s.closed) await this.deps.presence.disconnected(userId, s.id).catch(() => {})
    }
  }

  /** After a permission change, drop what sockets may no longer see. */
  private async revalidate(scopes: string[]) {
    const touched = new Set(scopes)
    for (const socket of this.sockets.values()) {
      for (const [roomId, scope] of socket.rooms) {
        if (!touched.has(scope)) continue
        const bits = await this.deps.permissions.inRoom(socket.user.id, roomId).catch(() => 0n)
        if (!has(bits, Perm.view)) this.revoke(socket, roomId)
      }
      for (const communityId of socket.communities) {
        if (!touched.has(communityId)) continue
        const member = await this.deps.permissions.context(communityId, socket.user.id).catch(() => undefined)
        if (!member?.member.isMember) {
          socket.communities.delete(communityId)
          socket.raw.unsubscribe(communityTopic(communityId))
        }
      }
    }
  }
}

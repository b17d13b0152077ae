import type { Server, ServerWebSocket } from 'bun'
import type { Config } from '../config'
import { AppError } from '../lib/errors'
import type { Logger } from '../lib/log'
import type { Metrics } from '../lib/metrics'
import type { AuthService, AuthUser } from '../modules/auth/service'
import type { PermissionService } from '../modules/permissions/service'
import { userTopic, type Fanout } from './fanout'
import type { RoomHub } from './hub'
import { OpBudget } from './op-budget'
import type { OpHandlers } from './ops'
import type { Presence } from './presence'
import { CloseCode, parseFrame, type ClientOp, type OpName } from './protocol'
import { SocketSession, type SessionDeps } from './session'
import { StormCollector } from './storm-collector'
import type { UserChannels } from './user-channel'

const SWEEP_MS = 250
const SWEEP_SLICE = 2000

export interface GatewayDeps {
  config: Config
  log: Logger
  metrics: Metrics
  auth: Pick<AuthService, 'verifyAccessToken'>
  permissions: PermissionService
  hub: RoomHub
  fanout: Fanout
  presence: Presence
  userChannels: UserChannels
  lastSeq(roomId: string): Promise<number>
}

/**
 * The WebSocket gateway of one node: it accepts sockets (token, per-user cap), keeps
 * their sessions, and dispatches each frame — the session's own ops (subscribe,
 * unsubscribe, auth, ping) to the session, the rest to the features that answer them —
 * under the per-user op budget; it closes sockets that cannot keep up, and has sessions
 * re-check their rooms whenever permissions change.
 */
export class Gateway {
  private readonly sessions = new Map<ServerWebSocket<unknown>, SocketSession>()
  private readonly pending = new Map<ServerWebSocket<unknown>, Promise<SocketSession | undefined>>()
  private readonly byUser = new Map<string, Set<SocketSession>>()
  private readonly budget: OpBudget
  private readonly storms: StormCollector
  private readonly timers: ReturnType<typeof setInterval>[] = []
  private readonly frameListeners = new Set<() => void>()
  private handlers: OpHandlers = {}
  private accepting = true
  /** Where the backpressure sweep goes on from, so one tick checks a bounded slice of the sockets. */
  private sweepCursor: Iterator<SocketSession> | undefined
  private permissionChanges = 0
  /**
   * What every session is given: one object for the node. (Built per socket inside
   * authenticate, its permissionChanges closure kept authenticate's whole scope alive,
   * the audience arrays with it: scripts/bench scenario 3.)
   */
  private readonly sessionDeps: SessionDeps
  /** Sockets this node closed, by reason (exported in /metrics). */
  readonly closes = { badToken: 0, rateLimited: 0, tooSlow: 0 }

  constructor(private readonly deps: GatewayDeps) {
    this.budget = new OpBudget(deps.config.ws.ops)
    this.storms = new StormCollector({ threshold: deps.config.ws.gcAfterOpens, log: deps.log })
    this.sessionDeps = {
      auth: deps.auth,
      permissions: deps.permissions,
      hub: deps.hub,
      fanout: deps.fanout,
      lastSeq: deps.lastSeq,
      permissionChanges: () => this.permissionChanges,
    }
    this.timers.push(
      setInterval(() => {
        this.sweepBackpressure()
        this.budget.prune()
        this.storms.tick(this.sessions.size)
      }, SWEEP_MS),
    )
    this.timers.push(setInterval(() => void this.heartbeat(), 30_000))
    for (const t of this.timers) t.unref?.()
    // A community joined while sockets are open: they start hearing it (its presence, who
    // joins and leaves, its rooms' changes) without reconnecting. Started by the join as the
    // community's topic carries it, once its sockets got it: every node hears that topic, in
    // the order its events were published, and the joiner, who hears their join on their own
    // topic, does not hear it a second time. A leave stops them on the same topic, so it comes
    // after the join it undoes (the permission change that also stops them travels on another
    // channel and can reach a node before the join did, finding nothing to stop).
    deps.fanout.onCommunityEvent((communityId, event) => {
      if (event.type !== 'member.joined' && event.type !== 'member.left') return
      const { userId } = event.data as { userId: string }
      for (const session of this.byUser.get(userId) ?? []) {
        if (session.closed) continue
        if (event.type === 'member.joined') session.hearCommunity(communityId)
        else session.stopHearingCommunity(communityId)
      }
    })
    deps.permissions.onChange((scopes) => {
      this.permissionChanges++
      const touched = new Set(scopes)
      for (const session of this.sessions.values()) {
        session.recheck(touched).catch((err) => deps.log.warn('could not re-check a socket after a permission change', { error: err }))
      }
    })
  }

  /** The features' op handlers (src/feature.ts `ops`), given once the features are built. */
  answer(handlers: OpHandlers): void {
    this.handlers = handlers
  }

  /** Hears every client frame (metrics). */
  onFrame(listener: () => void): () => void {
    this.frameListeners.add(listener)
    return () => this.frameListeners.delete(listener)
  }

  get connections(): number {
    return this.sessions.size
  }

  /** The open sessions of a user on this node. */
  sessionsOf(userId: string): SocketSession[] {
    return [...(this.byUser.get(userId) ?? [])]
  }

  open(raw: ServerWebSocket<unknown>, token: string | undefined, server: Server<unknown> | null) {
    this.deps.fanout.attach(server)
    const ready = this.authenticate(raw, token).catch((err) => {
      this.deps.log.error('could not set up a socket', { error: err })
      this.deps.metrics.errors.inc({ where: 'ws_open' })
      raw.close(1011, 'internal error')
      return this.sessions.get(raw)
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
    let session: SocketSession | undefined
    let id: string | number | undefined
    try {
      // A frame that arrives while the socket is still being set up (topics, presence) waits for it.
      const pending = this.pending.get(raw)
      session = pending ? await pending : this.sessions.get(raw)
      if (!session || session.closed) return
      for (const listener of this.frameListeners) listener()
      const parsed = parseFrame(frame)
      id = parsed.ok ? parsed.op.id : parsed.id
      // Every frame spends from the budget, a malformed one too.
      if (!this.spend(session)) return session.reply({ op: 'error', id, code: 'rate_limited', message: 'slow down' })
      if (!parsed.ok) return session.reply({ op: 'error', id, code: parsed.code, message: parsed.message })
      const answer = await this.dispatch(parsed.op, session)
      if (answer !== undefined) session.reply({ op: 'ack', id, ...answer })
    } catch (err) {
      this.failed(raw, session, id, err)
    }
  }

  private dispatch(op: ClientOp<OpName>, session: SocketSession): Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined {
    switch (op.op) {
      case 'ping':
        session.reply({ op: 'pong', id: op.id })
        return undefined
      case 'auth':
        return session.renew(op)
      case 'subscribe':
        return session.subscribe(op)
      case 'unsubscribe':
        return session.unsubscribe(op)
      default: {
        const handler = this.handlers[op.op] as ((op: unknown, caller: SocketSession) => Promise<Record<string, unknown> | undefined>) | undefined
        if (!handler) throw new AppError('bad_request', `op ${op.op} is not served by this node`)
        return handler(op, session)
      }
    }
  }

  private failed(raw: ServerWebSocket<unknown>, session: SocketSession | undefined, id: string | number | undefined, err: unknown) {
    const known = err instanceof AppError ? err : undefined
    if ((!known || known.status >= 500) && known?.code !== 'dependency_unavailable') {
      this.deps.log.error('websocket frame failed', { userId: session?.userId, error: err })
      this.deps.metrics.errors.inc({ where: 'ws_op' })
    }
    try {
      if (!session) return void raw.close(1011, 'internal error')
      session.reply({
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
    const session = this.sessions.get(raw)
    if (!session) {
      // Closed while its token was still being checked: clean up once it is registered.
      void this.pending.get(raw)?.then((s) => s && this.close(raw))
      return
    }
    session.ended()
    this.sessions.delete(raw)
    const mine = this.byUser.get(session.userId)
    mine?.delete(session)
    if (mine?.size === 0) this.byUser.delete(session.userId)
    void this.deps.userChannels.unwatch(session.userId).catch(() => {})
    void this.deps.presence.disconnected(session.userId, session.id).catch(() => {})
  }

  /** Stops taking sockets and asks every client to reconnect elsewhere (4012). */
  async stop() {
    this.accepting = false
    for (const t of this.timers) clearInterval(t)
    for (const session of [...this.sessions.values()]) session.close(CloseCode.goingAway, 'server going away')
    await this.deps.userChannels.close()
  }

  private async authenticate(raw: ServerWebSocket<unknown>, token: string | undefined): Promise<SocketSession | undefined> {
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
    if ((this.byUser.get(user.id)?.size ?? 0) >= this.deps.config.ws.maxSocketsPerUser) {
      this.closes.rateLimited++
      raw.close(CloseCode.rateLimited, 'too many connections for this user')
      return undefined
    }
    const session = new SocketSession(raw, user, this.sessionDeps)
    this.sessions.set(raw, session)
    let mine = this.byUser.get(user.id)
    if (!mine) this.byUser.set(user.id, (mine = new Set()))
    mine.add(session)
    raw.subscribe(userTopic(user.id))
    try {
      await this.deps.userChannels.watch(user.id)
      const audience = await this.deps.presence.audience(user.id)
      for (const id of audience.communities) session.hearCommunity(id)
      // A socket that closed meanwhile was already counted out by close(): do not count it in.
      if (!session.closed) await this.deps.presence.connected(user.id, session.id, audience)
      if (session.closed) await this.deps.presence.disconnected(user.id, session.id)
    } catch (err) {
      this.deps.log.warn('presence unavailable for a new socket', { error: err })
    }
    // Counted once set up (bad tokens cannot make the node collect), so the quiet the collector
    // waits for starts after the storm's last setup, not while its queries are still in flight.
    this.storms.opened()
    return session
  }

  /** The user's op budget on this node; persistent abuse closes the socket. */
  private spend(session: SocketSession): boolean {
    const now = Date.now()
    if (this.budget.take(session.userId, now)) return true
    session.violations = (session.violations ?? []).filter((t) => now - t < 10_000)
    session.violations.push(now)
    if (session.violations.length >= this.deps.config.ws.maxViolations) {
      this.closes.rateLimited++
      session.close(CloseCode.rateLimited, 'rate limited')
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
    const limit = this.deps.config.ws.maxBufferedBytes
    const slice = Math.min(SWEEP_SLICE, this.sessions.size)
    for (let checked = 0; checked < slice; checked++) {
      let next = (this.sweepCursor ??= this.sessions.values()).next()
      if (next.done) next = (this.sweepCursor = this.sessions.values()).next() // round again from the start
      if (next.done) break
      const session = next.value
      if (!session.closed && session.raw.getBufferedAmount() > limit) {
        this.deps.log.info('closing a socket that cannot keep up', { userId: session.userId })
        this.closes.tooSlow++
        session.close(CloseCode.tooSlow, 'too slow to read')
        this.close(session.raw)
        setTimeout(() => session.raw.terminate(), 2000).unref?.()
      }
    }
  }

  private async heartbeat() {
    const beating = [...this.byUser].map(([userId, sessions]) => [userId, [...sessions].filter((s) => !s.closed)] as const)
    await this.deps.presence
      .heartbeat(new Map(beating.map(([userId, sessions]) => [userId, sessions.map((s) => s.id)])))
      .catch((err) => this.deps.log.warn('presence heartbeat failed', { error: err }))
    // A socket that closed while the beat was on its way was written back: take it out again.
    for (const [userId, sessions] of beating) {
      for (const s of sessions) if (s.closed) await this.deps.presence.disconnected(userId, s.id).catch(() => {})
    }
  }
}

import type { ServerWebSocket } from 'bun'
import { AppError, notFound } from '../lib/errors'
import type { AuthService, AuthUser } from '../modules/auth/service'
import { has, Perm } from '../modules/permissions/bits'
import type { PermissionService } from '../modules/permissions/service'
import { communityTopic, type Fanout } from './fanout'
import type { RoomHub } from './hub'
import { CloseCode, type ClientOp } from './protocol'

/** Missed messages a subscribe replays over the socket; beyond this the client pages them in over REST. */
export const MAX_REPLAY = 5000

/** What a session needs of the node. */
export interface SessionDeps {
  auth: Pick<AuthService, 'verifyAccessToken'>
  permissions: Pick<PermissionService, 'requireRoom' | 'inRoom' | 'context'>
  hub: RoomHub
  fanout: Pick<Fanout, 'deliver'>
  lastSeq(roomId: string): Promise<number>
  /** Permission changes heard so far on this node (a subscribe that heard one while it checked checks again). */
  permissionChanges(): number
}

type Ack = Record<string, unknown>

/**
 * One socket's session: its user (renewed by `auth`), the rooms it joined (with the
 * permission scope of each) and the communities whose topics it hears, its token expiry,
 * and the order of its sends. Subscribing, unsubscribing, renewing and revoking live
 * here; the gateway only accepts sockets and dispatches frames.
 */
export class SocketSession {
  readonly id = crypto.randomUUID()
  /** Rooms joined, with the permission scope each belongs to. */
  readonly rooms = new Map<string, string>()
  readonly communities = new Set<string>()
  /** Ops refused by the budget in the last 10 s (none yet: undefined, so an idle socket keeps no array). */
  violations: number[] | undefined
  closed = false
  private expiry: ReturnType<typeof setTimeout> | undefined
  /** Sends of one socket are checked and queued in the order they were sent (none yet: undefined). */
  private order: Promise<void> | undefined

  constructor(
    readonly raw: ServerWebSocket<unknown>,
    public user: AuthUser,
    private readonly deps: SessionDeps,
  ) {
    this.armExpiry()
  }

  get userId(): string {
    return this.user.id
  }

  reply(frame: Record<string, unknown>): void {
    if (!this.closed) this.raw.send(JSON.stringify(frame))
  }

  close(code: number, reason: string): void {
    this.raw.close(code, reason)
  }

  /**
   * Runs `prepare` after the previous op given here was prepared (so one socket's sends
   * enter their rooms in order), then its commit, which may overlap the next one's.
   */
  async ordered<T>(prepare: () => Promise<() => Promise<T>>): Promise<T> {
    const prepared = (this.order ?? Promise.resolve()).then(prepare)
    // Settled to nothing: the chain would otherwise hold the last commit (and the message it
    // closes over, up to 4000 characters) for as long as the socket stays idle after it.
    this.order = prepared.then(nothing, nothing)
    return (await prepared)()
  }

  /** A fresh access token keeps the socket open past the old one's expiry. */
  async renew(op: ClientOp<'auth'>): Promise<Ack> {
    const user = await this.deps.auth.verifyAccessToken(op.token)
    if (user.id !== this.user.id) throw new AppError('forbidden', 'the token is for another user')
    this.user = user
    this.armExpiry()
    return { expiresAt: new Date(user.expiresAt).toISOString() }
  }

  /**
   * Joins a room's events: the ack (with the room's last seq) first, then what was missed
   * since `sinceSeq` (at most MAX_REPLAY; beyond, a `subscription.resync` event sends the
   * client to REST paging), then live events. Answers nothing itself: the ack is sent in order.
   */
  async subscribe(op: ClientOp<'subscribe'>): Promise<Ack | undefined> {
    const changesBefore = this.deps.permissionChanges()
    const { placement } = await this.deps.permissions.requireRoom(this.userId, op.roomId)
    // Already subscribed on this socket: the ack, and nothing replayed (nor a resync).
    if (this.rooms.has(op.roomId)) return { roomId: op.roomId, lastSeq: await this.deps.lastSeq(op.roomId) }
    this.rooms.set(op.roomId, placement.communityId ?? `room:${op.roomId}`)
    // A permission change heard while the check ran found no room here to revoke: ask again
    // before anything of the room is sent (later changes find the room and revoke it).
    if (this.deps.permissionChanges() !== changesBefore && !has(await this.deps.permissions.inRoom(this.userId, op.roomId), Perm.view)) {
      this.rooms.delete(op.roomId)
      throw notFound('room')
    }
    const lastSeq = await this.deps.lastSeq(op.roomId)
    // Closed, unsubscribed or lost access while we waited: join nothing.
    if (this.closed || !this.rooms.has(op.roomId)) return { roomId: op.roomId, lastSeq, joined: false }
    this.reply({ op: 'ack', id: op.id, roomId: op.roomId, lastSeq })
    let from = op.sinceSeq
    if (from !== undefined && lastSeq - from > MAX_REPLAY) {
      const data = { roomId: op.roomId, sinceSeq: from, lastSeq, limit: MAX_REPLAY }
      this.reply({ op: 'event', type: 'subscription.resync', roomId: op.roomId, data })
      from = lastSeq
    }
    try {
      await this.deps.hub.join(this.raw, op.roomId, from)
    } catch (err) {
      // The replay failed (the error frame follows the ack): not subscribed; the client subscribes again.
      this.rooms.delete(op.roomId)
      throw err
    }
    if (this.closed || !this.rooms.has(op.roomId)) {
      this.deps.hub.leave(this.raw, op.roomId)
      return undefined
    }
    return undefined
  }

  unsubscribe(op: ClientOp<'unsubscribe'>): Ack {
    this.rooms.delete(op.roomId)
    this.deps.hub.leave(this.raw, op.roomId)
    return { roomId: op.roomId }
  }

  /** Ends the subscription to a room the user may no longer see, and tells the client. */
  revoke(roomId: string): void {
    if (!this.rooms.delete(roomId)) return
    this.deps.hub.leave(this.raw, roomId)
    this.reply({ op: 'event', type: 'subscription.revoked', roomId, data: { roomId } })
  }

  hearCommunity(communityId: string): void {
    this.communities.add(communityId)
    this.raw.subscribe(communityTopic(communityId))
  }

  stopHearingCommunity(communityId: string): void {
    if (this.communities.delete(communityId)) this.raw.unsubscribe(communityTopic(communityId))
  }

  /** After a permission change in `touched` scopes: drops the rooms and communities the user may no longer see. */
  async recheck(touched: Set<string>): Promise<void> {
    for (const [roomId, scope] of this.rooms) {
      if (!touched.has(scope)) continue
      const bits = await this.deps.permissions.inRoom(this.userId, roomId).catch(() => 0n)
      if (!has(bits, Perm.view)) this.revoke(roomId)
    }
    for (const communityId of this.communities) {
      if (!touched.has(communityId)) continue
      const member = await this.deps.permissions.context(communityId, this.userId).catch(() => undefined)
      if (!member?.member.isMember) this.stopHearingCommunity(communityId)
    }
  }

  /** The socket is gone: leaves every room. */
  ended(): void {
    this.closed = true
    clearTimeout(this.expiry)
    for (const roomId of this.rooms.keys()) this.deps.hub.leave(this.raw, roomId)
  }

  private armExpiry(): void {
    clearTimeout(this.expiry)
    // A module-level callback given the session, not a closure per socket (scripts/bench scenario 3).
    this.expiry = setTimeout(expire, Math.max(0, this.user.expiresAt - Date.now()), this)
  }
}

function nothing(): void {}

function expire(session: SocketSession): void {
  session.close(CloseCode.badToken, 'token expired')
}

import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm'
import { communities as communitiesTable, communityMembers, roomMembers, users } from '../db/schema'
import type { Redis } from '../lib/redis'
import type { Resources } from '../resources'
import type { Fanout } from './fanout'

export type PresenceStatus = 'online' | 'idle' | 'dnd' | 'offline'

export interface Audience {
  communities: string[]
  dms: string[]
  /** The communities small enough for presence broadcasts. */
  broadcast: string[]
}

/** What presence needs of the cluster's membership (src/cluster/membership.ts). */
export interface NodeMembership {
  readonly nodeId: string
  live(): string[]
  onChange(listener: (members: string[]) => void): () => void
}

const SOCKET_TTL_SECONDS = 90
const HEARTBEAT_CHUNK = 500
const ONLINE_READ_CHUNK = 500

/**
 * Presence across devices and nodes: each open socket is a field of the user's Redis
 * hash (`<node>/<socket>` → when it was last seen), refreshed by its node's heartbeat;
 * a field not refreshed for SOCKET_TTL_SECONDS belongs to a node that died and does not
 * count (it is pruned the next time the hash is touched). The status the user chose is
 * kept beside it. A user is offline only when the last socket closes. Changes
 * go to the communities and DMs the user is in, so only people who share one see them.
 */
export class Presence {
  constructor(private readonly res: Pick<Resources, 'db' | 'redis' | 'log' | 'config'>, private readonly fanout: Fanout) {}

  /** The user's sockets (as onlineAmong reads them too). */
  private socketsKey(userId: string) {
    return this.res.redis.key('presence', 'sockets', userId)
  }

  private statusKey(userId: string) {
    return this.res.redis.key('presence', 'status', userId)
  }

  /** The users with sockets on a node, so that the others can take them offline if it dies. */
  private nodeUsersKey(nodeId: string) {
    return this.res.redis.key('presence', 'node', nodeId)
  }

  private field(socketId: string) {
    return `${this.res.config.nodeId}/${socketId}`
  }

  /** `audience` is the user's, when the caller has just read it (the gateway does, for its topics). */
  async connected(userId: string, socketId: string, audience?: Audience): Promise<void> {
    const key = this.socketsKey(userId)
    const [, , , fields, chosen] = await this.res.redis.client
      .multi()
      .hSet(key, this.field(socketId), String(Date.now()))
      .expire(key, SOCKET_TTL_SECONDS)
      .sAdd(this.nodeUsersKey(this.res.config.nodeId), userId)
      .hGetAll(key)
      .get(this.statusKey(userId))
      .exec()
    if ((await this.alive(key, fields)) === 1) await this.announce(userId, chosenStatus(chosen), audience)
  }

  async disconnected(userId: string, socketId: string): Promise<void> {
    const key = this.socketsKey(userId)
    const [, fields] = await this.res.redis.client.multi().hDel(key, this.field(socketId)).hGetAll(key).exec()
    const mine = `${this.res.config.nodeId}/`
    if (!Object.keys((fields ?? {}) as Record<string, string>).some((f) => f.startsWith(mine))) {
      await this.res.redis.client.sRem(this.nodeUsersKey(this.res.config.nodeId), userId)
    }
    if ((await this.alive(key, fields)) > 0) return
    await this.wentOffline(userId)
  }

  /**
   * Follows the cluster's members: a node that left and is still gone `graceMs` later
   * (a lease: one cut off for a moment keeps its users) is reaped by nodeGone. Never this one.
   */
  followNodes(membership: NodeMembership, graceMs: number): () => void {
    let members = membership.live()
    return membership.onChange((next) => {
      const gone = members.filter((m) => !next.includes(m) && m !== membership.nodeId)
      members = next
      for (const nodeId of gone) {
        const leftAt = Date.now()
        setTimeout(() => {
          if (membership.live().includes(nodeId)) return
          void this.nodeGone(nodeId, leftAt).catch((err) => this.res.log.warn("could not reap a dead node's presence", { nodeId, error: err }))
        }, graceMs).unref?.()
      }
    })
  }

  /**
   * A node left the cluster without closing its sockets (it died): one surviving node
   * (a short Redis claim) removes the sockets it had that were not seen since it left,
   * and announces offline the users who have no other live socket, instead of leaving
   * them online until their TTL.
   */
  async nodeGone(nodeId: string, leftAt: number): Promise<void> {
    const claimed = await this.res.redis.client.set(this.res.redis.key('presence', 'reap', nodeId), this.res.config.nodeId, {
      condition: 'NX',
      expiration: { type: 'EX', value: 10 },
    })
    if (claimed === 'OK') await this.reap(nodeId, leftAt)
  }

  /** At start: the sockets a previous run under this node id left behind (it crashed, or was killed). */
  async startedAt(startedAt: number): Promise<void> {
    await this.reap(this.res.config.nodeId, startedAt)
  }

  private async reap(nodeId: string, before: number) {
    const { client } = this.res.redis
    const prefix = `${nodeId}/`
    const setKey = this.nodeUsersKey(nodeId)
    for (const userId of await client.sMembers(setKey)) {
      const key = this.socketsKey(userId)
      const fields = (await client.hGetAll(key)) as Record<string, string>
      const dead = Object.entries(fields)
        .filter(([f, seen]) => f.startsWith(prefix) && Number(seen) < before)
        .map(([f]) => f)
      // A node back under the same id may have this user again: those sockets stay, and so does the entry.
      if (!Object.keys(fields).some((f) => f.startsWith(prefix) && !dead.includes(f))) await client.sRem(setKey, userId)
      if (dead.length === 0) continue
      // Counted from what is left after the removal, in one step, so a socket opening or closing meanwhile is seen.
      const [, rest] = await client.multi().hDel(key, dead).hGetAll(key).exec()
      if ((await this.alive(key, rest)) === 0) await this.wentOffline(userId)
    }
  }

  /** Last seen now; announced offline unless a socket opened meanwhile (a reload must not end offline). */
  private async wentOffline(userId: string) {
    await this.res.db.update(users).set({ lastSeenAt: new Date() }).where(eq(users.id, userId))
    const audience = await this.audience(userId)
    if (await this.online(userId)) return
    await this.announce(userId, 'offline', audience)
  }

  /**
   * Keeps this node's sockets alive in Redis: one MULTI per HEARTBEAT_CHUNK users. A socket
   * whose field was gone (taken for a dead node's while this one was cut off) is written
   * back, and its user announced again.
   */
  async heartbeat(socketsByUser: Map<string, string[]>): Promise<void> {
    const now = String(Date.now())
    const users = [...socketsByUser].filter(([, ids]) => ids.length > 0)
    for (let start = 0; start < users.length; start += HEARTBEAT_CHUNK) {
      const chunk = users.slice(start, start + HEARTBEAT_CHUNK)
      const multi = this.res.redis.client.multi()
      for (const [userId, socketIds] of chunk) {
        const key = this.socketsKey(userId)
        multi
          .hSet(key, Object.fromEntries(socketIds.map((id) => [this.field(id), now])))
          .expire(key, SOCKET_TTL_SECONDS)
          .sAdd(this.nodeUsersKey(this.res.config.nodeId), userId)
      }
      const replies = await multi.exec()
      for (const [i, [userId]] of chunk.entries()) {
        if (Number(replies[i * 3]) > 0) await this.announce(userId, await this.status(userId))
      }
    }
  }

  /** Whether any socket of the user was seen within the TTL (a dead node's are pruned). */
  private async online(userId: string): Promise<boolean> {
    const key = this.socketsKey(userId)
    return (await this.alive(key, await this.res.redis.client.hGetAll(key))) > 0
  }

  /** How many sockets of the hash were seen within the TTL; the others (a dead node's) are pruned. */
  private async alive(key: string, fields: unknown): Promise<number> {
    const oldest = Date.now() - SOCKET_TTL_SECONDS * 1000
    const entries = Object.entries((fields ?? {}) as Record<string, string>)
    const stale = entries.filter(([, seen]) => !(Number(seen) >= oldest)).map(([field]) => field)
    if (stale.length) await this.res.redis.client.hDel(key, stale)
    return entries.length - stale.length
  }

  /** The status a user chose; announced only when it changes (a repeat would only be fan-out). */
  async set(userId: string, status: Exclude<PresenceStatus, 'offline'>): Promise<void> {
    const previous = await this.res.redis.client.set(this.statusKey(userId), status, { GET: true })
    if (chosenStatus(previous) !== status) await this.announce(userId, status)
  }

  /**
   * One who joined a community while online is announced there (their arrival was
   * announced to the communities they had then), if it is small enough for broadcasts.
   */
  async joined(userId: string, communityId: string): Promise<void> {
    if (!(await this.online(userId))) return
    // Only this community's size matters here, not the user's whole audience; still a member (not gone again meanwhile).
    const [small] = await this.res.db
      .select({ id: communityMembers.communityId })
      .from(communityMembers)
      .innerJoin(communitiesTable, eq(communitiesTable.id, communityMembers.communityId))
      .where(
        and(
          eq(communityMembers.communityId, communityId),
          eq(communityMembers.userId, userId),
          lte(communitiesTable.memberCount, this.res.config.presenceBroadcastMaxMembers),
        ),
      )
    if (!small) return
    this.fanout.toCommunity(communityId, { type: 'presence.updated', data: { userId, status: await this.status(userId) } })
  }

  async status(userId: string): Promise<Exclude<PresenceStatus, 'offline'>> {
    return chosenStatus(await this.res.redis.client.get(this.statusKey(userId)))
  }

  /** Statuses of the given users that share a community or a DM with the viewer; others are left out. */
  async lookup(viewerId: string, userIds: string[]) {
    const visible = await this.visibleTo(viewerId, userIds)
    const rows = visible.length
      ? await this.res.db.select({ id: users.id, lastSeenAt: users.lastSeenAt }).from(users).where(inArray(users.id, visible))
      : []
    if (rows.length === 0) return []
    // Every user's sockets and chosen status in one round trip, not two reads per user (up to 100).
    const multi = this.res.redis.client.multi()
    for (const u of rows) multi.hGetAll(this.socketsKey(u.id)).get(this.statusKey(u.id))
    const replies = await multi.exec()
    return Promise.all(
      rows.map(async (u, i) => {
        const online = (await this.alive(this.socketsKey(u.id), replies[2 * i])) > 0
        return {
          userId: u.id,
          status: online ? chosenStatus(replies[2 * i + 1]) : ('offline' as const),
          lastSeenAt: online ? null : (u.lastSeenAt?.toISOString() ?? null),
        }
      }),
    )
  }

  /**
   * The communities and DM rooms of a user (where their presence is published), in one
   * query; `broadcast` are the communities small enough for presence broadcasts.
   */
  async audience(userId: string): Promise<Audience> {
    const rows = await this.res.db
      .select({
        id: communityMembers.communityId,
        dm: sql<boolean>`false`.as('dm'),
        broadcast: sql<boolean>`${communitiesTable.memberCount} <= ${this.res.config.presenceBroadcastMaxMembers}`.as('broadcast'),
      })
      .from(communityMembers)
      .innerJoin(communitiesTable, eq(communitiesTable.id, communityMembers.communityId))
      .where(eq(communityMembers.userId, userId))
      .unionAll(
        this.res.db
          .select({ id: roomMembers.roomId, dm: sql<boolean>`true`.as('dm'), broadcast: sql<boolean>`true`.as('broadcast') })
          .from(roomMembers)
          .where(and(eq(roomMembers.userId, userId), isNull(roomMembers.communityId))),
      )
    return {
      communities: rows.filter((r) => !r.dm).map((r) => r.id),
      dms: rows.filter((r) => r.dm).map((r) => r.id),
      broadcast: rows.filter((r) => !r.dm && r.broadcast).map((r) => r.id),
    }
  }

  /**
   * Announced to the user's DMs, and to their communities small enough for everyone to
   * follow everyone (PRESENCE_BROADCAST_MAX_MEMBERS, Discord's "large guild" idea): in a
   * large community every arrival would otherwise go to every open socket. There, clients
   * ask GET /v1/presence for the members they show.
   */
  private async announce(userId: string, status: PresenceStatus, known?: Audience) {
    const { broadcast, dms } = known ?? (await this.audience(userId))
    const event = { type: 'presence.updated', data: { userId, status } }
    for (const id of broadcast) this.fanout.toCommunity(id, event)
    for (const id of dms) this.fanout.toRoom(id, event)
  }

  private async visibleTo(viewerId: string, userIds: string[]): Promise<string[]> {
    const others = [...new Set(userIds)].filter((id) => id !== viewerId)
    if (others.length === 0) return userIds.includes(viewerId) ? [viewerId] : []
    const mine = await this.audience(viewerId)
    const [viaCommunity, viaDm] = await Promise.all([
      mine.communities.length
        ? this.res.db
            .selectDistinct({ id: communityMembers.userId })
            .from(communityMembers)
            .where(and(inArray(communityMembers.communityId, mine.communities), inArray(communityMembers.userId, others)))
        : [],
      mine.dms.length
        ? this.res.db
            .selectDistinct({ id: roomMembers.userId })
            .from(roomMembers)
            .where(and(inArray(roomMembers.roomId, mine.dms), inArray(roomMembers.userId, others)))
        : [],
    ])
    const ids = new Set([...viaCommunity, ...viaDm].map((r) => r.id))
    if (userIds.includes(viewerId)) ids.add(viewerId)
    return [...ids]
  }
}

const chosenStatus = (chosen: unknown): Exclude<PresenceStatus, 'offline'> => (chosen === 'idle' || chosen === 'dnd' ? chosen : 'online')

/**
 * Those of the users with a live socket now (one seen within SOCKET_TTL_SECONDS), read and
 * never written: for a process without a gateway (a job worker deciding who `@here` reaches).
 */
export async function onlineAmong(redis: Redis, userIds: string[]): Promise<Set<string>> {
  const online = new Set<string>()
  const oldest = Date.now() - SOCKET_TTL_SECONDS * 1000
  for (let start = 0; start < userIds.length; start += ONLINE_READ_CHUNK) {
    const chunk = userIds.slice(start, start + ONLINE_READ_CHUNK)
    const multi = redis.client.multi()
    for (const id of chunk) multi.hVals(redis.key('presence', 'sockets', id))
    const replies = (await multi.exec()) as unknown as string[][]
    chunk.forEach((id, i) => {
      if ((replies[i] ?? []).some((seen) => Number(seen) >= oldest)) online.add(id)
    })
  }
  return online
}

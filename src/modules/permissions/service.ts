import type { Database } from '../../db/client'
import type { Tx } from '../../db/tx'
import { DomainEvents } from '../../domain-events/bus'
import type { Emit } from '../../domain-events/types'
import { AppError, notFound } from '../../lib/errors'
import type { Logger } from '../../lib/log'
import type { Redis } from '../../lib/redis'
import { has, NONE, Perm, toNames, type PermissionName } from './bits'
import {
  canView,
  computeDmPermissions,
  computePermissions,
  type CommunityAcl,
  type ExplainStep,
  type MemberContext,
  type Target,
} from './engine'
import { isRoomMember, loadCommunityAcl, loadMemberContext, loadRoomPlacement } from './store'
import { PermissionVersions } from './versions'

export interface PermissionDeps {
  db: Database
  redis: Redis
  log: Logger
  /** Where changes commit (with their audit rows and domain events). */
  events: Pick<DomainEvents, 'transaction'>
}

interface ScopeCache {
  version: string
  acl: CommunityAcl | undefined
  members: Map<string, MemberContext>
  results: Map<string, bigint>
}

export interface RoomPlacement {
  communityId: string | null
  kind: string
}

const MAX_RESULTS_PER_SCOPE = 50_000
const MAX_MEMBERS_PER_SCOPE = 20_000
const REDIS_TTL_SECONDS = 3600

/**
 * Answers "what may this user do here", cached in memory and in Redis under the scope's
 * permission version. Every write that can change an answer goes through `mutate`,
 * which bumps the version before and after its transaction: before, so a failure to
 * reach Redis aborts the change; after, so nothing computed mid-change survives it.
 */
/** Hears the scopes a committed change touched; `remote` when it was committed on another node. */
export type ChangeListener = (scopes: string[], origin: { remote: boolean }) => void

export class PermissionService {
  readonly versions: PermissionVersions
  private scopes = new Map<string, ScopeCache>()
  private placements = new Map<string, RoomPlacement>()
  private changeListeners = new Set<ChangeListener>()

  constructor(private readonly res: PermissionDeps) {
    this.versions = new PermissionVersions(res.redis)
    // Entries cached while Redis was away could have missed a bump: start clean.
    res.redis.client.on('ready', () => this.scopes.clear())
  }

  /** Runs `fn` in a transaction that records `actorId` for the audit triggers, and invalidates `scopes`. */
  async mutate<T>(opts: { actorId: string | null; scopes: string[]; fn: (tx: Tx, emit: Emit) => Promise<T> }): Promise<T> {
    await this.versions.bump(opts.scopes)
    const result = await this.res.events.transaction({ actorId: opts.actorId }, opts.fn)
    for (const scope of opts.scopes) this.scopes.delete(scope)
    try {
      await this.versions.bump(opts.scopes)
    } catch (err) {
      this.res.log.warn('permission version bump after commit failed', { scopes: opts.scopes, error: err })
    }
    if (opts.scopes.length) for (const listener of this.changeListeners) listener(opts.scopes, { remote: false })
    return result
  }

  /** A change committed on another node (cluster mode): forget what this node cached for the scopes and tell the listeners. */
  applyRemoteChange(scopes: string[]): void {
    for (const scope of scopes) this.scopes.delete(scope)
    for (const listener of this.changeListeners) listener(scopes, { remote: true })
  }

  /** Called after every committed change with the scopes it touched (e.g. to re-check live subscriptions). */
  onChange(listener: ChangeListener): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  async placement(roomId: string): Promise<RoomPlacement | undefined> {
    const known = this.placements.get(roomId)
    if (known) return known
    const row = await loadRoomPlacement(this.res.db, roomId)
    if (row) this.placements.set(roomId, row)
    return row
  }

  forgetRoom(roomId: string) {
    this.placements.delete(roomId)
  }

  /** Bits the user has in a room; NONE when the room does not exist or is not theirs to see. */
  async inRoom(userId: string, roomId: string): Promise<bigint> {
    const place = await this.placement(roomId)
    if (!place) return NONE
    if (!place.communityId) return this.inDm(userId, roomId)
    return this.compute(place.communityId, userId, { kind: 'room', id: roomId })
  }

  inGroup(userId: string, communityId: string, groupId: string): Promise<bigint> {
    return this.compute(communityId, userId, { kind: 'group', id: groupId })
  }

  inCommunity(userId: string, communityId: string): Promise<bigint> {
    return this.compute(communityId, userId, { kind: 'community' })
  }

  /**
   * The room, its groups from the nearest up, and its community: where settings that
   * inherit down the tree (mutes) are looked for, nearest first. Read from the cached
   * ACL; undefined when the room does not exist.
   */
  async roomChain(roomId: string): Promise<string[] | undefined> {
    const place = await this.placement(roomId)
    if (!place) return undefined
    if (!place.communityId) return [roomId]
    const acl = (await this.scope(place.communityId)).acl
    const chain = [roomId]
    const seen = new Set<string>()
    for (let g = acl?.rooms.get(roomId)?.groupId ?? null; g && !seen.has(g); g = acl!.parents.get(g) ?? null) {
      seen.add(g)
      chain.push(g)
    }
    chain.push(place.communityId)
    return chain
  }

  /** Which of these rooms (any, by id) the user can view now. */
  async canViewRooms(userId: string, roomIds: string[]): Promise<Set<string>> {
    const ids = [...new Set(roomIds)]
    const places = await Promise.all(ids.map((id) => this.placement(id)))
    const inCommunities = ids.flatMap((id, i) => (places[i]?.communityId ? [{ id, communityId: places[i]!.communityId }] : []))
    const dms = ids.filter((id, i) => places[i] && !places[i]!.communityId)
    const [viewable, dmBits] = await Promise.all([
      this.viewableRooms(userId, inCommunities),
      Promise.all(dms.map((id) => this.inDm(userId, id))),
    ])
    return new Set([...viewable, ...dms.filter((_, i) => has(dmBits[i]!, Perm.view))])
  }

  /**
   * Which of a user's candidate rooms they can view, computed in memory from one context
   * per community (as /tree does) instead of one check per room. DM rooms are given as
   * rooms the user is a member of.
   */
  async viewableRooms(userId: string, candidates: { id: string; communityId: string | null }[]): Promise<string[]> {
    const byCommunity = new Map<string, string[]>()
    const visible: string[] = []
    for (const room of candidates) {
      if (room.communityId === null) {
        visible.push(room.id) // a DM member views the DM
        continue
      }
      const list = byCommunity.get(room.communityId)
      if (list) list.push(room.id)
      else byCommunity.set(room.communityId, [room.id])
    }
    const now = Date.now()
    await Promise.all(
      [...byCommunity].map(async ([communityId, roomIds]) => {
        const { acl, member } = await this.context(communityId, userId)
        if (!acl || !member.isMember) return
        for (const id of roomIds) {
          if (canView(acl, member, { kind: 'room', id }, now)) visible.push(id)
        }
      }),
    )
    return visible
  }

  /** The bits and, step by step, which rule set or cleared which bit at which level. */
  async explain(userId: string, roomId: string): Promise<{ permissions: PermissionName[]; explain: ExplainStep[] }> {
    const place = await this.placement(roomId)
    const steps: ExplainStep[] = []
    let bits = NONE
    if (place?.communityId) {
      const { acl, member } = await this.context(place.communityId, userId)
      if (acl) bits = computePermissions(acl, member, { kind: 'room', id: roomId }, Date.now(), steps) ?? NONE
    } else if (place) {
      bits = computeDmPermissions(await isRoomMember(this.res.db, roomId, userId), steps)
    }
    return { permissions: toNames(bits), explain: steps }
  }

  /** 404 unless the user can view the room; 403 unless they also hold `perm`. */
  async requireRoom(userId: string, roomId: string, perm: PermissionName | null = null) {
    const bits = await this.inRoom(userId, roomId)
    if (!has(bits, Perm.view)) throw notFound('room')
    if (perm) requireBit(bits, perm)
    const placement = (await this.placement(roomId))!
    // Room settings travel with the ACL the check just read, so they cost no extra query.
    const settings = placement.communityId ? this.scopes.get(placement.communityId)?.acl?.rooms.get(roomId) : undefined
    return { bits, placement, slowModeSeconds: settings?.slowModeSeconds ?? 0 }
  }

  async requireGroup(userId: string, communityId: string, groupId: string, perm: PermissionName | null = null) {
    const bits = await this.inGroup(userId, communityId, groupId)
    if (!has(bits, Perm.view)) throw notFound('group')
    if (perm) requireBit(bits, perm)
    return bits
  }

  /** 404 unless the user is a member of the community; 403 unless they hold `perm` there. */
  async requireCommunity(userId: string, communityId: string, perm: PermissionName | null = null) {
    const { acl, member } = await this.context(communityId, userId)
    if (!acl || !member.isMember) throw notFound('community')
    const bits = computePermissions(acl, member, { kind: 'community' }, Date.now()) ?? NONE
    if (perm) requireBit(bits, perm)
    return { bits, acl, member }
  }

  /** The cached ACL and member context of a community at its current version. */
  async context(communityId: string, userId: string): Promise<{ acl: CommunityAcl | undefined; member: MemberContext }> {
    const scope = await this.scope(communityId)
    return { acl: scope.acl, member: await this.memberIn(scope, communityId, userId) }
  }

  /** The member's context within a scope already read at its current version. */
  private async memberIn(scope: ScopeCache, communityId: string, userId: string): Promise<MemberContext> {
    let member = scope.members.get(userId)
    if (!member) {
      member = await loadMemberContext(this.res.db, communityId, userId)
      // Bounded like the results: a huge community's active members are re-read, not hoarded.
      if (scope.members.size >= MAX_MEMBERS_PER_SCOPE) scope.members.clear()
      scope.members.set(userId, member)
    }
    return member
  }

  private async scope(scopeId: string): Promise<ScopeCache> {
    const version = await this.versions.read(scopeId)
    let scope = this.scopes.get(scopeId)
    if (!scope || scope.version !== version) {
      const acl = scopeId.startsWith('room:') ? undefined : await loadCommunityAcl(this.res.db, scopeId)
      scope = { version, acl, members: new Map(), results: new Map() }
      // Another check may have loaded a newer version meanwhile; keep the newest we saw last.
      this.scopes.set(scopeId, scope)
    }
    return scope
  }

  private async compute(communityId: string, userId: string, target: Target): Promise<bigint> {
    const scope = await this.scope(communityId)
    const key = target.kind === 'community' ? `${userId}|c` : `${userId}|${target.kind[0]}:${target.id}`
    const cached = scope.results.get(key)
    if (cached !== undefined) return cached
    if (!scope.acl) return NONE

    const redisKey = this.res.redis.key('perm', 'c', communityId, scope.version, userId)
    const stored = await this.res.redis.client.hGet(redisKey, key)
    const member = await this.memberIn(scope, communityId, userId)
    const timedOut = member.timeoutUntil !== null && member.timeoutUntil > Date.now()
    if (stored != null && !timedOut) {
      this.remember(scope, key, BigInt(stored))
      return BigInt(stored)
    }
    const bits = computePermissions(scope.acl, member, target, Date.now()) ?? NONE
    // A timeout ends by itself, so answers during one are never cached.
    if (!timedOut) {
      this.remember(scope, key, bits)
      void this.res.redis.client
        .multi()
        .hSet(redisKey, key, bits.toString())
        .expire(redisKey, REDIS_TTL_SECONDS)
        .exec()
        .catch(() => {})
    }
    return bits
  }

  private remember(scope: ScopeCache, key: string, bits: bigint) {
    if (scope.results.size >= MAX_RESULTS_PER_SCOPE) scope.results.clear()
    scope.results.set(key, bits)
  }

  private async inDm(userId: string, roomId: string): Promise<bigint> {
    const scope = await this.scope(`room:${roomId}`)
    const cached = scope.results.get(userId)
    if (cached !== undefined) return cached
    const bits = computeDmPermissions(await isRoomMember(this.res.db, roomId, userId))
    this.remember(scope, userId, bits)
    return bits
  }
}

export function requireBit(bits: bigint, perm: PermissionName) {
  if (!has(bits, Perm[perm])) {
    throw new AppError('missing_permission', `you need the ${perm} permission here`, { details: { permission: perm } })
  }
}

const perDatabase = new WeakMap<Database, PermissionService>()

/**
 * One PermissionService per database handle, for code that runs outside the API's
 * composition (job processors and reactions in the worker threads): its caches are
 * shared by every job of the thread and stay right through the version checks.
 */
export function permissionsFor(res: { db: Database; redis: Redis; log: Logger }): PermissionService {
  let service = perDatabase.get(res.db)
  if (!service) {
    service = new PermissionService({ ...res, events: new DomainEvents(res) })
    perDatabase.set(res.db, service)
  }
  return service
}

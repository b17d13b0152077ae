// Who sees and who manages an event. A community-wide event: its members who may `view` at
// the community level; a group's: who can view that group (its subtree's members); a room's:
// who can view the room (a private room: its members only). Managing takes `manage_events`
// where the event sits.
import type { Database } from '../../db/client'
import type { Tx } from '../../db/tx'
import { AppError, notFound } from '../../lib/errors'
import { canView, type CommunityAcl, type MemberContext } from '../permissions/engine'
import type { PermissionService } from '../permissions/service'
import { loadCommunityAcl, loadMemberContext } from '../permissions/store'

export interface EventPlace {
  communityId: string
  groupId: string | null
  roomId: string | null
}

/**
 * Where an event sits, for the envelope of the domain events about it: its room, else its
 * group (what decides who may see it; webhooks filter by it). A community-wide one: neither.
 */
export function placeOf(place: Pick<EventPlace, 'groupId' | 'roomId'>): { roomId?: string; groupId?: string } {
  if (place.roomId) return { roomId: place.roomId }
  if (place.groupId) return { groupId: place.groupId }
  return {}
}

/** Whether a member sees an event that sits at `place` (a non-member sees none). */
export function seesPlace(acl: CommunityAcl | undefined, member: MemberContext, place: EventPlace, now: number): boolean {
  if (!acl || !member.isMember || place.communityId !== acl.communityId) return false
  if (place.roomId) return canView(acl, member, { kind: 'room', id: place.roomId }, now)
  if (place.groupId) return canView(acl, member, { kind: 'group', id: place.groupId }, now)
  return canView(acl, member, { kind: 'community' }, now)
}

/**
 * Where one waiting in line stands when a seat frees: they take it (`seated`); they wait on,
 * their place kept, while timed out (`waits`: a time-out takes answering, not the place in
 * line); they lose their place once they no longer see the event (`out`).
 */
export type LineStanding = 'seated' | 'waits' | 'out'

/**
 * Where those in line stand, read inside a transaction (its snapshot, its connection: no
 * second connection from the pool while it holds locks), for decisions made under those
 * locks (who gets a seat from the waitlist). The community's rules are read once per call site.
 */
export function waitlistIn(tx: Tx): { standing(userId: string, place: EventPlace): Promise<LineStanding> } {
  const db = tx as unknown as Database
  const acls = new Map<string, Promise<CommunityAcl | undefined>>()
  return {
    async standing(userId, place) {
      let acl = acls.get(place.communityId)
      if (!acl) acls.set(place.communityId, (acl = loadCommunityAcl(db, place.communityId)))
      const [rules, member] = await Promise.all([acl, loadMemberContext(db, place.communityId, userId)])
      const now = Date.now()
      if (!seesPlace(rules, member, place, now)) return 'out'
      return isTimedOut(member, now) ? 'waits' : 'seated'
    },
  }
}

function isTimedOut(member: MemberContext, now: number): member is MemberContext & { timeoutUntil: number } {
  return member.timeoutUntil !== null && member.timeoutUntil > now
}

export type EventPermissions = Pick<PermissionService, 'context' | 'requireCommunity' | 'requireGroup' | 'requireRoom'>

export class EventAccess {
  constructor(private readonly permissions: EventPermissions) {}

  /** A predicate over a community's events: which of them the user may see (false for everything when not a member). */
  async viewer(userId: string, communityId: string): Promise<(place: EventPlace) => boolean> {
    const { acl, member } = await this.permissions.context(communityId, userId)
    if (!acl || !member.isMember) return () => false
    const now = Date.now()
    const seen = new Map<string, boolean>()
    const wholeCommunity = canView(acl, member, { kind: 'community' }, now)
    return (place) => {
      if (place.communityId !== communityId) return false
      const key = place.roomId ?? place.groupId
      if (!key) return wholeCommunity
      let ok = seen.get(key)
      if (ok === undefined) {
        ok = canView(acl, member, place.roomId ? { kind: 'room', id: place.roomId } : { kind: 'group', id: place.groupId! }, now)
        seen.set(key, ok)
      }
      return ok
    }
  }

  async canSee(userId: string, place: EventPlace): Promise<boolean> {
    return (await this.viewer(userId, place.communityId))(place)
  }

  /** 404 unless the user may see the event. */
  async requireView(userId: string, place: EventPlace): Promise<void> {
    if (!(await this.canSee(userId, place))) throw notFound('event')
  }

  /** 403 `timed_out` while the user is timed out in the community (they keep `view` only, as for polls and surveys). */
  async requireNotTimedOut(userId: string, communityId: string): Promise<void> {
    const { member } = await this.permissions.context(communityId, userId)
    if (isTimedOut(member, Date.now())) {
      throw new AppError('timed_out', 'you are timed out in this community and cannot answer events', {
        details: { timeoutUntil: new Date(member.timeoutUntil).toISOString() },
      })
    }
  }

  /**
   * 404 unless the user may see the event (or place); 403 without `manage_events` there.
   * A place in a group and a room at once is a 422, once the caller may manage both.
   */
  async requireManage(userId: string, place: EventPlace): Promise<void> {
    if (place.roomId) {
      const { placement } = await this.permissions.requireRoom(userId, place.roomId, 'manage_events')
      if (placement.communityId !== place.communityId) throw notFound('room')
    }
    if (place.groupId) await this.permissions.requireGroup(userId, place.communityId, place.groupId, 'manage_events')
    if (!place.roomId && !place.groupId) await this.permissions.requireCommunity(userId, place.communityId, 'manage_events')
    if (place.roomId && place.groupId) throw new AppError('validation_failed', 'an event sits in a group or in a room, not both')
  }
}

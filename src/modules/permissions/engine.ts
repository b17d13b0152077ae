// The permission computation, pure: data in, bits (and optionally the reasons) out.
// Order (Discord's, applied at every level from the top group down to the room):
//   base = default role | roles whose scope contains the target
//   per level: default-role overwrite (deny, allow), role overwrites (all denies, then
//   all allows), member overwrite (deny, allow)
// Owners and administrators have everything; without `view` nothing else applies; a
// timed-out member (an administrator too) keeps only `view`.
import { ALL, DM_PERMISSIONS, has, NONE, Perm, toNames, type PermissionName } from './bits'

export interface RoleInfo {
  id: string
  name: string
  permissions: bigint
  position: number
  scopeGroupId: string | null
  isDefault: boolean
}

export interface OverwriteInfo {
  subjectKind: 'role' | 'member'
  subjectId: string
  allow: bigint
  deny: bigint
}

/** What does not depend on the viewer: cached per community and permission version. */
export interface CommunityAcl {
  communityId: string
  defaultRoleId: string
  roles: Map<string, RoleInfo>
  /** group id -> parent group id (null at the top). */
  parents: Map<string, string | null>
  rooms: Map<string, { groupId: string | null; kind: string; slowModeSeconds: number }>
  groupOverwrites: Map<string, OverwriteInfo[]>
  roomOverwrites: Map<string, OverwriteInfo[]>
}

/** The viewer's standing in the community. */
export interface MemberContext {
  userId: string
  isMember: boolean
  isOwner: boolean
  roleIds: string[]
  timeoutUntil: number | null
  /** Private rooms of this community the user was added to. */
  privateRooms: Set<string>
}

export type Target = { kind: 'community' } | { kind: 'group'; id: string } | { kind: 'room'; id: string }

export interface ExplainStep {
  level: string
  rule: string
  set: PermissionName[]
  cleared: PermissionName[]
}

class Trace {
  constructor(readonly steps: ExplainStep[] | undefined) {}
  apply(level: string, rule: string, before: bigint, after: bigint) {
    if (!this.steps || before === after) return after
    this.steps.push({ level, rule, set: toNames(after & ~before), cleared: toNames(before & ~after) })
    return after
  }
  note(level: string, rule: string) {
    this.steps?.push({ level, rule, set: [], cleared: [] })
  }
}

/** The chain of groups from the top of the tree down to `groupId` (inclusive). */
export function groupChain(acl: CommunityAcl, groupId: string | null): string[] {
  const chain: string[] = []
  for (let g = groupId; g !== null && g !== undefined && chain.length < 1000; g = acl.parents.get(g) ?? null) {
    chain.push(g)
  }
  return chain.reverse()
}

/** Whether the member may view the target (a group or room that exists in this community). */
export function canView(acl: CommunityAcl, member: MemberContext, target: Target, now: number): boolean {
  return has(computePermissions(acl, member, target, now) ?? NONE, Perm.view)
}

/** Returns undefined when the target does not exist in this community. */
export function computePermissions(
  acl: CommunityAcl,
  member: MemberContext,
  target: Target,
  now: number,
  explain?: ExplainStep[],
): bigint | undefined {
  const trace = new Trace(explain)
  let groupId: string | null = null
  let room: { id: string; kind: string } | undefined
  if (target.kind === 'group') {
    if (!acl.parents.has(target.id)) return undefined
    groupId = target.id
  } else if (target.kind === 'room') {
    const info = acl.rooms.get(target.id)
    if (!info) return undefined
    groupId = info.groupId
    room = { id: target.id, kind: info.kind }
  }

  if (!member.isMember) {
    trace.note('community', 'not a member')
    return NONE
  }
  if (member.isOwner) return trace.apply('community', 'owner', NONE, ALL)

  const chain = groupChain(acl, groupId)
  const inScope = (role: RoleInfo) => role.scopeGroupId === null || chain.includes(role.scopeGroupId)
  const memberRoles = member.roleIds.map((id) => acl.roles.get(id)).filter((r): r is RoleInfo => !!r && inScope(r))

  const everyone = acl.roles.get(acl.defaultRoleId)
  let bits = trace.apply('community', 'default role', NONE, everyone?.permissions ?? NONE)
  for (const role of memberRoles) {
    const where = role.scopeGroupId ? `group:${role.scopeGroupId}` : 'community'
    bits = trace.apply(where, `role ${role.name}`, bits, bits | role.permissions)
  }
  const timedOut = member.timeoutUntil !== null && member.timeoutUntil > now
  // An administrator's timeout holds too: the role lifts overwrites, not a moderator's sanction.
  if (has(bits, Perm.administrator)) {
    bits = trace.apply('community', 'administrator', bits, ALL)
    return timedOut ? trace.apply('result', 'timed out: view only', bits, Perm.view) : bits
  }

  const roleIds = new Set(memberRoles.map((r) => r.id))
  const applyLevel = (level: string, list: OverwriteInfo[] | undefined) => {
    if (!list) return
    const everyoneOw = list.find((o) => o.subjectKind === 'role' && o.subjectId === acl.defaultRoleId)
    if (everyoneOw) {
      bits = trace.apply(level, 'default role overwrite: deny', bits, bits & ~everyoneOw.deny)
      bits = trace.apply(level, 'default role overwrite: allow', bits, bits | everyoneOw.allow)
    }
    let deny = NONE
    let allow = NONE
    for (const o of list) {
      if (o.subjectKind === 'role' && o.subjectId !== acl.defaultRoleId && roleIds.has(o.subjectId)) {
        deny |= o.deny
        allow |= o.allow
      }
    }
    bits = trace.apply(level, 'role overwrites: deny', bits, bits & ~deny)
    bits = trace.apply(level, 'role overwrites: allow', bits, bits | allow)
    if (level.startsWith('room:') && room?.kind === 'private' && member.privateRooms.has(room.id)) {
      bits = trace.apply(level, 'private room member', bits, bits | Perm.view)
    }
    const mine = list.find((o) => o.subjectKind === 'member' && o.subjectId === member.userId)
    if (mine) {
      bits = trace.apply(level, 'member overwrite: deny', bits, bits & ~mine.deny)
      bits = trace.apply(level, 'member overwrite: allow', bits, bits | mine.allow)
    }
  }
  for (const g of chain) applyLevel(`group:${g}`, acl.groupOverwrites.get(g))
  if (room) {
    applyLevel(`room:${room.id}`, acl.roomOverwrites.get(room.id) ?? [])
    if (room.kind === 'private' && !member.privateRooms.has(room.id)) {
      bits = trace.apply(`room:${room.id}`, 'private room: not a member', bits, NONE)
    }
  }

  if (!has(bits, Perm.view)) return trace.apply('result', 'no view: nothing else applies', bits, NONE)
  if (timedOut) return trace.apply('result', 'timed out: view only', bits, Perm.view)
  return bits
}

/** DMs and group DMs: their members get the DM set, nobody else anything. */
export function computeDmPermissions(isRoomMember: boolean, explain?: ExplainStep[]): bigint {
  const trace = new Trace(explain)
  return isRoomMember ? trace.apply('room', 'dm member', NONE, DM_PERMISSIONS) : NONE
}

/** The highest role position of a member (owners rank above every role). */
export function highestPosition(acl: CommunityAcl, member: MemberContext): number {
  if (member.isOwner) return Number.POSITIVE_INFINITY
  let top = 0
  for (const id of member.roleIds) top = Math.max(top, acl.roles.get(id)?.position ?? 0)
  return top
}

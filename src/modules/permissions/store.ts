import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import {
  communityMembers,
  communityOwners,
  groups,
  memberRoles,
  overwrites,
  roles,
  roomMembers,
  rooms,
} from '../../db/schema'
import type { CommunityAcl, MemberContext, OverwriteInfo } from './engine'

/** Everything about a community's access rules that does not depend on the viewer. */
export async function loadCommunityAcl(db: Database, communityId: string): Promise<CommunityAcl | undefined> {
  const [roleRows, groupRows, roomRows, overwriteRows] = await Promise.all([
    db.select().from(roles).where(eq(roles.communityId, communityId)),
    db.select({ id: groups.id, parentId: groups.parentId }).from(groups).where(eq(groups.communityId, communityId)),
    db
      .select({ id: rooms.id, groupId: rooms.groupId, kind: rooms.kind, slowModeSeconds: rooms.slowModeSeconds })
      .from(rooms)
      .where(eq(rooms.communityId, communityId)),
    db.select().from(overwrites).where(eq(overwrites.communityId, communityId)),
  ])
  const defaultRole = roleRows.find((r) => r.isDefault)
  if (!defaultRole) return undefined
  const acl: CommunityAcl = {
    communityId,
    defaultRoleId: defaultRole.id,
    roles: new Map(roleRows.map((r) => [r.id, r])),
    parents: new Map(groupRows.map((g) => [g.id, g.parentId])),
    rooms: new Map(roomRows.map((r) => [r.id, { groupId: r.groupId, kind: r.kind, slowModeSeconds: r.slowModeSeconds }])),
    groupOverwrites: new Map(),
    roomOverwrites: new Map(),
  }
  for (const o of overwriteRows) {
    const info: OverwriteInfo = { subjectKind: o.subjectKind, subjectId: o.subjectId, allow: o.allow, deny: o.deny }
    const [map, key] = o.groupId ? [acl.groupOverwrites, o.groupId] : [acl.roomOverwrites, o.roomId!]
    const list = map.get(key)
    if (list) list.push(info)
    else map.set(key, [info])
  }
  return acl
}

export async function loadMemberContext(db: Database, communityId: string, userId: string): Promise<MemberContext> {
  const [membership, owner, roleRows, privateRows] = await Promise.all([
    db
      .select({ timeoutUntil: communityMembers.timeoutUntil })
      .from(communityMembers)
      .where(and(eq(communityMembers.communityId, communityId), eq(communityMembers.userId, userId))),
    db
      .select({ userId: communityOwners.userId })
      .from(communityOwners)
      .where(and(eq(communityOwners.communityId, communityId), eq(communityOwners.userId, userId))),
    db
      .select({ roleId: memberRoles.roleId })
      .from(memberRoles)
      .where(and(eq(memberRoles.communityId, communityId), eq(memberRoles.userId, userId))),
    db
      .select({ roomId: roomMembers.roomId })
      .from(roomMembers)
      .where(and(eq(roomMembers.communityId, communityId), eq(roomMembers.userId, userId))),
  ])
  return {
    userId,
    isMember: membership.length > 0,
    isOwner: membership.length > 0 && owner.length > 0,
    roleIds: roleRows.map((r) => r.roleId),
    timeoutUntil: membership[0]?.timeoutUntil?.getTime() ?? null,
    privateRooms: new Set(privateRows.map((r) => r.roomId)),
  }
}

export async function loadRoomPlacement(db: Database, roomId: string) {
  const [row] = await db
    .select({ communityId: rooms.communityId, kind: rooms.kind })
    .from(rooms)
    .where(eq(rooms.id, roomId))
  return row
}

export async function isRoomMember(db: Database, roomId: string, userId: string): Promise<boolean> {
  const rows = await db
    .select({ userId: roomMembers.userId })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
  return rows.length > 0
}

import { and, asc, eq, gt, sql } from 'drizzle-orm'
import {
  communityMembers,
  communityOwners,
  groupClosure,
  groups,
  memberRoles,
  messagePins,
  messages,
  roomMembers,
  roomReads,
  roomState,
  rooms,
  users,
  type GroupRow,
} from '../../db/schema'
import { badCursor, timeIdCursor } from '../../lib/cursor'
import { AppError, notFound } from '../../lib/errors'
import { isUuid, newId } from '../../lib/ids'
import { trimmedName } from '../../lib/model'
import type { Database } from '../../db/client'
import { has, Perm } from '../permissions/bits'
import { canView } from '../permissions/engine'
import { requireBit, type PermissionService } from '../permissions/service'
import type { DmService } from './dms'
import { MAX_DM_PEOPLE, toGroupView, toRoomView } from './model'

type GroupView = ReturnType<typeof toGroupView> & { groups: GroupView[]; rooms: ReturnType<typeof toRoomView>[] }

/** A public room's member list reads the community's members in chunks of this many... */
const SCAN_CHUNK = 250
/** ...and at most this many per request: a page may come back short, with a cursor to go on from. */
const MAX_SCAN = 1000

/** A room_members join time as its list orders and its cursor carries it (a cursor holds milliseconds). */
const addedAtMs = sql`date_trunc('milliseconds', ${roomMembers.joinedAt})`

/** The user as every member list shows them (the community members list too). */
const userView = { userId: users.id, username: users.username, displayName: users.displayName, avatarUrl: users.avatarUrl }

export interface RoomDeps {
  db: Database
  permissions: PermissionService
  /** Whether the caller may add these people to a group DM. */
  dms: Pick<DmService, 'assertReachable'>
}

export class RoomService {
  private readonly permissions: PermissionService

  constructor(private readonly res: RoomDeps) {
    this.permissions = res.permissions
  }

  // --- groups -------------------------------------------------------------------------

  async createGroup(userId: string, communityId: string, input: { name: string; parentId?: string; position?: number }) {
    const name = trimmedName(input.name)
    await this.requireManageAt(userId, communityId, input.parentId ?? null, 'manage_groups')
    const [row] = await this.permissions.mutate({
      actorId: userId,
      scopes: [communityId],
      fn: (tx) =>
        tx
          .insert(groups)
          .values({ id: newId(), communityId, parentId: input.parentId ?? null, name, position: input.position ?? 0 })
          .returning(),
    })
    return toGroupView(row!)
  }

  async getGroup(userId: string, groupId: string) {
    const group = await this.findGroup(groupId)
    await this.permissions.requireGroup(userId, group.communityId, groupId)
    return toGroupView(group)
  }

  /** Rename, reorder or move a group; a move takes its whole subtree along. */
  async updateGroup(userId: string, groupId: string, input: { name?: string; parentId?: string | null; position?: number }) {
    const name = trimmedName(input.name)
    const group = await this.findGroup(groupId)
    await this.permissions.requireGroup(userId, group.communityId, groupId, 'manage_groups')
    const moving = input.parentId !== undefined && input.parentId !== group.parentId
    if (moving) {
      const dest = input.parentId ?? null
      if (dest !== null) {
        const [inside] = await this.res.db
          .select({ depth: groupClosure.depth })
          .from(groupClosure)
          .where(and(eq(groupClosure.ancestorId, groupId), eq(groupClosure.descendantId, dest)))
        if (inside) throw new AppError('invalid_move', 'a group cannot move into its own subtree')
      }
      await this.requireManageAt(userId, group.communityId, dest, 'manage_groups')
    }
    // Drizzle leaves out keys whose value is undefined.
    const changes = { name, parentId: moving ? (input.parentId ?? null) : undefined, position: input.position }
    if (Object.values(changes).every((v) => v === undefined)) return toGroupView(group)
    const [row] = await this.permissions.mutate({
      actorId: userId,
      scopes: moving ? [group.communityId] : [],
      fn: (tx) =>
        tx
          .update(groups)
          .set(changes)
          .where(eq(groups.id, groupId))
          .returning(),
    })
    return toGroupView(row!)
  }

  async deleteGroup(userId: string, groupId: string) {
    const group = await this.findGroup(groupId)
    await this.permissions.requireGroup(userId, group.communityId, groupId, 'manage_groups')
    const [children] = await this.res.db
      .select({ n: sql<number>`(select count(*) from ${groups} where ${groups.parentId} = ${groupId})
        + (select count(*) from ${rooms} where ${rooms.groupId} = ${groupId})` })
      .from(sql`(select 1) as one`)
    if (Number(children?.n) > 0) throw new AppError('group_not_empty', 'move or delete the groups and rooms inside first')
    await this.permissions.mutate({
      actorId: userId,
      scopes: [group.communityId],
      fn: (tx) => tx.delete(groups).where(eq(groups.id, groupId)),
    })
  }

  // --- rooms ----------------------------------------------------------------------------

  async createRoom(
    userId: string,
    communityId: string,
    input: { name: string; groupId?: string; private?: boolean; topic?: string; position?: number },
  ) {
    const name = trimmedName(input.name)
    await this.requireManageAt(userId, communityId, input.groupId ?? null, 'manage_rooms')
    const kind = input.private ? 'private' : 'text'
    const [row] = await this.permissions.mutate({
      actorId: userId,
      scopes: [communityId],
      fn: async (tx, emit) => {
        const created = await tx
          .insert(rooms)
          .values({
            id: newId(),
            communityId,
            groupId: input.groupId ?? null,
            kind,
            name,
            topic: input.topic ?? null,
            position: input.position ?? 0,
            createdBy: userId,
          })
          .returning()
        if (kind === 'private') {
          await tx.insert(roomMembers).values({ roomId: created[0]!.id, userId, communityId, addedBy: userId })
          created[0]!.memberCount = 1
        }
        emit({ type: 'room.created', communityId, roomId: created[0]!.id, data: { room: toRoomView(created[0]!) } })
        return created
      },
    })
    return toRoomView(row!)
  }

  async getRoom(userId: string, roomId: string) {
    await this.permissions.requireRoom(userId, roomId)
    const [row] = await this.res.db.select().from(rooms).where(eq(rooms.id, roomId))
    if (!row) throw notFound('room')
    return toRoomView(row)
  }

  async updateRoom(
    userId: string,
    roomId: string,
    input: { name?: string; topic?: string | null; groupId?: string | null; position?: number; slowModeSeconds?: number },
  ) {
    const name = trimmedName(input.name)
    const room = await this.communityRoom(userId, roomId, 'manage_rooms')
    const moving = input.groupId !== undefined && input.groupId !== room.groupId
    if (moving) await this.requireManageAt(userId, room.communityId!, input.groupId ?? null, 'manage_rooms')
    // Drizzle leaves out keys whose value is undefined.
    const changes = {
      name,
      topic: input.topic,
      groupId: moving ? (input.groupId ?? null) : undefined,
      position: input.position,
      slowModeSeconds: input.slowModeSeconds,
    }
    if (Object.values(changes).every((v) => v === undefined)) return toRoomView(room)
    const [row] = await this.permissions.mutate({
      actorId: userId,
      // Moves change permissions; slow mode travels with the community's cached rules.
      scopes: moving || input.slowModeSeconds !== undefined ? [room.communityId!] : [],
      fn: async (tx, emit) => {
        const updated = await tx.update(rooms).set(changes).where(eq(rooms.id, roomId)).returning()
        emit({ type: 'room.updated', communityId: room.communityId!, roomId, data: { room: toRoomView(updated[0]!) } })
        return updated
      },
    })
    return toRoomView(row!)
  }

  async deleteRoom(userId: string, roomId: string) {
    const room = await this.communityRoom(userId, roomId, 'manage_rooms')
    await this.permissions.mutate({
      actorId: userId,
      scopes: [room.communityId!],
      fn: async (tx) => {
        // Messages and their bookkeeping carry no foreign key to rooms (the actor runtime
        // does not need one), so they go here, with the room.
        await tx.delete(messages).where(eq(messages.roomId, roomId))
        await tx.delete(roomState).where(eq(roomState.roomId, roomId))
        await tx.delete(roomReads).where(eq(roomReads.roomId, roomId))
        await tx.delete(messagePins).where(eq(messagePins.roomId, roomId))
        await tx.delete(rooms).where(eq(rooms.id, roomId))
      },
    })
    this.permissions.forgetRoom(roomId)
  }

  /** Private rooms: managers add community members. Group DMs: members add people, up to 10. */
  async addMember(actorId: string, roomId: string, targetId: string) {
    const { placement, bits } = await this.permissions.requireRoom(actorId, roomId)
    if (placement.kind === 'private') {
      requireBit(bits, 'manage_rooms')
      const target = (await this.permissions.context(placement.communityId!, targetId)).member
      if (!target.isMember) throw new AppError('invalid_target', 'only members of the community can join its rooms')
    } else if (placement.kind === 'group_dm') {
      await this.res.dms.assertReachable(actorId, [targetId])
    } else {
      throw new AppError('invalid_target', placement.kind === 'dm' ? 'a DM has exactly two people' : 'public rooms have no member list')
    }
    await this.permissions.mutate({
      actorId,
      scopes: [placement.communityId ?? `room:${roomId}`],
      fn: async (tx, emit) => {
        if (placement.kind === 'group_dm') {
          // Counted under the room's row lock, so two adds at once cannot pass the limit together.
          const [row] = await tx.select({ n: rooms.memberCount }).from(rooms).where(eq(rooms.id, roomId)).for('update')
          if ((row?.n ?? 0) >= MAX_DM_PEOPLE) throw new AppError('conflict', `a group DM holds at most ${MAX_DM_PEOPLE} people`)
        }
        const added = await tx
          .insert(roomMembers)
          .values({ roomId, userId: targetId, communityId: placement.communityId, addedBy: actorId })
          .onConflictDoNothing()
          .returning({ userId: roomMembers.userId })
        if (added.length) emit({ type: 'room.member_added', roomId, ...(placement.communityId ? { communityId: placement.communityId } : {}), data: { roomId, userId: targetId } })
      },
    })
    return { roomId, userId: targetId }
  }

  async removeMember(actorId: string, roomId: string, targetId: string) {
    const { placement, bits } = await this.permissions.requireRoom(actorId, roomId)
    if (placement.kind === 'text' || placement.kind === 'dm') throw new AppError('invalid_target', 'this room has no member list to leave')
    if (actorId !== targetId && !(placement.kind === 'private' && has(bits, Perm.manage_rooms))) {
      throw new AppError('missing_permission', 'you can only remove yourself here')
    }
    await this.permissions.mutate({
      actorId,
      scopes: [placement.communityId ?? `room:${roomId}`],
      fn: async (tx, emit) => {
        const removed = await tx
          .delete(roomMembers)
          .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, targetId)))
          .returning({ userId: roomMembers.userId })
        if (removed.length) emit({ type: 'room.member_removed', roomId, ...(placement.communityId ? { communityId: placement.communityId } : {}), data: { roomId, userId: targetId } })
      },
    })
  }

  /**
   * Who is in a room, for whoever can view it (404 otherwise). A private room, a DM or a
   * group DM: the people added to it, in the order they were added (with `addedAt`). A
   * public room has no list of its own: the community's members who can view it, by id
   * (a page may be short, even empty, with a cursor to go on: each request reads a bounded
   * number of members).
   */
  async members(userId: string, roomId: string, opts: { cursor?: string; limit?: number }) {
    const { placement } = await this.permissions.requireRoom(userId, roomId)
    const limit = opts.limit ?? 50
    if (placement.kind === 'text') return this.viewers(userId, roomId, placement.communityId!, opts.cursor, limit)
    const after = opts.cursor === undefined ? undefined : timeIdCursor.decode(opts.cursor)
    const rows = await this.res.db
      .select({ ...userView, addedAt: roomMembers.joinedAt })
      .from(roomMembers)
      .innerJoin(users, eq(users.id, roomMembers.userId))
      .where(
        and(
          eq(roomMembers.roomId, roomId),
          after ? sql`(${addedAtMs}, ${roomMembers.userId}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(addedAtMs), asc(roomMembers.userId))
      .limit(limit + 1)
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    return {
      members: page.map((m) => ({ ...m, addedAt: m.addedAt.toISOString() })),
      nextCursor: rows.length > limit && last ? timeIdCursor.encode(last.addedAt, last.userId) : null,
    }
  }

  /** The community's members who can view a public room, by id, from the rules the permission check just read. */
  private async viewers(viewerId: string, roomId: string, communityId: string, cursor: string | undefined, limit: number) {
    if (cursor !== undefined && !isUuid(cursor)) throw badCursor()
    const { acl } = await this.permissions.context(communityId, viewerId)
    if (!acl) throw notFound('room')
    const now = Date.now()
    const members: { userId: string; username: string; displayName: string | null; avatarUrl: string | null }[] = []
    let after = cursor
    let scanned = 0
    let exhausted = false
    while (members.length < limit && scanned < MAX_SCAN && !exhausted) {
      const chunk = await this.res.db
        .select({
          ...userView,
          timeoutUntil: communityMembers.timeoutUntil,
          roleIds: sql<string[]>`coalesce((select array_agg(${memberRoles.roleId}::text) from ${memberRoles}
            where ${memberRoles.communityId} = ${communityMembers.communityId} and ${memberRoles.userId} = ${communityMembers.userId}), '{}')`,
          isOwner: sql<boolean>`exists (select 1 from ${communityOwners} where ${communityOwners.communityId} = ${communityMembers.communityId} and ${communityOwners.userId} = ${communityMembers.userId})`,
        })
        .from(communityMembers)
        .innerJoin(users, eq(users.id, communityMembers.userId))
        .where(and(eq(communityMembers.communityId, communityId), after ? gt(communityMembers.userId, after) : undefined))
        .orderBy(asc(communityMembers.userId))
        .limit(SCAN_CHUNK)
      scanned += chunk.length
      for (const m of chunk) {
        after = m.userId
        const member = { userId: m.userId, isMember: true, isOwner: Boolean(m.isOwner), roleIds: m.roleIds, timeoutUntil: m.timeoutUntil?.getTime() ?? null, privateRooms: new Set<string>() }
        if (canView(acl, member, { kind: 'room', id: roomId }, now)) {
          members.push({ userId: m.userId, username: m.username, displayName: m.displayName, avatarUrl: m.avatarUrl })
          if (members.length === limit) break
        }
      }
      exhausted = chunk.length < SCAN_CHUNK && after === chunk[chunk.length - 1]?.userId
      if (chunk.length === 0) exhausted = true
    }
    return { members, nextCursor: exhausted ? null : (after ?? null) }
  }

  /** The community as the viewer may see it: groups and rooms they cannot view are absent. */
  async tree(userId: string, communityId: string) {
    const { acl, member } = await this.permissions.requireCommunity(userId, communityId)
    const [groupRows, roomRows] = await Promise.all([
      this.res.db.select().from(groups).where(eq(groups.communityId, communityId)).orderBy(asc(groups.position), asc(groups.id)),
      this.res.db.select().from(rooms).where(eq(rooms.communityId, communityId)).orderBy(asc(rooms.position), asc(rooms.id)),
    ])
    const now = Date.now()
    const visible = (target: { kind: 'group' | 'room'; id: string }) => canView(acl, member, target, now)
    const nodes = new Map<string, GroupView>(groupRows.map((g) => [g.id, { ...toGroupView(g), groups: [], rooms: [] }]))
    const top: GroupView = { id: '', communityId, parentId: null, name: '', position: 0, groups: [], rooms: [] }
    for (const r of roomRows) {
      if (!visible({ kind: 'room', id: r.id })) continue
      ;(r.groupId ? nodes.get(r.groupId)! : top).rooms.push(toRoomView(r))
    }
    for (const g of groupRows) (g.parentId ? nodes.get(g.parentId)! : top).groups.push(nodes.get(g.id)!)
    // A group shows when the viewer can view it, or can view something inside it.
    const prune = (list: GroupView[]): GroupView[] =>
      list.filter((g) => {
        g.groups = prune(g.groups)
        return g.rooms.length > 0 || g.groups.length > 0 || visible({ kind: 'group', id: g.id })
      })
    return { communityId, groups: prune(top.groups), rooms: top.rooms }
  }

  private async findGroup(groupId: string): Promise<GroupRow> {
    const [group] = await this.res.db.select().from(groups).where(eq(groups.id, groupId))
    if (!group) throw notFound('group')
    return group
  }

  private async communityRoom(userId: string, roomId: string, perm: 'manage_rooms') {
    const { placement } = await this.permissions.requireRoom(userId, roomId, perm)
    if (!placement.communityId) throw new AppError('invalid_target', 'DMs cannot be changed this way')
    const [row] = await this.res.db.select().from(rooms).where(eq(rooms.id, roomId))
    if (!row) throw notFound('room')
    return row
  }

  /** `perm` where a new thing will sit: at the group, or community-wide at the top. */
  private async requireManageAt(userId: string, communityId: string, groupId: string | null, perm: 'manage_groups' | 'manage_rooms') {
    if (groupId === null) return this.permissions.requireCommunity(userId, communityId, perm)
    const [group] = await this.res.db.select({ communityId: groups.communityId }).from(groups).where(eq(groups.id, groupId))
    if (!group || group.communityId !== communityId) {
      await this.permissions.requireCommunity(userId, communityId)
      throw notFound('group')
    }
    return this.permissions.requireGroup(userId, communityId, groupId, perm)
  }
}

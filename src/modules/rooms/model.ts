import { t, type Static } from 'elysia'
import type { GroupRow, RoomRow } from '../../db/schema'
import { Id, Name } from '../../lib/model'

export const Group = t.Object({
  id: t.String(),
  communityId: t.String(),
  parentId: t.Nullable(t.String()),
  name: t.String(),
  position: t.Number(),
})

export const Room = t.Object({
  id: t.String(),
  communityId: t.Nullable(t.String()),
  groupId: t.Nullable(t.String()),
  kind: t.Union([t.Literal('text'), t.Literal('private'), t.Literal('dm'), t.Literal('group_dm')]),
  name: t.Nullable(t.String()),
  topic: t.Nullable(t.String()),
  position: t.Number(),
  slowModeSeconds: t.Number(),
  memberCount: t.Number(),
  createdAt: t.String(),
})

export interface TreeGroupView {
  id: string
  parentId: string | null
  name: string
  position: number
  groups: TreeGroupView[]
  rooms: Static<typeof Room>[]
}

export const TreeGroup = t.Unsafe<TreeGroupView>(t.Recursive((Self) =>
  t.Object({
    id: t.String(),
    parentId: t.Nullable(t.String()),
    name: t.String(),
    position: t.Number(),
    groups: t.Array(Self),
    rooms: t.Array(Room),
  }),
  { $id: 'TreeGroup', title: 'TreeGroup' },
))

export const Tree = t.Object({ communityId: t.String(), groups: t.Array(TreeGroup), rooms: t.Array(Room) })

const Position = t.Integer({ minimum: 0, maximum: 100_000 })

export const CreateGroupBody = t.Object({ name: Name, parentId: t.Optional(Id), position: t.Optional(Position) })
export const UpdateGroupBody = t.Object({
  name: t.Optional(Name),
  parentId: t.Optional(t.Nullable(Id)),
  position: t.Optional(Position),
})
export const CreateRoomBody = t.Object({
  name: Name,
  groupId: t.Optional(Id),
  private: t.Optional(t.Boolean()),
  topic: t.Optional(t.String({ maxLength: 1024 })),
  position: t.Optional(Position),
})
export const UpdateRoomBody = t.Object({
  name: t.Optional(Name),
  topic: t.Optional(t.Nullable(t.String({ maxLength: 1024 }))),
  groupId: t.Optional(t.Nullable(Id)),
  position: t.Optional(Position),
  slowModeSeconds: t.Optional(t.Integer({ minimum: 0, maximum: 21600 })),
})
export const DmBody = t.Object({ userIds: t.Array(Id, { minItems: 1, maxItems: 9 }) })
export const RoomUserParams = t.Object({ id: Id, userId: Id })

/** People in a group DM, the opener included. */
export const MAX_DM_PEOPLE = 10

export const toGroupView = (g: GroupRow) => ({
  id: g.id,
  communityId: g.communityId,
  parentId: g.parentId,
  name: g.name,
  position: g.position,
})

export const toRoomView = (r: RoomRow) => ({
  id: r.id,
  communityId: r.communityId,
  groupId: r.groupId,
  kind: r.kind,
  name: r.name,
  topic: r.topic,
  position: r.position,
  slowModeSeconds: r.slowModeSeconds,
  memberCount: r.memberCount,
  createdAt: r.createdAt.toISOString(),
})

export const RoomMemberAnswer = t.Object({ roomId: t.String(), userId: t.String() })

/** Someone in a room's member list: the user as the community members list shows them. */
export const RoomMember = t.Object({
  userId: t.String(),
  username: t.String(),
  displayName: t.Nullable(t.String()),
  avatarUrl: t.Nullable(t.String()),
  addedAt: t.Optional(t.String({ description: 'when they were added (private rooms, DMs and group DMs; a public room has no list of its own)' })),
})
export const RoomMemberPage = t.Object({ members: t.Array(RoomMember), nextCursor: t.Nullable(t.String()) })
export const OpenedDm = t.Composite([Room, t.Object({ created: t.Boolean() })])

declare module '../../domain-events/types' {
  interface DomainEventMap {
    'room.created': { room: RoomView }
    'room.updated': { room: RoomView }
    /** Someone was added to a private room or a group DM (public rooms have no member list). */
    'room.member_added': { roomId: string; userId: string }
    'room.member_removed': { roomId: string; userId: string }
  }
}
export type RoomView = ReturnType<typeof toRoomView>

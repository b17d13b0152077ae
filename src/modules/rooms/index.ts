import { Elysia, t } from 'elysia'
import type { DomainEvents } from '../../domain-events/bus'
import { defineFeature } from '../../feature'
import type { Fanout } from '../../realtime/fanout'
import { IdParams, NoContent, Paging } from '../../lib/model'
import type { SignedIn } from '../auth/guard'
import { CommunityParams, UserIdBody } from '../communities/model'
import { DmService, type DmDeps } from './dms'
import {
  CreateGroupBody,
  CreateRoomBody,
  DmBody,
  Group,
  OpenedDm,
  Room,
  RoomMemberAnswer,
  RoomMemberPage,
  RoomUserParams,
  Tree,
  UpdateGroupBody,
  UpdateRoomBody,
} from './model'
import { RoomService } from './service'

export type RoomsDeps = DmDeps & {
  signedIn: SignedIn
  events: Pick<DomainEvents, 'transaction' | 'on'>
  live: Pick<Fanout, 'toRoom' | 'toUser'>
}


/** Groups nested to any depth, rooms, private-room members, DMs and group DMs, and the tree a member sees. */
export const roomsFeature = defineFeature<RoomsDeps>({
  name: 'rooms',
  build: (deps) => {
    const dms = new DmService(deps)
    // Live, to the sockets that can see the room (its subscribers); a private room's
    // membership changes go to its members, and to the person added or removed.
    deps.events.on('room.updated', (event) => deps.live.toRoom(event.data.room.id, { type: 'room.updated', data: event.data }))
    deps.events.on('room.member_added', (event) => {
      deps.live.toRoom(event.data.roomId, { type: 'member.joined', data: event.data })
      deps.live.toUser(event.data.userId, { type: 'member.joined', roomId: event.data.roomId, data: event.data })
    })
    deps.events.on('room.member_removed', (event) => {
      deps.live.toRoom(event.data.roomId, { type: 'member.left', data: event.data })
      deps.live.toUser(event.data.userId, { type: 'member.left', roomId: event.data.roomId, data: event.data })
    })
    return { routes: roomsRoutes({ rooms: new RoomService({ ...deps, dms }), dms, signedIn: deps.signedIn }) }
  },
})

const roomsRoutes = (s: { rooms: RoomService; dms: DmService; signedIn: SignedIn }) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['groups and rooms'], security: [{ bearer: [] }] } })
    .use(s.signedIn())
    .get('/communities/:id/tree', ({ user, params }) => s.rooms.tree(user.id, params.id), {
      params: CommunityParams,
      response: { 200: Tree },
      detail: { summary: 'Groups and rooms nested, as the caller may see them' },
    })
    .post('/communities/:id/groups', async ({ user, params, body, status }) => status(201, await s.rooms.createGroup(user.id, params.id, body)), {
      params: CommunityParams,
      body: CreateGroupBody,
      response: { 201: Group },
      detail: { summary: 'Create a group (parentId: any group of the community, any depth)' },
    })
    .get('/groups/:id', ({ user, params }) => s.rooms.getGroup(user.id, params.id), { params: IdParams, response: { 200: Group }, detail: { summary: 'A group you can see' } })
    .patch('/groups/:id', ({ user, params, body }) => s.rooms.updateGroup(user.id, params.id, body), {
      params: IdParams,
      body: UpdateGroupBody,
      response: { 200: Group },
      detail: { summary: 'Rename, reorder or move a group with its subtree (parentId null: top level)' },
    })
    .delete('/groups/:id', async ({ user, params, status }) => {
      await s.rooms.deleteGroup(user.id, params.id)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Delete an empty group' } })
    .post('/communities/:id/rooms', async ({ user, params, body, status }) => status(201, await s.rooms.createRoom(user.id, params.id, body)), {
      params: CommunityParams,
      body: CreateRoomBody,
      response: { 201: Room }, detail: { summary: 'Create a room (manage_rooms); private rooms start with their creator' } })
    .get('/rooms/:id', ({ user, params }) => s.rooms.getRoom(user.id, params.id), { params: IdParams, response: { 200: Room }, detail: { summary: 'A room you can see' } })
    .patch('/rooms/:id', ({ user, params, body }) => s.rooms.updateRoom(user.id, params.id, body), {
      params: IdParams,
      body: UpdateRoomBody,
      response: { 200: Room },
      detail: { summary: 'Rename, set topic or slow mode, reorder or move a room (groupId null: top level)' },
    })
    .delete('/rooms/:id', async ({ user, params, status }) => {
      await s.rooms.deleteRoom(user.id, params.id)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Delete a room (manage_rooms)' } })
    .get('/rooms/:id/members', ({ user, params, query }) => s.rooms.members(user.id, params.id, query), {
      params: IdParams,
      query: Paging,
      response: { 200: RoomMemberPage },
      detail: { summary: 'Who is in a room you can view: the people added to a private room, DM or group DM; for a public room, the community members who can view it' },
    })
    .post('/rooms/:id/members', async ({ user, params, body, status }) => status(201, await s.rooms.addMember(user.id, params.id, body.userId)), {
      params: IdParams,
      body: UserIdBody,
      response: { 201: RoomMemberAnswer },
      detail: { summary: 'Add someone to a private room (manage_rooms) or a group DM' },
    })
    .delete('/rooms/:id/members/:userId', async ({ user, params, status }) => {
      await s.rooms.removeMember(user.id, params.id, params.userId)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: RoomUserParams, detail: { summary: 'Remove someone from a private room or group DM' } })
    .post('/dms', async ({ user, body, status }) => status(201, await s.dms.open(user.id, body.userIds)), {
      body: DmBody,
      response: { 201: OpenedDm },
      detail: { summary: 'Open the DM with one person (always the same room) or a group DM (up to 10 people)' },
    })
    .get('/dms', ({ user }) => s.dms.list(user.id), { response: { 200: t.Array(Room) }, detail: { summary: 'Your DMs and group DMs' } })

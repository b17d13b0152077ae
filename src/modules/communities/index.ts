import { Elysia, t } from 'elysia'
import type { DomainEvents } from '../../domain-events/bus'
import { defineFeature } from '../../feature'
import type { Fanout } from '../../realtime/fanout'
import type { Presence } from '../../realtime/presence'
import { NoContent, Paging } from '../../lib/model'
import type { SignedIn } from '../auth/guard'
import { InviteService } from './invites'
import {
  AuditPage,
  Ban,
  BanAnswer,
  BanBody,
  Community,
  CommunityParams,
  CommunityUserParams,
  CreateCommunityBody,
  CreateInviteBody,
  Invite,
  InvitePreview,
  InviteParams,
  MemberPage,
  Membership,
  OwnerAnswer,
  Timeout,
  TimeoutBody,
  UserIdBody,
} from './model'
import { CommunityService, type CommunityDeps } from './service'

export type CommunitiesDeps = CommunityDeps & {
  signedIn: SignedIn
  events: Pick<DomainEvents, 'transaction' | 'on'>
  live: Pick<Fanout, 'toCommunity' | 'toUser'>
  presence: Pick<Presence, 'joined'>
}

const security = [{ bearer: [] }]

/** Communities, their members, owners, bans, time-outs, invites and audit log. */
export const communitiesFeature = defineFeature<CommunitiesDeps, { communities: CommunityService }>({
  name: 'communities',
  build: (deps) => {
    const communities = new CommunityService(deps)
    // Live: who joined or left, to the sockets of the community's members; the one who
    // joined hears it on their own topic (their sockets were not yet hearing the community:
    // the gateway starts them on it once the community's copy has gone out).
    for (const type of ['member.joined', 'member.left'] as const) {
      deps.events.on(type, (event) => deps.live.toCommunity(event.data.communityId, { type, data: event.data }))
    }
    deps.events.on('member.joined', (event) => {
      const { userId, communityId } = event.data
      deps.live.toUser(userId, { type: 'member.joined', data: event.data })
      // Online already: the community hears it now, not at their next connect.
      deps.presence.joined(userId, communityId).catch((err) => deps.log.warn('could not announce a new member online', { error: err }))
    })
    return { routes: communitiesRoutes(communities, new InviteService(deps), deps.signedIn), api: { communities } }
  },
})

const communitiesRoutes = (communities: CommunityService, invites: InviteService, signedIn: SignedIn) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['communities'], security } })
    .use(signedIn())
    .post('/communities', async ({ user, body, status }) => status(201, await communities.create(user.id, body)), {
      body: CreateCommunityBody,
      response: { 201: Community },
      detail: { summary: 'Create a community; the creator is its owner' },
    })
    .get('/communities', ({ user }) => communities.listMine(user.id), {
      response: { 200: t.Array(Community) },
      detail: { summary: 'Communities the caller belongs to' },
    })
    .get('/communities/:id', ({ user, params }) => communities.get(user.id, params.id), {
      params: CommunityParams,
      response: { 200: Community }, detail: { summary: 'A community you belong to' } })
    .patch('/communities/:id', ({ user, params, body }) => communities.rename(user.id, params.id, body.name), {
      params: CommunityParams,
      body: CreateCommunityBody,
      response: { 200: Community },
      detail: { summary: 'Rename (manage_community)' },
    })
    .delete(
      '/communities/:id',
      async ({ user, params, status }) => {
        await communities.remove(user.id, params.id)
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: CommunityParams, detail: { summary: 'Delete the community (owners only)' } },
    )
    .get('/communities/:id/members', ({ user, params, query }) => communities.members(user.id, params.id, query), {
      params: CommunityParams,
      query: Paging,
      response: { 200: MemberPage }, detail: { summary: 'Members with their roles, paged by cursor' } })
    .delete(
      '/communities/:id/members/:userId',
      async ({ user, params, status }) => {
        if (params.userId === user.id) await communities.leave(user.id, params.id)
        else await communities.kick(user.id, params.id, params.userId)
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: CommunityUserParams, detail: { summary: 'Leave (your own id) or kick (moderate_members)' } },
    )
    .put(
      '/communities/:id/members/:userId/timeout',
      ({ user, params, body }) => communities.timeout(user.id, params.id, params.userId, body.seconds, body.reason),
      {
        params: CommunityUserParams,
        body: TimeoutBody,
        response: { 200: Timeout },
        detail: { summary: 'Time a member out (view only) for some seconds, at most 28 days; 0 lifts it (moderate_members, below you)' },
      },
    )
    .delete(
      '/communities/:id/members/:userId/timeout',
      async ({ user, params, status }) => {
        await communities.timeout(user.id, params.id, params.userId, 0)
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: CommunityUserParams, detail: { summary: 'End a timeout early (moderate_members, below you)' } },
    )
    .post('/communities/:id/bans', async ({ user, params, body, status }) => {
      return status(201, await communities.ban(user.id, params.id, body.userId, body.reason))
    }, {
      params: CommunityParams,
      body: BanBody,
      response: { 201: BanAnswer },
      detail: { summary: 'Ban a user (ban_members); removes their membership' },
    })
    .get('/communities/:id/bans', ({ user, params }) => communities.listBans(user.id, params.id), {
      params: CommunityParams,
      response: { 200: t.Array(Ban) }, detail: { summary: 'Banned users (ban_members)' } })
    .delete('/communities/:id/bans/:userId',
      async ({ user, params, status }) => {
        await communities.unban(user.id, params.id, params.userId)
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: CommunityUserParams, detail: { summary: 'Lift a ban (ban_members)' } },
    )
    .post(
      '/communities/:id/owners',
      async ({ user, params, body, status }) => {
        await communities.addOwner(user.id, params.id, body.userId)
        return status(201, { communityId: params.id, userId: body.userId })
      },
      {
        params: CommunityParams,
        body: UserIdBody,
        response: { 201: OwnerAnswer },
        detail: { summary: 'Make a member an owner (owners only)' },
      },
    )
    .delete(
      '/communities/:id/owners/:userId',
      async ({ user, params, status }) => {
        await communities.removeOwner(user.id, params.id, params.userId)
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: CommunityUserParams, detail: { summary: 'Remove an owner; the last one stays' } },
    )
    .post('/communities/:id/invites', async ({ user, params, body, status }) => status(201, await invites.create(user.id, params.id, body)), {
      params: CommunityParams,
      body: CreateInviteBody,
      response: { 201: Invite }, detail: { summary: 'Create an invite code (create_invites)' } })
    .get('/communities/:id/invites', ({ user, params }) => invites.list(user.id, params.id), {
      params: CommunityParams,
      response: { 200: t.Array(Invite) }, detail: { summary: 'Invites: all of them (manage_community) or your own' } })
    .get('/invites/:code', ({ params }) => invites.preview(params.code), {
      params: InviteParams,
      response: { 200: InvitePreview }, detail: { summary: 'Preview the community an invite opens' } })
    .post('/invites/:code/accept', ({ user, params }) => invites.accept(user.id, params.code), {
      params: InviteParams,
      response: { 200: Membership }, detail: { summary: 'Join the community with an invite' } })
    .delete('/invites/:code',
      async ({ user, params, status }) => {
        await invites.revoke(user.id, params.code)
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: InviteParams, detail: { summary: 'Revoke an invite (its creator, or manage_community)' } },
    )
    .get('/communities/:id/audit-log', ({ user, params, query }) => communities.auditLog(user.id, params.id, query), {
      params: CommunityParams,
      query: Paging,
      response: { 200: AuditPage },
      detail: { summary: 'Every change that touched access: who, what, before, after (manage_community)' },
    })

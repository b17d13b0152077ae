import { Elysia, t } from 'elysia'
import { defineFeature } from '../../feature'
import { AppError } from '../../lib/errors'
import { IdParams, NoContent } from '../../lib/model'
import type { SignedIn } from '../auth/guard'
import { CommunityParams } from '../communities/model'
import { has, Perm, toNames } from './bits'
import { AssignParams, CreateRoleBody, ExplainQuery, MyPermissions, MyPermissionsQuery, OverwriteBody, OverwriteParams, PermissionsAnswer, Role, UpdateRoleBody } from './model'
import { RoleService, type RoleDeps } from './roles'
import type { PermissionService } from './service'

export type PermissionsDeps = RoleDeps & { signedIn: SignedIn }

/** Roles, overwrites, and what a user may do in a room (with the rules behind it). */
export const permissionsFeature = defineFeature<PermissionsDeps>({
  name: 'permissions',
  build: (deps) => ({ routes: permissionsRoutes({ roles: new RoleService(deps), permissions: deps.permissions, signedIn: deps.signedIn }) }),
})

const permissionsRoutes = (s: { roles: RoleService; permissions: PermissionService; signedIn: SignedIn }) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['roles and permissions'], security: [{ bearer: [] }] } })
    .use(s.signedIn())
    .post('/communities/:id/roles', async ({ user, params, body, status }) => status(201, await s.roles.create(user.id, params.id, body)), {
      params: CommunityParams,
      body: CreateRoleBody,
      response: { 201: Role },
      detail: { summary: 'Create a role (scopeId: a group whose subtree it applies to)' },
    })
    .get('/communities/:id/roles', ({ user, params }) => s.roles.list(user.id, params.id), {
      params: CommunityParams,
      response: { 200: t.Array(Role) }, detail: { summary: 'Roles of a community, lowest first' } })
    .patch('/roles/:id', ({ user, params, body }) => s.roles.update(user.id, params.id, body), {
      params: IdParams,
      body: UpdateRoleBody,
      response: { 200: Role }, detail: { summary: 'Edit a role (manage_roles, below your highest role)' } })
    .delete('/roles/:id', async ({ user, params, status }) => {
      await s.roles.remove(user.id, params.id)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Delete a role (manage_roles, below your highest role)' } })
    .put('/communities/:id/members/:userId/roles/:roleId', async ({ user, params, status }) => {
      await s.roles.assign(user.id, params.id, params.userId, params.roleId, true)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: AssignParams, detail: { summary: 'Give a member a role' } })
    .delete('/communities/:id/members/:userId/roles/:roleId', async ({ user, params, status }) => {
      await s.roles.assign(user.id, params.id, params.userId, params.roleId, false)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: AssignParams, detail: { summary: 'Take a role from a member' } })
    .put('/groups/:id/overwrites/:kind/:targetId', async ({ user, params, body, status }) => {
      await s.roles.setOverwrite(user.id, { kind: 'group', id: params.id }, { kind: params.kind, id: params.targetId }, body)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: OverwriteParams, body: OverwriteBody, detail: { summary: 'Set allow and deny for a role or member on a group' } })
    .delete('/groups/:id/overwrites/:kind/:targetId', async ({ user, params, status }) => {
      await s.roles.setOverwrite(user.id, { kind: 'group', id: params.id }, { kind: params.kind, id: params.targetId }, null)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: OverwriteParams, detail: { summary: 'Remove an overwrite from a group' } })
    .put('/rooms/:id/overwrites/:kind/:targetId', async ({ user, params, body, status }) => {
      await s.roles.setOverwrite(user.id, { kind: 'room', id: params.id }, { kind: params.kind, id: params.targetId }, body)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: OverwriteParams, body: OverwriteBody, detail: { summary: 'Set allow and deny for a role or member on a room' } })
    .delete('/rooms/:id/overwrites/:kind/:targetId', async ({ user, params, status }) => {
      await s.roles.setOverwrite(user.id, { kind: 'room', id: params.id }, { kind: params.kind, id: params.targetId }, null)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: OverwriteParams, detail: { summary: 'Remove an overwrite from a room' } })
    .get('/communities/:id/permissions', async ({ user, params, query }) => {
      const bits = query.groupId
        ? await s.permissions.requireGroup(user.id, params.id, query.groupId)
        : (await s.permissions.requireCommunity(user.id, params.id)).bits
      return { permissions: toNames(bits) }
    }, {
      params: CommunityParams,
      query: MyPermissionsQuery,
      response: { 200: MyPermissions },
      detail: { summary: 'Your permissions in a community, or in one of its groups (404 unless you are a member who can view it)' },
    })
    .get('/rooms/:id/permissions', async ({ user, params, query }) => {
      const subject = query.userId ?? user.id
      const { bits } = await s.permissions.requireRoom(user.id, params.id)
      if (subject !== user.id && !has(bits, Perm.manage_roles)) {
        throw new AppError('missing_permission', "you need the manage_roles permission to see someone else's permissions")
      }
      return s.permissions.explain(subject, params.id)
    }, {
      params: IdParams,
      query: ExplainQuery,
      response: { 200: PermissionsAnswer },
      detail: { summary: "A user's permissions in a room, and which rule set or cleared each bit" },
    })

import { t } from 'elysia'
import type { RoleRow } from '../../db/schema'
import { Id, Name } from '../../lib/model'
import { permissionNames, toNames } from './bits'

export const PermissionNameT = t.Union(permissionNames.map((n) => t.Literal(n)))
const Names = t.Array(PermissionNameT, { maxItems: permissionNames.length })

export const Role = t.Object({
  id: t.String(),
  communityId: t.String(),
  name: t.String(),
  permissions: t.Array(t.String()),
  position: t.Number(),
  scopeId: t.Nullable(t.String()),
  isDefault: t.Boolean(),
  color: t.Nullable(t.Number()),
})

export const toRoleView = (r: RoleRow) => ({
  id: r.id,
  communityId: r.communityId,
  name: r.name,
  permissions: toNames(r.permissions),
  position: r.position,
  scopeId: r.scopeGroupId,
  isDefault: r.isDefault,
  color: r.color,
})

const Color = t.Integer({ minimum: 0, maximum: 0xffffff })

export const CreateRoleBody = t.Object({
  name: Name,
  permissions: Names,
  scopeId: t.Optional(Id),
  position: t.Optional(t.Integer({ minimum: 1, maximum: 100_000 })),
  color: t.Optional(Color),
})
export const UpdateRoleBody = t.Object({
  name: t.Optional(Name),
  permissions: t.Optional(Names),
  position: t.Optional(t.Integer({ minimum: 1, maximum: 100_000 })),
  color: t.Optional(t.Nullable(Color)),
})
export const OverwriteBody = t.Object({ allow: Names, deny: Names })
export const OverwriteParams = t.Object({
  id: Id,
  kind: t.Union([t.Literal('role'), t.Literal('member')]),
  targetId: Id,
})
export const AssignParams = t.Object({ id: Id, userId: Id, roleId: Id })
export const PermissionsAnswer = t.Object({
  permissions: t.Array(t.String()),
  explain: t.Array(
    t.Object({ level: t.String(), rule: t.String(), set: t.Array(t.String()), cleared: t.Array(t.String()) }),
  ),
})

export const ExplainQuery = t.Object({ userId: t.Optional(Id) })

/** What the caller may do in a community, or in one of its groups (what an app shows or hides). */
export const MyPermissions = t.Object({ permissions: t.Array(t.String()) })
export const MyPermissionsQuery = t.Object({ groupId: t.Optional(Id) })

import { and, asc, eq } from 'drizzle-orm'
import { groups, memberRoles, overwrites, roles, type RoleRow } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { trimmedName } from '../../lib/model'
import type { Database } from '../../db/client'
import { toBits, toNames } from './bits'
import { assertCanGrant, assertCanModerate, assertMemberBelow, assertRoleBelow } from './delegation'
import { toRoleView } from './model'
import { requireBit, type PermissionService } from './service'

type OverwriteTarget = { kind: 'group'; id: string } | { kind: 'room'; id: string }

export interface RoleDeps {
  db: Database
  permissions: PermissionService
}

export class RoleService {
  private readonly permissions: PermissionService

  constructor(private readonly res: RoleDeps) {
    this.permissions = res.permissions
  }

  async list(userId: string, communityId: string) {
    await this.permissions.requireCommunity(userId, communityId)
    const rows = await this.res.db.select().from(roles).where(eq(roles.communityId, communityId)).orderBy(asc(roles.position))
    return rows.map(toRoleView)
  }

  async create(
    userId: string,
    communityId: string,
    input: { name: string; permissions: string[]; scopeId?: string; position?: number; color?: number },
  ) {
    const scope = input.scopeId ?? null
    const { actor, acl, bits } = await this.manageRolesAt(userId, communityId, scope)
    if (scope) await this.assertGroupOf(communityId, scope)
    const wanted = toBits(input.permissions)
    assertCanGrant(actor, bits, wanted)
    const position = input.position ?? 1
    if (position < 1) throw new AppError('validation_failed', 'position 0 belongs to the default role')
    assertRoleBelow(acl, actor, position)
    const [row] = await this.permissions.mutate({
      actorId: userId,
      scopes: [communityId],
      fn: (tx) =>
        tx
          .insert(roles)
          .values({ id: newId(), communityId, name: trimmedName(input.name), permissions: wanted, position, scopeGroupId: scope, color: input.color })
          .returning(),
    })
    return toRoleView(row!)
  }

  async update(userId: string, roleId: string, input: { name?: string; permissions?: string[]; position?: number; color?: number | null }) {
    const role = await this.find(roleId)
    const { actor, acl, bits } = await this.manageRolesAt(userId, role.communityId, role.scopeGroupId)
    if (!role.isDefault) assertRoleBelow(acl, actor, role.position)
    const wanted = input.permissions ? toBits(input.permissions) : role.permissions
    // Changing a bit either way (granting or taking away) needs holding it.
    assertCanGrant(actor, bits, wanted ^ role.permissions)
    if (input.position !== undefined) {
      if (role.isDefault) throw new AppError('validation_failed', 'the default role stays at position 0')
      if (input.position < 1) throw new AppError('validation_failed', 'position 0 belongs to the default role')
      assertRoleBelow(acl, actor, input.position)
    }
    const [row] = await this.permissions.mutate({
      actorId: userId,
      scopes: [role.communityId],
      fn: (tx) =>
        tx
          .update(roles)
          .set({ name: trimmedName(input.name), permissions: wanted, position: input.position, color: input.color })
          .where(eq(roles.id, roleId))
          .returning(),
    })
    return toRoleView(row!)
  }

  async remove(userId: string, roleId: string) {
    const role = await this.find(roleId)
    if (role.isDefault) throw new AppError('invalid_target', 'the default role cannot be deleted')
    const { actor, acl } = await this.manageRolesAt(userId, role.communityId, role.scopeGroupId)
    assertRoleBelow(acl, actor, role.position)
    await this.permissions.mutate({
      actorId: userId,
      scopes: [role.communityId],
      fn: (tx) => tx.delete(roles).where(eq(roles.id, roleId)),
    })
  }

  async assign(userId: string, communityId: string, targetId: string, roleId: string, on: boolean) {
    const role = await this.find(roleId)
    if (role.communityId !== communityId) throw notFound('role')
    if (role.isDefault) throw new AppError('invalid_target', 'everyone has the default role')
    const { actor, acl, bits } = await this.manageRolesAt(userId, communityId, role.scopeGroupId)
    assertRoleBelow(acl, actor, role.position)
    // Giving a role grants its permissions: only those the giver holds (taking one away grants nothing).
    if (on) assertCanGrant(actor, bits, role.permissions)
    const target = (await this.permissions.context(communityId, targetId)).member
    if (!target.isMember) throw notFound('member')
    // Another member's roles are theirs to keep: only those ranked below the actor have them changed.
    if (targetId !== userId) assertMemberBelow(acl, actor, target)
    await this.permissions.mutate({
      actorId: userId,
      scopes: [communityId],
      fn: (tx) =>
        on
          ? tx.insert(memberRoles).values({ communityId, userId: targetId, roleId }).onConflictDoNothing()
          : tx.delete(memberRoles).where(and(eq(memberRoles.userId, targetId), eq(memberRoles.roleId, roleId))),
    })
  }

  /** Sets (or with `null`, removes) the overwrite of a role or member on a group or room. */
  async setOverwrite(
    userId: string,
    target: OverwriteTarget,
    subject: { kind: 'role' | 'member'; id: string },
    change: { allow: string[]; deny: string[] } | null,
  ) {
    const communityId = await this.communityOf(target)
    const bits =
      target.kind === 'group'
        ? await this.permissions.requireGroup(userId, communityId, target.id, 'manage_roles')
        : (await this.permissions.requireRoom(userId, target.id, 'manage_roles')).bits
    const { acl, member: actor } = await this.permissions.context(communityId, userId)
    if (!acl) throw notFound('community')
    if (subject.kind === 'role') {
      const role = acl.roles.get(subject.id)
      if (!role) throw notFound('role')
      if (!role.isDefault) assertRoleBelow(acl, actor, role.position)
    } else {
      const other = (await this.permissions.context(communityId, subject.id)).member
      if (!other.isMember) throw notFound('member')
      if (other.userId !== userId) assertCanModerate(acl, actor, other)
    }
    const allow = change ? toBits(change.allow) : 0n
    const deny = change ? toBits(change.deny) : 0n
    if (allow & deny) throw new AppError('validation_failed', `a permission cannot be both allowed and denied: ${toNames(allow & deny).join(', ')}`)
    assertCanGrant(actor, bits, allow | deny)

    const where = and(
      target.kind === 'group' ? eq(overwrites.groupId, target.id) : eq(overwrites.roomId, target.id),
      eq(overwrites.subjectKind, subject.kind),
      eq(overwrites.subjectId, subject.id),
    )
    await this.permissions.mutate({
      actorId: userId,
      scopes: [communityId],
      fn: async (tx) => {
        const [existing] = await tx.select({ id: overwrites.id }).from(overwrites).where(where).for('update')
        if (!change) return existing ? tx.delete(overwrites).where(eq(overwrites.id, existing.id)) : undefined
        if (existing) return tx.update(overwrites).set({ allow, deny }).where(eq(overwrites.id, existing.id))
        return tx.insert(overwrites).values({
          id: newId(),
          communityId,
          groupId: target.kind === 'group' ? target.id : null,
          roomId: target.kind === 'room' ? target.id : null,
          subjectKind: subject.kind,
          subjectId: subject.id,
          allow,
          deny,
        })
      },
    })
  }

  private async manageRolesAt(userId: string, communityId: string, scopeGroupId: string | null) {
    const { acl, member, bits } = await this.permissions.requireCommunity(userId, communityId)
    const here = scopeGroupId ? await this.permissions.requireGroup(userId, communityId, scopeGroupId, 'manage_roles') : bits
    if (!scopeGroupId) requireBit(here, 'manage_roles')
    return { acl, actor: member, bits: here }
  }

  private async find(roleId: string): Promise<RoleRow> {
    const [role] = await this.res.db.select().from(roles).where(eq(roles.id, roleId))
    if (!role) throw notFound('role')
    return role
  }

  private async assertGroupOf(communityId: string, groupId: string) {
    const [g] = await this.res.db.select({ c: groups.communityId }).from(groups).where(eq(groups.id, groupId))
    if (!g || g.c !== communityId) throw notFound('group')
  }

  private async communityOf(target: OverwriteTarget): Promise<string> {
    if (target.kind === 'group') {
      const [g] = await this.res.db.select({ c: groups.communityId }).from(groups).where(eq(groups.id, target.id))
      if (!g) throw notFound('group')
      return g.c
    }
    const place = await this.permissions.placement(target.id)
    if (!place) throw notFound('room')
    if (!place.communityId) throw new AppError('invalid_target', 'DMs have no overwrites')
    return place.communityId
  }
}

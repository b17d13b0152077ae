import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm'
import {
  auditLog,
  bans,
  communities,
  communityMembers,
  communityOwners,
  memberRoles,
  roles,
  roomMembers,
  users,
} from '../../db/schema'
import { badCursor } from '../../lib/cursor'
import { AppError, notFound } from '../../lib/errors'
import { isUuid, newId } from '../../lib/ids'
import { iso, trimmedName } from '../../lib/model'
import type { Database } from '../../db/client'
import type { Tx } from '../../db/tx'
import type { Emit } from '../../domain-events/types'
import { toCommunityView, type MemberLeftReason } from './model'
import type { DomainEvents } from '../../domain-events/bus'
import type { Logger } from '../../lib/log'
import { DEFAULT_EVERYONE } from '../permissions/bits'
import { canView } from '../permissions/engine'
import { assertCanModerate } from '../permissions/delegation'
import type { PermissionService } from '../permissions/service'
import { lockMembership } from './invites'

const MAX_TIMEOUT_SECONDS = 28 * 86400

export interface CommunityDeps {
  db: Database
  log: Logger
  permissions: PermissionService
  events: Pick<DomainEvents, 'transaction'>
}

export class CommunityService {
  private readonly permissions: PermissionService

  constructor(private readonly deps: CommunityDeps) {
    this.permissions = deps.permissions
  }

  async create(userId: string, input: { name: string }) {
    const name = trimmedName(input.name)
    const id = newId()
    const community = await this.permissions.mutate({
      actorId: userId,
      scopes: [id],
      fn: async (tx, emit) => {
        const [row] = await tx.insert(communities).values({ id, name, createdBy: userId }).returning()
        await tx.insert(roles).values({
          id: newId(),
          communityId: id,
          name: 'everyone',
          permissions: DEFAULT_EVERYONE,
          position: 0,
          isDefault: true,
        })
        await tx.insert(communityMembers).values({ communityId: id, userId })
        await tx.insert(communityOwners).values({ communityId: id, userId })
        emit({ type: 'member.joined', communityId: id, data: { communityId: id, userId, via: 'created' } })
        return row!
      },
    })
    return { ...toCommunityView({ ...community, memberCount: 1 }), owners: [userId] }
  }

  async listMine(userId: string) {
    const rows = await this.deps.db
      .select({ community: communities })
      .from(communityMembers)
      .innerJoin(communities, eq(communities.id, communityMembers.communityId))
      .where(eq(communityMembers.userId, userId))
      .orderBy(asc(communityMembers.joinedAt))
    return rows.map((r) => toCommunityView(r.community))
  }

  async get(userId: string, communityId: string) {
    await this.permissions.requireCommunity(userId, communityId)
    const [row] = await this.deps.db.select().from(communities).where(eq(communities.id, communityId))
    if (!row) throw notFound('community')
    const owners = await this.deps.db
      .select({ userId: communityOwners.userId })
      .from(communityOwners)
      .where(eq(communityOwners.communityId, communityId))
    return { ...toCommunityView(row), owners: owners.map((o) => o.userId) }
  }

  async rename(userId: string, communityId: string, input: string) {
    const name = trimmedName(input)
    await this.permissions.requireCommunity(userId, communityId, 'manage_community')
    const [row] = await this.deps.events.transaction({ actorId: userId }, (tx) => tx.update(communities).set({ name }).where(eq(communities.id, communityId)).returning())
    return toCommunityView(row!)
  }

  async remove(userId: string, communityId: string) {
    const { member } = await this.permissions.requireCommunity(userId, communityId)
    if (!member.isOwner) throw new AppError('owner_only', 'only an owner can delete the community')
    await this.permissions.mutate({
      actorId: userId,
      scopes: [communityId],
      fn: (tx) => tx.delete(communities).where(eq(communities.id, communityId)),
    })
  }

  async members(userId: string, communityId: string, opts: { cursor?: string; limit?: number }) {
    if (opts.cursor !== undefined && !isUuid(opts.cursor)) throw badCursor()
    await this.permissions.requireCommunity(userId, communityId)
    const limit = opts.limit ?? 50
    const rows = await this.deps.db
      .select({
        userId: communityMembers.userId,
        username: users.username,
        displayName: users.displayName,
        avatarUrl: users.avatarUrl,
        nickname: communityMembers.nickname,
        joinedAt: communityMembers.joinedAt,
        timeoutUntil: communityMembers.timeoutUntil,
        roleIds: sql<string[]>`coalesce((select array_agg(${memberRoles.roleId}::text) from ${memberRoles}
          where ${memberRoles.communityId} = ${communityMembers.communityId} and ${memberRoles.userId} = ${communityMembers.userId}), '{}')`,
        isOwner: sql<boolean>`exists (select 1 from ${communityOwners} where ${communityOwners.communityId} = ${communityMembers.communityId} and ${communityOwners.userId} = ${communityMembers.userId})`,
      })
      .from(communityMembers)
      .innerJoin(users, eq(users.id, communityMembers.userId))
      .where(
        and(
          eq(communityMembers.communityId, communityId),
          opts.cursor ? gt(communityMembers.userId, opts.cursor) : undefined,
        ),
      )
      .orderBy(asc(communityMembers.userId))
      .limit(limit + 1)
    const page = rows.slice(0, limit)
    return {
      members: page.map((m) => ({
        ...m,
        joinedAt: m.joinedAt.toISOString(),
        timeoutUntil: m.timeoutUntil && m.timeoutUntil.getTime() > Date.now() ? m.timeoutUntil.toISOString() : null,
      })),
      nextCursor: rows.length > limit ? page[page.length - 1]!.userId : null,
    }
  }

  async leave(userId: string, communityId: string) {
    const { member } = await this.permissions.requireCommunity(userId, communityId)
    await this.permissions.mutate({
      actorId: userId,
      scopes: [communityId],
      fn: async (tx, emit) => {
        if (member.isOwner) await assertAnotherOwner(tx, communityId, userId)
        await removeMembership(tx, emit, { communityId, userId, reason: 'left' })
      },
    })
  }

  async kick(actorId: string, communityId: string, targetId: string) {
    await this.moderate(actorId, communityId, targetId, 'moderate_members')
    await this.permissions.mutate({
      actorId,
      scopes: [communityId],
      fn: (tx, emit) => removeMembership(tx, emit, { communityId, userId: targetId, reason: 'kicked' }),
    })
  }

  async ban(actorId: string, communityId: string, targetId: string, reason: string | undefined) {
    const { acl, member: actor } = await this.permissions.requireCommunity(actorId, communityId, 'ban_members')
    const [target] = await this.deps.db.select({ id: users.id }).from(users).where(eq(users.id, targetId))
    if (!target) throw notFound('user')
    const targetCtx = (await this.permissions.context(communityId, targetId)).member
    assertCanModerate(acl, actor, targetCtx)
    await this.permissions.mutate({
      actorId,
      scopes: [communityId],
      fn: async (tx, emit) => {
        await lockMembership(tx, communityId, targetId)
        await tx
          .insert(bans)
          .values({ communityId, userId: targetId, reason, bannedBy: actorId })
          .onConflictDoUpdate({ target: [bans.communityId, bans.userId], set: { reason, bannedBy: actorId } })
        await removeMembership(tx, emit, { communityId, userId: targetId, reason: 'banned' })
      },
    })
    return { communityId, userId: targetId, reason: reason ?? null }
  }

  async unban(actorId: string, communityId: string, targetId: string) {
    await this.permissions.requireCommunity(actorId, communityId, 'ban_members')
    const removed = await this.permissions.mutate({
      actorId,
      scopes: [communityId],
      fn: (tx) =>
        tx.delete(bans).where(and(eq(bans.communityId, communityId), eq(bans.userId, targetId))).returning(),
    })
    if (removed.length === 0) throw notFound('ban')
  }

  async listBans(actorId: string, communityId: string) {
    await this.permissions.requireCommunity(actorId, communityId, 'ban_members')
    const rows = await this.deps.db.select().from(bans).where(eq(bans.communityId, communityId)).orderBy(desc(bans.createdAt))
    return rows.map((b) => ({ userId: b.userId, reason: b.reason, bannedBy: b.bannedBy, createdAt: b.createdAt.toISOString() }))
  }

  /** Seconds > 0 sets a timeout that ends by itself; 0 lifts it. A reason goes to the audit log. */
  async timeout(actorId: string, communityId: string, targetId: string, seconds: number, reason?: string) {
    if (seconds > MAX_TIMEOUT_SECONDS) throw new AppError('validation_failed', `a timeout lasts at most ${MAX_TIMEOUT_SECONDS} seconds`)
    await this.moderate(actorId, communityId, targetId, 'moderate_members')
    const until = seconds > 0 ? new Date(Date.now() + seconds * 1000) : null
    await this.permissions.mutate({
      actorId,
      scopes: [communityId],
      fn: async (tx) => {
        await tx
          .update(communityMembers)
          .set({ timeoutUntil: until })
          .where(and(eq(communityMembers.communityId, communityId), eq(communityMembers.userId, targetId)))
        if (reason) {
          await tx.insert(auditLog).values({
            communityId,
            actorId,
            action: until ? 'member.timeout' : 'member.timeout_lifted',
            entity: 'community_members',
            after: { userId: targetId, timeoutUntil: iso(until), reason },
          })
        }
      },
    })
    return { userId: targetId, timeoutUntil: iso(until) }
  }

  async addOwner(actorId: string, communityId: string, targetId: string) {
    const { member } = await this.permissions.requireCommunity(actorId, communityId)
    if (!member.isOwner) throw new AppError('owner_only', 'only an owner can add owners')
    const target = (await this.permissions.context(communityId, targetId)).member
    if (!target.isMember) throw new AppError('invalid_target', 'only a member of the community can become an owner')
    await this.permissions.mutate({
      actorId,
      scopes: [communityId],
      fn: (tx) => tx.insert(communityOwners).values({ communityId, userId: targetId }).onConflictDoNothing(),
    })
  }

  async removeOwner(actorId: string, communityId: string, targetId: string) {
    const { member } = await this.permissions.requireCommunity(actorId, communityId)
    if (!member.isOwner) throw new AppError('owner_only', 'only an owner can remove owners')
    const removed = await this.permissions.mutate({
      actorId,
      scopes: [communityId],
      fn: async (tx) => {
        await assertAnotherOwner(tx, communityId, targetId)
        return tx
          .delete(communityOwners)
          .where(and(eq(communityOwners.communityId, communityId), eq(communityOwners.userId, targetId)))
          .returning()
      },
    })
    if (removed.length === 0) throw notFound('owner')
  }

  /**
   * Changes to access, newest first. Entries about a room the caller cannot view (a
   * private one) are left out: managing the community does not open its private rooms.
   */
  async auditLog(actorId: string, communityId: string, opts: { cursor?: string; limit?: number }) {
    const { acl, member } = await this.permissions.requireCommunity(actorId, communityId, 'manage_community')
    const now = Date.now()
    const hidden = (entry: { entity: string; before: unknown; after: unknown }) => {
      const row = (entry.after ?? entry.before) as Record<string, unknown> | null
      const roomId =
        entry.entity === 'rooms'
          ? row?.id
          : entry.entity === 'room_members' || entry.entity === 'overwrites'
            ? row?.room_id
            : // Rows the services write (automod verdicts, report resolutions) name their room themselves.
              (row?.roomId ?? (row?.target as Record<string, unknown> | undefined)?.roomId)
      if (typeof roomId !== 'string' || !acl.rooms.has(roomId)) return false
      return !canView(acl, member, { kind: 'room', id: roomId }, now)
    }
    const limit = opts.limit ?? 50
    if (opts.cursor !== undefined && !/^[0-9]{1,15}$/.test(opts.cursor)) throw badCursor()
    const before = opts.cursor ? Number(opts.cursor) : undefined
    const rows = await this.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.communityId, communityId), before ? lt(auditLog.id, before) : undefined))
      .orderBy(desc(auditLog.id))
      .limit(limit + 1)
    const page = rows.slice(0, limit)
    return {
      entries: page.filter((e) => !hidden(e)).map((e) => ({ ...e, id: String(e.id), createdAt: e.createdAt.toISOString() })),
      nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
    }
  }

  private async moderate(actorId: string, communityId: string, targetId: string, perm: 'moderate_members') {
    const { acl, member: actor } = await this.permissions.requireCommunity(actorId, communityId, perm)
    const target = (await this.permissions.context(communityId, targetId)).member
    if (!target.isMember) throw notFound('member')
    assertCanModerate(acl, actor, target)
  }
}

/** Locks the owner rows, then refuses to let the last owner go. */
async function assertAnotherOwner(tx: Tx, communityId: string, leaving: string) {
  const owners = await tx
    .select({ userId: communityOwners.userId })
    .from(communityOwners)
    .where(eq(communityOwners.communityId, communityId))
    .for('update')
  if (owners.every((o) => o.userId === leaving)) {
    throw new AppError('last_owner', 'a community keeps at least one owner: add another owner first')
  }
}

/** A member leaves everything of the community: roles, private rooms, membership; `member.left` when they were one. */
export async function removeMembership(tx: Tx, emit: Emit, left: { communityId: string; userId: string; reason: MemberLeftReason }) {
  const { communityId, userId } = left
  await tx.delete(memberRoles).where(and(eq(memberRoles.communityId, communityId), eq(memberRoles.userId, userId)))
  await tx.delete(roomMembers).where(and(eq(roomMembers.communityId, communityId), eq(roomMembers.userId, userId)))
  await tx.delete(communityOwners).where(and(eq(communityOwners.communityId, communityId), eq(communityOwners.userId, userId)))
  const removed = await tx
    .delete(communityMembers)
    .where(and(eq(communityMembers.communityId, communityId), eq(communityMembers.userId, userId)))
    .returning({ userId: communityMembers.userId })
  if (removed.length) emit({ type: 'member.left', communityId, data: left })
}


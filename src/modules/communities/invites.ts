import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm'
import { bans, communities, communityMembers, invites } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { randomToken } from '../../lib/ids'
import type { Database } from '../../db/client'
import type { DomainEvents } from '../../domain-events/bus'
import { has, Perm } from '../permissions/bits'
import type { PermissionService } from '../permissions/service'
import { toInviteView } from './model'
import { lockKey } from '../../db/tx'

const invalidInvite = () => new AppError('not_found', 'invite is not valid (unknown, expired, used up or revoked)')

export interface InviteDeps {
  db: Database
  permissions: PermissionService
  events: Pick<DomainEvents, 'transaction'>
}

export class InviteService {
  private readonly permissions: PermissionService

  constructor(private readonly deps: InviteDeps) {
    this.permissions = deps.permissions
  }

  async create(userId: string, communityId: string, input: { maxUses?: number; expiresInSeconds?: number }) {
    await this.permissions.requireCommunity(userId, communityId, 'create_invites')
    const [row] = await this.deps.events.transaction({ actorId: userId }, (tx) =>
        tx
          .insert(invites)
          .values({
            code: randomToken(9),
            communityId,
            createdBy: userId,
            maxUses: input.maxUses ?? null,
            expiresAt: input.expiresInSeconds ? new Date(Date.now() + input.expiresInSeconds * 1000) : null,
          })
          .returning())
    return toInviteView(row!)
  }

  /** Invites of the community: all of them for managers, one's own for everyone else. */
  async list(userId: string, communityId: string) {
    const { bits } = await this.permissions.requireCommunity(userId, communityId, 'create_invites')
    const all = has(bits, Perm.manage_community)
    const rows = await this.deps.db
      .select()
      .from(invites)
      .where(and(eq(invites.communityId, communityId), all ? undefined : eq(invites.createdBy, userId)))
      .orderBy(desc(invites.createdAt))
    return rows.map(toInviteView)
  }

  async revoke(userId: string, code: string) {
    const [invite] = await this.deps.db.select().from(invites).where(eq(invites.code, code))
    if (!invite) throw invalidInvite()
    const { bits } = await this.permissions.requireCommunity(userId, invite.communityId)
    if (invite.createdBy !== userId && !has(bits, Perm.manage_community)) {
      throw new AppError('missing_permission', 'you need the manage_community permission to revoke invites of others')
    }
    await this.deps.events.transaction({ actorId: userId }, (tx) => tx.update(invites).set({ revokedAt: new Date() }).where(eq(invites.code, code)))
  }

  /** What someone holding the code may see before joining. */
  async preview(code: string) {
    const [row] = await this.deps.db
      .select({ invite: invites, community: communities })
      .from(invites)
      .innerJoin(communities, eq(communities.id, invites.communityId))
      .where(and(eq(invites.code, code), usable()))
    if (!row) throw invalidInvite()
    return { code, community: { id: row.community.id, name: row.community.name, memberCount: row.community.memberCount } }
  }

  async accept(userId: string, code: string) {
    const [invite] = await this.deps.db.select().from(invites).where(eq(invites.code, code))
    if (!invite) throw invalidInvite()
    const communityId = invite.communityId
    // What changes nothing is answered before the permission version moves.
    if (await isBanned(this.deps.db, communityId, userId)) throw banned()
    const [existing] = await this.deps.db
      .select()
      .from(communityMembers)
      .where(and(eq(communityMembers.communityId, communityId), eq(communityMembers.userId, userId)))
    if (existing) return { communityId, userId, joinedAt: existing.joinedAt.toISOString(), alreadyMember: true }
    return this.permissions.mutate({
      actorId: userId,
      scopes: [communityId],
      fn: async (tx, emit) => {
        // Serialized with a ban of the same person, so a ban cannot slip in between.
        await lockMembership(tx, communityId, userId)
        if (await isBanned(tx, communityId, userId)) throw banned()
        // Spend one use atomically; a used-up, expired or revoked invite spends nothing.
        const spent = await tx
          .update(invites)
          .set({ uses: sql`${invites.uses} + 1` })
          .where(and(eq(invites.code, code), usable()))
          .returning({ code: invites.code })
        if (spent.length === 0) throw invalidInvite()
        const [member] = await tx.insert(communityMembers).values({ communityId, userId }).onConflictDoNothing().returning()
        if (!member) throw new AppError('already_member', 'you joined this community meanwhile')
        emit({ type: 'member.joined', communityId, data: { communityId, userId, via: 'invite' } })
        return { communityId, userId, joinedAt: member.joinedAt.toISOString(), alreadyMember: false }
      },
    })
  }
}

const banned = () => new AppError('banned', 'you are banned from this community')

async function isBanned(db: Pick<Database, 'select'>, communityId: string, userId: string) {
  const rows = await db.select({ userId: bans.userId }).from(bans).where(and(eq(bans.communityId, communityId), eq(bans.userId, userId)))
  return rows.length > 0
}

/** One person's membership of one community changes one transaction at a time (join vs ban). */
export async function lockMembership(tx: Pick<Database, 'execute'>, communityId: string, userId: string) {
  await lockKey(tx, `membership:${communityId}:${userId}`)
}

function usable() {
  return and(
    isNull(invites.revokedAt),
    or(isNull(invites.expiresAt), gt(invites.expiresAt, sql`now()`)),
    or(isNull(invites.maxUses), sql`${invites.uses} < ${invites.maxUses}`),
  )
}

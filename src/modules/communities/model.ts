import { t } from 'elysia'
import { Id, Name } from '../../lib/model'

const Nullable = <T extends Parameters<typeof t.Nullable>[0]>(s: T) => t.Nullable(s)

export const Community = t.Object({
  id: t.String(),
  name: t.String(),
  memberCount: t.Number(),
  createdAt: t.String(),
  owners: t.Optional(t.Array(t.String())),
})

export const Member = t.Object({
  userId: t.String(),
  username: t.String(),
  displayName: Nullable(t.String()),
  nickname: Nullable(t.String()),
  joinedAt: t.String(),
  timeoutUntil: Nullable(t.String()),
  roleIds: t.Array(t.String()),
  isOwner: t.Boolean(),
})

export const Membership = t.Object({
  communityId: t.String(),
  userId: t.String(),
  joinedAt: t.String(),
  alreadyMember: t.Boolean(),
})

export const Invite = t.Object({
  code: t.String(),
  communityId: t.String(),
  createdBy: Nullable(t.String()),
  maxUses: Nullable(t.Number()),
  uses: t.Number(),
  expiresAt: Nullable(t.String()),
  revokedAt: Nullable(t.String()),
  createdAt: t.String(),
})

export const Ban = t.Object({ userId: t.String(), reason: Nullable(t.String()), bannedBy: Nullable(t.String()), createdAt: t.String() })

export const MemberPage = t.Object({ members: t.Array(Member), nextCursor: t.Nullable(t.String()) })
export const Timeout = t.Object({ userId: t.String(), timeoutUntil: Nullable(t.String()) })
export const BanAnswer = t.Object({ communityId: t.String(), userId: t.String(), reason: Nullable(t.String()) })
export const OwnerAnswer = t.Object({ communityId: t.String(), userId: t.String() })
export const InvitePreview = t.Object({ code: t.String(), community: t.Object({ id: t.String(), name: t.String(), memberCount: t.Number() }) })

export const AuditEntry = t.Object({
  id: t.String(),
  communityId: Nullable(t.String()),
  actorId: Nullable(t.String({ description: 'who made the change (null: Hearth itself)' })),
  action: t.String({ description: 'insert, update, delete, or a named action (member.timeout, automod.*, report.resolved, …)' }),
  entity: t.String({ description: 'what changed: the table or the thing' }),
  before: t.Unknown({ description: 'the row before the change (null for an insert)' }),
  after: t.Unknown({ description: 'the row after the change (null for a delete)' }),
  createdAt: t.String(),
})
export const AuditPage = t.Object({ entries: t.Array(AuditEntry), nextCursor: Nullable(t.String()) })

export const CreateCommunityBody = t.Object({ name: Name })
export const CreateInviteBody = t.Object({
  maxUses: t.Optional(t.Integer({ minimum: 1, maximum: 100_000 })),
  expiresInSeconds: t.Optional(t.Integer({ minimum: 60, maximum: 30 * 86400 })),
})
export const UserIdBody = t.Object({ userId: Id })
export const BanBody = t.Object({ userId: Id, reason: t.Optional(t.String({ maxLength: 512 })) })
export const TimeoutBody = t.Object({ seconds: t.Integer({ minimum: 0, maximum: 28 * 86400 }), reason: t.Optional(t.String({ maxLength: 512 })) })
export const CommunityParams = t.Object({ id: Id })
export const CommunityUserParams = t.Object({ id: Id, userId: Id })
export const InviteParams = t.Object({ code: t.String({ minLength: 4, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) })

export type MemberLeftReason = 'left' | 'kicked' | 'banned'

declare module '../../domain-events/types' {
  interface DomainEventMap {
    'member.joined': { communityId: string; userId: string; via: 'invite' | 'created' }
    'member.left': { communityId: string; userId: string; reason: MemberLeftReason }
  }
}

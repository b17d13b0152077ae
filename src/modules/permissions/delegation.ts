// Delegation rules: nobody hands out more than they hold. Owners are exempt.
import { AppError } from '../../lib/errors'
import { toNames } from './bits'
import { highestPosition, type CommunityAcl, type MemberContext } from './engine'

/** Refuses granting (or denying) bits the actor does not hold where the rule applies. */
export function assertCanGrant(actor: MemberContext, actorBits: bigint, requested: bigint) {
  if (actor.isOwner) return
  const missing = requested & ~actorBits
  if (missing !== 0n) {
    throw new AppError('cannot_grant', `you cannot grant permissions you do not hold: ${toNames(missing).join(', ')}`, {
      details: { permissions: toNames(missing) },
    })
  }
}

/** Refuses touching a role ranked at or above the actor's highest role. */
export function assertRoleBelow(acl: CommunityAcl, actor: MemberContext, position: number) {
  if (actor.isOwner) return
  if (position >= highestPosition(acl, actor)) {
    throw new AppError('role_hierarchy', 'that role is ranked at or above your highest role')
  }
}

/** Refuses moderating an owner, or a member ranked at or above the actor. */
export function assertCanModerate(acl: CommunityAcl, actor: MemberContext, target: MemberContext) {
  if (target.isOwner) throw new AppError('owner_protected', 'owners cannot be moderated')
  if (actor.userId === target.userId) throw new AppError('invalid_target', 'you cannot moderate yourself')
  assertMemberBelow(acl, actor, target)
}

/** Refuses touching a member ranked at or above the actor (owners rank above every role). */
export function assertMemberBelow(acl: CommunityAcl, actor: MemberContext, target: MemberContext) {
  if (actor.isOwner) return
  if (highestPosition(acl, target) >= highestPosition(acl, actor)) {
    throw new AppError('member_hierarchy', 'that member is ranked at or above you')
  }
}

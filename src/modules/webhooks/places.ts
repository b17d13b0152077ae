// Where a webhook delivery's event happened, and who can view it there.
import type { WebhookDeliveryRow } from '../../db/schema'
import type { DomainEvent } from '../../domain-events/types'
import { has, Perm } from '../permissions/bits'
import type { PermissionService } from '../permissions/service'

/** Where an event happened, when not the whole community: a room, or a group (of `communityId`). */
export type ViewScope = { kind: 'room'; roomId: string } | { kind: 'group'; communityId: string; groupId: string }

/** Whether a user may see a scope now. */
export type CanView = (userId: string, scope: ViewScope) => Promise<boolean>

/** `CanView` from the permissions service (or one built in a worker thread). */
export const canViewWith =
  (permissions: Pick<PermissionService, 'inRoom' | 'inGroup'>): CanView =>
  async (userId, scope) =>
    has(
      scope.kind === 'room' ? await permissions.inRoom(userId, scope.roomId) : await permissions.inGroup(userId, scope.communityId, scope.groupId),
      Perm.view,
    )

/** The narrowest place an event is scoped to (its room, else its group), if any. */
export function scopeOf(event: Pick<DomainEvent, 'communityId' | 'roomId' | 'groupId'>): ViewScope | undefined {
  if (event.roomId) return { kind: 'room', roomId: event.roomId }
  if (event.groupId && event.communityId) return { kind: 'group', communityId: event.communityId, groupId: event.groupId }
  return undefined
}

/** A delivery's place as stored: the scope its event had, or the whole community. */
export const placeOf = (scope: ViewScope | undefined): Pick<WebhookDeliveryRow, 'placeKind' | 'placeId'> =>
  !scope
    ? { placeKind: 'community', placeId: null }
    : scope.kind === 'room'
      ? { placeKind: 'room', placeId: scope.roomId }
      : { placeKind: 'group', placeId: scope.groupId }

/**
 * Whether a user can view a delivery's place: who may read what its receiver answered (it
 * may echo what was sent), and whether it may still go once its endpoint changed hands.
 * A place not recorded (a delivery older than the record) is viewed by no one.
 */
export function canViewPlace(canView: CanView, userId: string, communityId: string, row: Pick<WebhookDeliveryRow, 'placeKind' | 'placeId'>) {
  if (row.placeKind === 'community') return true
  if (!row.placeId) return false
  if (row.placeKind === 'room') return canView(userId, { kind: 'room', roomId: row.placeId })
  if (row.placeKind === 'group') return canView(userId, { kind: 'group', communityId, groupId: row.placeId })
  return false
}

/** `canView` asked once per user and place (a batch's events mostly share both). */
export function askedOnce(canView: CanView): CanView {
  const answers = new Map<string, Promise<boolean>>()
  return (userId, scope) => {
    const key = `${userId}|${scope.kind === 'room' ? scope.roomId : scope.groupId}`
    let answer = answers.get(key)
    if (!answer) answers.set(key, (answer = canView(userId, scope)))
    return answer
  }
}


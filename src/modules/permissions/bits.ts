// Permission names as bits of a bigint. The order is part of the stored data: only append.
export const permissionNames = [
  'view',
  'send',
  'attach',
  'react',
  'mention_everyone',
  'manage_messages',
  'manage_rooms',
  'manage_groups',
  'manage_roles',
  'manage_events',
  'create_polls',
  'create_invites',
  'moderate_members',
  'ban_members',
  'administrator',
  'manage_community',
  'pin_messages',
  'manage_webhooks',
] as const

export type PermissionName = (typeof permissionNames)[number]

export const Perm = Object.fromEntries(permissionNames.map((name, i) => [name, 1n << BigInt(i)])) as Record<
  PermissionName,
  bigint
>

export const ALL = permissionNames.reduce((acc, name) => acc | Perm[name], 0n)
export const NONE = 0n

/** What the default role of a new community allows everyone. */
export const DEFAULT_EVERYONE =
  Perm.view | Perm.send | Perm.attach | Perm.react | Perm.create_polls | Perm.create_invites

/** What each member of a DM or group DM may do there. */
export const DM_PERMISSIONS = Perm.view | Perm.send | Perm.attach | Perm.react | Perm.create_polls | Perm.pin_messages

export function toBits(names: readonly string[]): bigint {
  let bits = 0n
  for (const name of names) {
    const bit = Perm[name as PermissionName]
    if (bit === undefined) throw new Error(`unknown permission ${name}`)
    bits |= bit
  }
  return bits
}

export function toNames(bits: bigint): PermissionName[] {
  return permissionNames.filter((name) => (bits & Perm[name]) !== 0n)
}

export const has = (bits: bigint, perm: bigint) => (bits & perm) === perm

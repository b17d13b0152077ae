import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { users } from './users'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const perms = (name: string) => bigint(name, { mode: 'bigint' }).notNull().default(sql`0`)

export const communities = pgTable('communities', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  memberCount: integer('member_count').notNull().default(0),
  /** Set by PUT /v1/communities/:id/icon: a stable Hearth URL that redirects to the icon's current signed variant. */
  iconUrl: text('icon_url'),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
})

const communityRef = () =>
  uuid('community_id')
    .notNull()
    .references(() => communities.id, { onDelete: 'cascade' })
const userRef = (name = 'user_id') =>
  uuid(name)
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' })

export const communityOwners = pgTable(
  'community_owners',
  { communityId: communityRef(), userId: userRef(), createdAt: at('created_at').notNull().defaultNow() },
  (t) => [primaryKey({ columns: [t.communityId, t.userId] })],
)

export const communityMembers = pgTable(
  'community_members',
  {
    communityId: communityRef(),
    userId: userRef(),
    nickname: text('nickname'),
    timeoutUntil: at('timeout_until'),
    joinedAt: at('joined_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.userId] }), index('community_members_user_idx').on(t.userId)],
)

/** Groups nest to any depth; `group_closure` (kept by triggers) answers "is X under Y". */
export const groups = pgTable(
  'groups',
  {
    id: uuid('id').primaryKey(),
    communityId: communityRef(),
    parentId: uuid('parent_id'),
    name: text('name').notNull(),
    position: integer('position').notNull().default(0),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('groups_community_idx').on(t.communityId), index('groups_parent_idx').on(t.parentId)],
)

export const groupClosure = pgTable(
  'group_closure',
  {
    ancestorId: uuid('ancestor_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    descendantId: uuid('descendant_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    depth: integer('depth').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ancestorId, t.descendantId] }), index('group_closure_descendant_idx').on(t.descendantId)],
)

export const roomKinds = ['text', 'private', 'dm', 'group_dm'] as const
export type RoomKind = (typeof roomKinds)[number]

export const rooms = pgTable(
  'rooms',
  {
    id: uuid('id').primaryKey(),
    /** Null for DMs and group DMs. */
    communityId: uuid('community_id').references(() => communities.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'restrict' }),
    kind: text('kind').$type<RoomKind>().notNull(),
    name: text('name'),
    topic: text('topic'),
    position: integer('position').notNull().default(0),
    slowModeSeconds: integer('slow_mode_seconds').notNull().default(0),
    /** Sorted member ids of a one-to-one DM: makes the DM between two users unique. */
    dmKey: text('dm_key'),
    memberCount: integer('member_count').notNull().default(0),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('rooms_community_idx').on(t.communityId),
    index('rooms_group_idx').on(t.groupId),
    uniqueIndex('rooms_dm_key').on(t.dmKey),
    check('rooms_kind_check', sql`${t.kind} in ('text', 'private', 'dm', 'group_dm')`),
    check('rooms_dm_has_no_community', sql`(${t.kind} in ('dm', 'group_dm')) = (${t.communityId} is null)`),
  ],
)

/** Members of private rooms, DMs and group DMs (public rooms use community membership). */
export const roomMembers = pgTable(
  'room_members',
  {
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    userId: userRef(),
    communityId: uuid('community_id').references(() => communities.id, { onDelete: 'cascade' }),
    addedBy: uuid('added_by').references(() => users.id, { onDelete: 'set null' }),
    joinedAt: at('joined_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index('room_members_user_idx').on(t.userId)],
)

export const roles = pgTable(
  'roles',
  {
    id: uuid('id').primaryKey(),
    communityId: communityRef(),
    name: text('name').notNull(),
    permissions: perms('permissions'),
    /** Higher ranks higher. The default role (everyone) is 0. */
    position: integer('position').notNull().default(1),
    /** A group: the role applies only to that group's subtree. Null: the whole community. */
    scopeGroupId: uuid('scope_group_id').references(() => groups.id, { onDelete: 'cascade' }),
    isDefault: boolean('is_default').notNull().default(false),
    color: integer('color'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('roles_community_idx').on(t.communityId),
    uniqueIndex('roles_one_default').on(t.communityId).where(sql`${t.isDefault}`),
  ],
)

export const memberRoles = pgTable(
  'member_roles',
  {
    communityId: communityRef(),
    userId: userRef(),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleId] }), index('member_roles_community_idx').on(t.communityId, t.userId)],
)

export const overwriteSubjects = ['role', 'member'] as const
export type OverwriteSubject = (typeof overwriteSubjects)[number]

/** Allow/deny for a role or a member, on a group or a room. */
export const overwrites = pgTable(
  'overwrites',
  {
    id: uuid('id').primaryKey(),
    communityId: communityRef(),
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
    subjectKind: text('subject_kind').$type<OverwriteSubject>().notNull(),
    subjectId: uuid('subject_id').notNull(),
    allow: perms('allow'),
    deny: perms('deny'),
  },
  (t) => [
    check('overwrites_one_target', sql`(${t.groupId} is null) <> (${t.roomId} is null)`),
    check('overwrites_subject_kind', sql`${t.subjectKind} in ('role', 'member')`),
    uniqueIndex('overwrites_group_subject').on(t.groupId, t.subjectKind, t.subjectId).where(sql`${t.groupId} is not null`),
    uniqueIndex('overwrites_room_subject').on(t.roomId, t.subjectKind, t.subjectId).where(sql`${t.roomId} is not null`),
    index('overwrites_community_idx').on(t.communityId),
  ],
)

export const invites = pgTable(
  'invites',
  {
    code: text('code').primaryKey(),
    communityId: communityRef(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    expiresAt: at('expires_at'),
    revokedAt: at('revoked_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('invites_community_idx').on(t.communityId)],
)

export const bans = pgTable(
  'bans',
  {
    communityId: communityRef(),
    userId: userRef(),
    reason: text('reason'),
    bannedBy: uuid('banned_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.userId] })],
)

/** Written by triggers for every change that touches access; the actor comes from `hearth.actor_id`. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    communityId: uuid('community_id'),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_community_idx').on(t.communityId, t.id)],
)

export type CommunityRow = typeof communities.$inferSelect
export type GroupRow = typeof groups.$inferSelect
export type RoomRow = typeof rooms.$inferSelect
export type RoleRow = typeof roles.$inferSelect
export type OverwriteRow = typeof overwrites.$inferSelect

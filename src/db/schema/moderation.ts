import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { communities } from './communities'
import { users } from './users'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** A community's automod rules; `trigger` and `action` are validated by the moderation module's model. */
export const automodRules = pgTable(
  'automod_rules',
  {
    id: uuid('id').primaryKey(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    trigger: jsonb('trigger').$type<Record<string, unknown> & { kind: string }>().notNull(),
    action: jsonb('action').$type<Record<string, unknown> & { kind: string }>().notNull(),
    exemptRoles: jsonb('exempt_roles').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    exemptRooms: jsonb('exempt_rooms').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    enabled: boolean('enabled').notNull().default(true),
    dryRun: boolean('dry_run').notNull().default(false),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('automod_rules_community_idx').on(t.communityId)],
)

/**
 * One row per reported target while it is open (many reporters, or an automod flag, share it);
 * resolved and dismissed rows stay as history, and a later report opens a new row.
 */
export const reports = pgTable(
  'reports',
  {
    id: uuid('id').primaryKey(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id, { onDelete: 'cascade' }),
    targetKind: text('target_kind').notNull(),
    targetId: uuid('target_id').notNull(),
    roomId: uuid('room_id'),
    targetAuthorId: uuid('target_author_id').references(() => users.id, { onDelete: 'set null' }),
    /** What the target said when it was reported (it may be edited or deleted since). */
    preview: text('preview'),
    status: text('status').notNull().default('open'),
    /** The automod rule that flagged it; the name stays when the rule is deleted. */
    ruleId: uuid('rule_id').references(() => automodRules.id, { onDelete: 'set null' }),
    ruleName: text('rule_name'),
    /** Kept by a trigger on report_reporters. */
    reporterCount: integer('reporter_count').notNull().default(0),
    resolution: text('resolution'),
    note: text('note'),
    resolvedBy: uuid('resolved_by').references(() => users.id, { onDelete: 'set null' }),
    resolvedAt: at('resolved_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('reports_one_open_per_target').on(t.communityId, t.targetKind, t.targetId).where(sql`${t.status} = 'open'`),
    index('reports_queue_idx').on(t.communityId, t.status, t.id),
    check('reports_target_kind', sql`${t.targetKind} in ('message', 'post', 'comment', 'user')`),
    check('reports_status', sql`${t.status} in ('open', 'resolved', 'dismissed')`),
  ],
)

export const reportReporters = pgTable(
  'report_reporters',
  {
    reportId: uuid('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    reporterId: uuid('reporter_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    details: text('details'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.reporterId] }), index('report_reporters_reporter_idx').on(t.reporterId)],
)

export type AutomodRuleRow = typeof automodRules.$inferSelect
export type ReportRow = typeof reports.$inferSelect

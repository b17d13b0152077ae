import { t, type Static } from 'elysia'
import type { AutomodRuleRow } from '../../db/schema'
import { Id } from '../../lib/model'

declare module '../../domain-events/types' {
  interface DomainEventMap {
    'automod.rule_created': { ruleId: string }
    'automod.rule_updated': { ruleId: string }
    'automod.rule_deleted': { ruleId: string }
    /** A text refused by automod (block or timeout); `timeoutUntil` when the author was timed out. */
    'automod.refused': { userId: string; rules: string[]; timeoutUntil: string | null }
    /** A report opened by a member, or by a rule that flags (`ruleId`). */
    'report.opened': { reportId: string; ruleId?: string }
    /** Its reporters are told the outcome (never who resolved it). */
    'report.resolved': { reportId: string; action: ResolutionAction; targetKind: ReportTargetKind }
  }
}

const strict = { additionalProperties: false }
const Nullable = <T extends Parameters<typeof t.Nullable>[0]>(s: T) => t.Nullable(s)
const MAX_TIMEOUT_SECONDS = 28 * 86400

const Term = t.String({ minLength: 1, maxLength: 60 })
const Domain = t.String({ minLength: 1, maxLength: 253, pattern: '^(\\*|[A-Za-z0-9-]{1,63}(\\.[A-Za-z0-9-]{1,63})+)$' })

export const KeywordsTrigger = t.Object(
  {
    kind: t.Literal('keywords'),
    terms: t.Array(Term, { minItems: 1, maxItems: 1000 }),
    /** Words that contain a term but are fine ("Scunthorpe"). */
    allow: t.Optional(t.Array(Term, { maxItems: 1000 })),
    /** Default true: a term matches whole words only, unless it has `*` at an end. */
    wholeWord: t.Optional(t.Boolean()),
  },
  strict,
)
export const RegexTrigger = t.Object(
  { kind: t.Literal('regex'), patterns: t.Array(t.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 10 }) },
  strict,
)
export const LinksTrigger = t.Object(
  {
    kind: t.Literal('links'),
    /** Absent: every link fires. `*` allows every domain (with blockInvites: invites only). */
    allowDomains: t.Optional(t.Array(Domain, { maxItems: 100 })),
    /** Invite links to other communities fire even on allowed domains. */
    blockInvites: t.Optional(t.Boolean()),
  },
  strict,
)
export const MentionSpamTrigger = t.Object(
  { kind: t.Literal('mention_spam'), maxMentions: t.Integer({ minimum: 1, maximum: 100 }) },
  strict,
)
export const FloodTrigger = t.Object(
  {
    kind: t.Literal('flood'),
    /** Sends of the same (or near-same) text allowed in the window, across rooms; the next one fires. */
    maxRepeats: t.Integer({ minimum: 1, maximum: 50 }),
    windowSeconds: t.Integer({ minimum: 1, maximum: 3600 }),
  },
  strict,
)
export const Trigger = t.Union([KeywordsTrigger, RegexTrigger, LinksTrigger, MentionSpamTrigger, FloodTrigger])

export const Action = t.Union([
  t.Object({ kind: t.Literal('block'), message: t.Optional(t.String({ minLength: 1, maxLength: 200 })) }, strict),
  t.Object({ kind: t.Literal('flag') }, strict),
  t.Object({ kind: t.Literal('timeout'), seconds: t.Integer({ minimum: 1, maximum: MAX_TIMEOUT_SECONDS }) }, strict),
])

const ruleFields = {
  name: t.String({ minLength: 1, maxLength: 100 }),
  trigger: Trigger,
  action: Action,
  /** Members holding any of these roles are not checked by the rule. */
  exemptRoles: t.Optional(t.Array(Id, { maxItems: 50 })),
  /** Rooms, or groups (their whole subtree), where the rule does not apply. */
  exemptRooms: t.Optional(t.Array(Id, { maxItems: 100 })),
  enabled: t.Optional(t.Boolean()),
  /** Record what the rule would have done, do nothing. */
  dryRun: t.Optional(t.Boolean()),
}
export const CreateRuleBody = t.Object(ruleFields, strict)
export const UpdateRuleBody = t.Partial(t.Object(ruleFields, { ...strict, minProperties: 1 }))

export const Rule = t.Object({
  id: t.String(),
  communityId: t.String(),
  name: t.String(),
  trigger: Trigger,
  action: Action,
  exemptRoles: t.Array(t.String()),
  exemptRooms: t.Array(t.String()),
  enabled: t.Boolean(),
  dryRun: t.Boolean(),
  createdBy: Nullable(t.String()),
  createdAt: t.String(),
  updatedAt: t.String(),
})

export type TriggerT = Static<typeof Trigger>
export type ActionT = Static<typeof Action>
export type CreateRuleInput = Static<typeof CreateRuleBody>
export type UpdateRuleInput = Static<typeof UpdateRuleBody>
export type RuleView = Static<typeof Rule>

export const toRuleView = (r: AutomodRuleRow): RuleView => ({
  id: r.id,
  communityId: r.communityId,
  name: r.name,
  trigger: r.trigger as TriggerT,
  action: r.action as ActionT,
  exemptRoles: r.exemptRoles,
  exemptRooms: r.exemptRooms,
  enabled: r.enabled,
  dryRun: r.dryRun,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
})

// Reports

export const reportTargetKinds = ['message', 'post', 'comment', 'user'] as const
export type ReportTargetKind = (typeof reportTargetKinds)[number]
export const reportReasons = ['spam', 'harassment', 'hate', 'sexual', 'violence', 'self_harm', 'misinformation', 'other'] as const
export const reportStatuses = ['open', 'resolved', 'dismissed'] as const
export type ReportStatus = (typeof reportStatuses)[number]
export const resolutionActions = ['dismiss', 'delete', 'timeout', 'ban'] as const
export type ResolutionAction = (typeof resolutionActions)[number]

export const CreateReportBody = t.Object(
  {
    target: t.Object(
      {
        kind: t.UnionEnum(reportTargetKinds),
        id: Id,
        /** Required for a user: the community where they misbehaved. */
        communityId: t.Optional(Id),
      },
      strict,
    ),
    reason: t.UnionEnum(reportReasons),
    details: t.Optional(t.String({ maxLength: 1000 })),
  },
  strict,
)
export type CreateReportInput = Static<typeof CreateReportBody>

/** What a reporter sees of their report: never who else reported, nor who resolved it. */
export const MyReport = t.Object({
  id: t.String(),
  target: t.Object({ kind: t.String(), id: t.String() }),
  status: t.String(),
  createdAt: t.String(),
})

export const ReportView = t.Object({
  id: t.String(),
  communityId: t.String(),
  target: t.Object({
    kind: t.String(),
    id: t.String(),
    roomId: Nullable(t.String()),
    authorId: Nullable(t.String()),
    /** What it said when reported; null where the moderator cannot view the room. */
    preview: Nullable(t.String()),
  }),
  status: t.String(),
  reporterCount: t.Integer(),
  reasons: t.Array(t.Object({ reason: t.String(), count: t.Integer() })),
  /** The automod rule that flagged it. */
  rule: Nullable(t.Object({ id: Nullable(t.String()), name: t.String() })),
  resolution: Nullable(
    t.Object({ action: t.String(), note: Nullable(t.String()), resolvedBy: Nullable(t.String()), resolvedAt: t.String() }),
  ),
  createdAt: t.String(),
  updatedAt: t.String(),
})
export type ReportViewT = Static<typeof ReportView>

export const ReportQuery = t.Object({
  status: t.Optional(t.UnionEnum(reportStatuses)),
  /** The last report id of the previous page. */
  cursor: t.Optional(Id),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, description: 'page size; default 50' })),
})

export const ResolveBody = t.Object(
  {
    action: t.UnionEnum(resolutionActions),
    /** For `timeout`. */
    durationSeconds: t.Optional(t.Integer({ minimum: 1, maximum: MAX_TIMEOUT_SECONDS })),
    note: t.Optional(t.String({ maxLength: 1000 })),
  },
  strict,
)
export type ResolveInput = Static<typeof ResolveBody>

export const ReportPage = t.Object({ reports: t.Array(ReportView), nextCursor: t.Nullable(t.String()) })
export const RuleList = t.Array(Rule)

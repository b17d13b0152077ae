import { and, asc, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { lockKey, type Queryable, type Tx } from '../../db/tx'
import type { DomainEvents } from '../../domain-events/bus'
import type { Emit } from '../../domain-events/types'
import { automodRules, type AutomodRuleRow } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { trimmedName } from '../../lib/model'
import type { CommunityAcl } from '../permissions/engine'
import type { PermissionService } from '../permissions/service'
import { RuleError, validateRule, type RuleDef } from './automod'
import { PatternSet } from './dfa'
import { toRuleView, type ActionT, type CreateRuleInput, type RuleView, type TriggerT, type UpdateRuleInput } from './model'
import { PatternError } from './regex'

export const MAX_RULES_PER_COMMUNITY = 20

/** The version scope of a community's rules (in the permission versions store): bumped on every change. */
export const automodScope = (communityId: string) => `automod:${communityId}`

export interface AutomodRulesDeps {
  db: Database
  permissions: PermissionService
  /** Where rule changes commit, audited with their author, with their domain events. */
  events: Pick<DomainEvents, 'transaction'>
  /** This node's compiled rules (Automod): forgotten at once on a change; other nodes follow the version. */
  compiledRules: { forget(communityId: string): void }
}

export const toRuleDef = (r: AutomodRuleRow): RuleDef => ({
  id: r.id,
  name: r.name,
  trigger: r.trigger as TriggerT,
  action: r.action as ActionT,
  exemptRoles: r.exemptRoles,
  exemptRooms: r.exemptRooms,
  dryRun: r.dryRun,
})

/** Rules CRUD (`manage_community`). Every change bumps the community's rules version, so every node recompiles. */
export class AutomodRules {
  constructor(private readonly deps: AutomodRulesDeps) {}

  async create(input: { actorId: string; communityId: string; rule: CreateRuleInput }): Promise<RuleView> {
    const { acl } = await this.deps.permissions.requireCommunity(input.actorId, input.communityId, 'manage_community')
    const rule = input.rule
    checkRule(rule.trigger)
    checkExemptions(acl, rule.exemptRoles ?? [], rule.exemptRooms ?? [])
    const row = await this.change(input.communityId, input.actorId, async (tx, emit) => {
      const all = await tx
        .select({ trigger: automodRules.trigger, enabled: automodRules.enabled })
        .from(automodRules)
        .where(eq(automodRules.communityId, input.communityId))
      if (all.length >= MAX_RULES_PER_COMMUNITY) {
        throw new AppError('validation_failed', `a community has at most ${MAX_RULES_PER_COMMUNITY} automod rules`)
      }
      if (rule.enabled !== false) checkProgramSize([...all.filter((r) => r.enabled).map((r) => r.trigger as TriggerT), rule.trigger])
      const [created] = await tx
        .insert(automodRules)
        .values({
          id: newId(),
          communityId: input.communityId,
          name: trimmedName(rule.name),
          trigger: rule.trigger,
          action: rule.action,
          exemptRoles: rule.exemptRoles ?? [],
          exemptRooms: rule.exemptRooms ?? [],
          enabled: rule.enabled ?? true,
          dryRun: rule.dryRun ?? false,
          createdBy: input.actorId,
        })
        .returning()
      emit({ type: 'automod.rule_created', data: { ruleId: created!.id }, communityId: input.communityId })
      return created!
    })
    return toRuleView(row)
  }

  async list(input: { actorId: string; communityId: string }): Promise<RuleView[]> {
    await this.deps.permissions.requireCommunity(input.actorId, input.communityId, 'manage_community')
    const rows = await this.deps.db
      .select()
      .from(automodRules)
      .where(eq(automodRules.communityId, input.communityId))
      .orderBy(asc(automodRules.createdAt), asc(automodRules.id))
    return rows.map(toRuleView)
  }

  async get(input: { actorId: string; ruleId: string }): Promise<RuleView> {
    return toRuleView((await this.authorized(input.actorId, input.ruleId)).row)
  }

  async update(input: { actorId: string; ruleId: string; patch: UpdateRuleInput }): Promise<RuleView> {
    const { row, acl } = await this.authorized(input.actorId, input.ruleId)
    const patch = input.patch
    if (patch.trigger) checkRule(patch.trigger)
    checkExemptions(acl, patch.exemptRoles ?? [], patch.exemptRooms ?? [])
    const updated = await this.change(row.communityId, input.actorId, async (tx, emit) => {
      const [next] = await tx
        .update(automodRules)
        .set({
          name: trimmedName(patch.name),
          trigger: patch.trigger,
          action: patch.action,
          exemptRoles: patch.exemptRoles,
          exemptRooms: patch.exemptRooms,
          enabled: patch.enabled,
          dryRun: patch.dryRun,
        })
        .where(eq(automodRules.id, row.id))
        .returning()
      if (!next) throw notFound('automod rule')
      if (next.enabled && (patch.trigger || patch.enabled)) {
        checkProgramSize((await this.enabledRows(row.communityId, tx)).map((r) => r.trigger as TriggerT))
      }
      emit({ type: 'automod.rule_updated', data: { ruleId: row.id }, communityId: row.communityId })
      return next
    })
    return toRuleView(updated)
  }

  async remove(input: { actorId: string; ruleId: string }): Promise<void> {
    const { row } = await this.authorized(input.actorId, input.ruleId)
    await this.change(row.communityId, input.actorId, async (tx, emit) => {
      await tx.delete(automodRules).where(eq(automodRules.id, row.id))
      emit({ type: 'automod.rule_deleted', data: { ruleId: row.id }, communityId: row.communityId })
    })
  }

  /** The enabled rules of a community, in the order they were made. */
  async enabled(communityId: string): Promise<RuleDef[]> {
    return (await this.enabledRows(communityId)).map(toRuleDef)
  }

  private enabledRows(communityId: string, db: Queryable = this.deps.db) {
    return db
      .select()
      .from(automodRules)
      .where(and(eq(automodRules.communityId, communityId), eq(automodRules.enabled, true)))
      .orderBy(asc(automodRules.createdAt), asc(automodRules.id))
  }

  /** The rule, if the caller manages its community: 404 for outsiders, 403 for members without the permission. */
  private async authorized(actorId: string, ruleId: string) {
    const [row] = await this.deps.db.select().from(automodRules).where(eq(automodRules.id, ruleId))
    if (!row) throw notFound('automod rule')
    const { member } = await this.deps.permissions.context(row.communityId, actorId)
    if (!member.isMember) throw notFound('automod rule')
    const { acl } = await this.deps.permissions.requireCommunity(actorId, row.communityId, 'manage_community')
    return { row, acl }
  }

  /**
   * A change in an audited transaction, with the rules version bumped before (so Redis must answer) and after.
   * One change of a community's rules at a time: the limits (how many, how large together) are checked
   * against the rules as they are, so changes made at once cannot pass them together.
   */
  private async change<T>(communityId: string, actorId: string, fn: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
    const scope = [automodScope(communityId)]
    await this.deps.permissions.versions.bump(scope)
    const result = await this.deps.events.transaction({ actorId }, async (tx, emit) => {
      await lockKey(tx, automodScope(communityId))
      return fn(tx, emit)
    })
    this.deps.compiledRules.forget(communityId)
    await this.deps.permissions.versions.bump(scope).catch(() => {})
    return result
  }
}

function checkRule(trigger: TriggerT) {
  try {
    validateRule(trigger)
  } catch (err) {
    if (err instanceof RuleError) {
      const code = trigger.kind === 'regex' ? 'invalid_pattern' : 'validation_failed'
      throw new AppError(code, err.message, { details: { field: err.field } })
    }
    throw err
  }
}

/** All the patterns of a community's enabled rules must fit one program (they run as one). */
function checkProgramSize(triggers: TriggerT[]) {
  const patterns = triggers.flatMap((t) => (t.kind === 'regex' ? t.patterns : []))
  if (patterns.length === 0) return
  try {
    new PatternSet(patterns)
  } catch (err) {
    if (err instanceof PatternError) throw new AppError('invalid_pattern', err.message, { details: { field: 'trigger.patterns' } })
    throw err
  }
}

function checkExemptions(acl: CommunityAcl, roles: string[], places: string[]) {
  const badRole = roles.find((id) => !acl.roles.has(id))
  if (badRole) throw new AppError('invalid_target', 'an exempt role is not a role of this community', { details: { roleId: badRole } })
  const badPlace = places.find((id) => !acl.rooms.has(id) && !acl.parents.has(id))
  if (badPlace) {
    throw new AppError('invalid_target', 'an exempt room is not a room or group of this community', { details: { id: badPlace } })
  }
}

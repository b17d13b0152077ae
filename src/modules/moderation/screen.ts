// Automod on the write paths: `screen` before a text commits (the send is refused, or goes on),
// `committed` after (a flag opens a report). Compiled rules are cached per community and rules
// version, like permissions: each check reads the version (one MGET shared by every check of
// the same event-loop turn) and recompiles only when it moved.
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { automodRules, communityMembers, invites } from '../../db/schema'
import type { Tx } from '../../db/tx'
import type { DomainEvents } from '../../domain-events/bus'
import type { Emit } from '../../domain-events/types'
import { AppError } from '../../lib/errors'
import type { Logger } from '../../lib/log'
import type { Redis } from '../../lib/redis'
import { has, NONE, Perm } from '../permissions/bits'
import { computePermissions, groupChain } from '../permissions/engine'
import type { PermissionService } from '../permissions/service'
import { compileRules, evaluate, strongest, type CompiledRules, type RuleDef, type VerdictKind } from './automod'
import { countMentions, findLinks, type Link } from './links'
import type { ActionT } from './model'
import { foldText, normalize, sameTextKey } from './normalize'
import { writeAudit } from './ports'
import { openReport } from './report-store'
import { automodScope, toRuleDef } from './rules'

export interface AutomodDeps {
  db: Database
  redis: Redis
  log: Logger
  permissions: PermissionService
  /** Where refusals and flags commit with their audit rows and domain events. */
  events: Pick<DomainEvents, 'transaction'>
  /**
   * How long a compiled rule set is used before its version is read again (default 500 ms).
   * Changes made on this node apply at once (AutomodRules calls `forget`); other nodes pick them
   * up within this time. 0 reads the version on every check, as permissions do; that costs a
   * send a Redis round trip of its own unless the read shares a turn with the permission check's.
   */
  versionCheckMs?: number
}

export type WrittenKind = 'message' | 'post' | 'comment' | 'poll'

export interface CheckInput {
  communityId: string
  /** Where it is written (rooms and their groups can be exempt); absent for posts outside rooms. */
  roomId?: string | null
  authorId: string
  text: string
  /** Ids the sender resolved from the text's mentions. */
  mentions?: string[]
  kind?: WrittenKind
}

export interface FiredRule {
  id: string
  name: string
  action: ActionT
  evidence: string
}

export interface Verdict {
  verdict: VerdictKind
  /** The rule behind the verdict (the strongest action). */
  rule?: FiredRule
  /** Rules that act. */
  fired: FiredRule[]
  /** Rules in dry run that would have acted. */
  dryRun: FiredRule[]
}

export interface Screening {
  verdict: VerdictKind
  /** Call once the text is committed: opens the report of a flag and records dry runs. Never throws. */
  committed(target: { kind: 'message' | 'post' | 'comment'; id: string }): Promise<void>
}

const ALLOW: Verdict = { verdict: 'allow', fired: [], dryRun: [] }
const NOTHING_TO_DO: Screening = { verdict: 'allow', committed: async () => {} }
const NO_INVITES: ReadonlySet<string> = new Set()
const NOT_FLOODED: ReadonlySet<number> = new Set()
const MAX_TIMEOUT_SECONDS = 28 * 86400

// Counts one send per key; a key's window starts at its first send.
const FLOOD = `
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, ARGV[i]) end
  out[i] = n
end
return out`

export class Automod {
  private cache = new Map<string, { version: string; compiled: CompiledRules; checkedAt: number }>()
  private loading = new Map<string, Promise<CompiledRules>>()
  /** Bumped by `forget`: a load that began before it must not put back what it read. */
  private generations = new Map<string, number>()
  private readonly versionCheckMs: number

  constructor(private readonly deps: AutomodDeps) {
    this.versionCheckMs = deps.versionCheckMs ?? 500
  }

  /** The community's enabled rules, compiled, at their current version. */
  async compiled(communityId: string): Promise<CompiledRules> {
    const cached = this.cache.get(communityId)
    const now = performance.now()
    if (cached && now - cached.checkedAt < this.versionCheckMs) return cached.compiled
    return this.revalidate(communityId, cached, now)
  }

  /** The compiled rules when they were checked recently enough: no await on the hot path. */
  private fresh(communityId: string): CompiledRules | undefined {
    const cached = this.cache.get(communityId)
    return cached && performance.now() - cached.checkedAt < this.versionCheckMs ? cached.compiled : undefined
  }

  private async revalidate(
    communityId: string,
    cached: { version: string; compiled: CompiledRules; checkedAt: number } | undefined,
    now: number,
  ): Promise<CompiledRules> {
    const version = await this.deps.permissions.versions.read(automodScope(communityId))
    if (cached && cached.version === version && this.cache.get(communityId) === cached) {
      cached.checkedAt = now
      return cached.compiled
    }
    const key = `${communityId}|${version}|${this.generations.get(communityId) ?? 0}`
    let pending = this.loading.get(key)
    if (!pending) {
      pending = this.load(communityId, version).finally(() => this.loading.delete(key))
      this.loading.set(key, pending)
    }
    return pending
  }

  /** What the rules say about a text, with no side effect but the flood counters. */
  async check(input: CheckInput): Promise<Verdict> {
    const compiled = this.fresh(input.communityId) ?? (await this.compiled(input.communityId))
    if (!compiled.active) return ALLOW
    let ownInvites = NO_INVITES
    let links: Link[] = []
    if (compiled.links.length) {
      links = findLinks(foldText(input.text))
      ownInvites = await this.ownInvites(input.communityId, links)
    }
    // From normalize to evaluate nothing awaits: the normalised text lives in shared scratch space.
    const text = normalize(input.text)
    const floodKey = compiled.flood.length ? sameTextKey(text) : ''
    const hits = evaluate(compiled, {
      text,
      links,
      ownInvites,
      mentions: compiled.mentions.length ? countMentions(input.text, input.mentions) : 0,
      flooded: NOT_FLOODED,
    })
    if (compiled.flood.length) {
      const flooded = await this.countFlood(compiled, input, floodKey)
      for (const rule of compiled.flood) {
        if (!flooded.has(rule)) continue
        const t = compiled.rules[rule]!.trigger as { maxRepeats: number; windowSeconds: number }
        hits.push({ rule, evidence: `the same text more than ${t.maxRepeats} times in ${t.windowSeconds}s` })
      }
    }
    if (hits.length === 0) return ALLOW
    const exempt = await this.exemption(input)
    const fired: FiredRule[] = []
    const dryRun: FiredRule[] = []
    for (const h of hits) {
      const rule = compiled.rules[h.rule]!
      if (exempt(rule)) continue
      const entry = { id: rule.id, name: rule.name, action: rule.action, evidence: h.evidence }
      ;(rule.dryRun ? dryRun : fired).push(entry)
    }
    const top = strongest(fired)
    return { verdict: top ? (top.action.kind as VerdictKind) : 'allow', rule: top, fired, dryRun }
  }

  /**
   * Checks a text before it commits. A block or timeout is recorded (the author timed out) and
   * refused with 422 `automod_blocked` naming the rule; otherwise the answer's `committed` is to
   * be called with what was written.
   */
  async screen(input: CheckInput): Promise<Screening> {
    const verdict = await this.check(input)
    if (verdict.verdict === 'block' || verdict.verdict === 'timeout') {
      await this.enforce(input, verdict).catch((err) =>
        this.deps.log.error('automod could not record a refusal', { communityId: input.communityId, error: err }),
      )
      const rule = verdict.rule!
      const note = rule.action.kind === 'block' && rule.action.message ? `: ${rule.action.message}` : ''
      throw new AppError('automod_blocked', `blocked by the automod rule "${rule.name}"${note}`, {
        details: { rule: { id: rule.id, name: rule.name }, action: rule.action.kind },
      })
    }
    if (verdict.fired.length === 0 && verdict.dryRun.length === 0) return NOTHING_TO_DO
    return {
      verdict: verdict.verdict,
      committed: (target) =>
        this.afterCommit(input, verdict, target).catch((err) =>
          this.deps.log.error('automod could not record a flag', { communityId: input.communityId, error: err }),
        ),
    }
  }

  private async load(communityId: string, version: string): Promise<CompiledRules> {
    const generation = this.generations.get(communityId) ?? 0
    const rows = await this.deps.db
      .select()
      .from(automodRules)
      .where(and(eq(automodRules.communityId, communityId), eq(automodRules.enabled, true)))
      .orderBy(asc(automodRules.createdAt), asc(automodRules.id))
    let compiled: CompiledRules
    try {
      compiled = compileRules(rows.map(toRuleDef))
    } catch (err) {
      // Rules are checked at save; if one still does not compile (alone, or beside the ones before
      // it: the patterns too large together), the others must go on working.
      this.deps.log.error('automod rules do not compile; keeping those that do, in order', { communityId, error: err })
      compiled = compileRules(rows.map(toRuleDef).reduce<RuleDef[]>((kept, rule) => (compiles([...kept, rule]) ? [...kept, rule] : kept), []))
    }
    if ((this.generations.get(communityId) ?? 0) === generation) {
      this.cache.set(communityId, { version, compiled, checkedAt: performance.now() })
    }
    return compiled
  }

  /** Drops a community's compiled rules (its rules changed on this node). */
  forget(communityId: string): void {
    this.cache.delete(communityId)
    this.generations.set(communityId, (this.generations.get(communityId) ?? 0) + 1)
  }

  /** Lower-case codes of this community's invites among the text's Hearth invite links. */
  private async ownInvites(communityId: string, links: Link[]): Promise<ReadonlySet<string>> {
    const codes = links.flatMap((l) => (l.invite?.service === 'hearth' ? [l.invite.code] : []))
    if (codes.length === 0) return NO_INVITES
    const rows = await this.deps.db
      .select({ code: sql<string>`lower(${invites.code})` })
      .from(invites)
      .where(and(eq(invites.communityId, communityId), inArray(sql`lower(${invites.code})`, codes)))
    return new Set(rows.map((r) => r.code))
  }

  /** Flood rules whose counter went over: one counter per window per (author, near-same text), across rooms. */
  private async countFlood(compiled: CompiledRules, input: CheckInput, sameText: string): Promise<Set<number>> {
    const hash = Bun.hash(sameText).toString(36)
    const windows = [...new Set(compiled.flood.map((i) => (compiled.rules[i]!.trigger as { windowSeconds: number }).windowSeconds))]
    const keys = windows.map((w) => this.deps.redis.key('automod', 'flood', input.communityId, String(w), input.authorId, hash))
    const counts = (await this.deps.redis.client.eval(FLOOD, { keys, arguments: windows.map(String) })) as number[]
    const flooded = new Set<number>()
    for (const i of compiled.flood) {
      const t = compiled.rules[i]!.trigger as { maxRepeats: number; windowSeconds: number }
      if (counts[windows.indexOf(t.windowSeconds)]! > t.maxRepeats) flooded.add(i)
    }
    return flooded
  }

  /**
   * Who a rule leaves alone: owners, administrators and those who manage the community always;
   * others by the rule's exempt roles, and rooms (a group exempts its subtree).
   */
  private async exemption(input: CheckInput): Promise<(rule: RuleDef) => boolean> {
    const { acl, member } = await this.deps.permissions.context(input.communityId, input.authorId)
    if (!acl || !member.isMember) return () => false
    const bits = computePermissions(acl, member, { kind: 'community' }, Date.now()) ?? NONE
    if (member.isOwner || has(bits, Perm.administrator) || has(bits, Perm.manage_community)) return () => true
    const room = input.roomId ? acl.rooms.get(input.roomId) : undefined
    const places = input.roomId ? [input.roomId, ...groupChain(acl, room?.groupId ?? null)] : []
    return (rule) =>
      rule.exemptRoles.some((r) => member.roleIds.includes(r)) || rule.exemptRooms.some((p) => places.includes(p))
  }

  /** A refused text: the audit rows, and the author's timeout if a rule says so. */
  private async enforce(input: CheckInput, verdict: Verdict): Promise<void> {
    const seconds = Math.min(
      MAX_TIMEOUT_SECONDS,
      Math.max(0, ...verdict.fired.map((r) => (r.action.kind === 'timeout' ? r.action.seconds : 0))),
    )
    const until = seconds > 0 ? new Date(Date.now() + seconds * 1000) : null
    const write = async (tx: Tx, emit: Emit) => {
      if (until) {
        // Never shortens a longer timeout a moderator gave; owners are exempt from automod anyway.
        await tx
          .update(communityMembers)
          .set({ timeoutUntil: sql`greatest(coalesce(${communityMembers.timeoutUntil}, now()), ${until.toISOString()}::timestamptz)` })
          .where(and(eq(communityMembers.communityId, input.communityId), eq(communityMembers.userId, input.authorId)))
      }
      await this.audit(tx, input, verdict, { refused: true, timeoutUntil: until?.toISOString() ?? null })
      emit({
        type: 'automod.refused',
        data: { userId: input.authorId, rules: verdict.fired.map((r) => r.id), timeoutUntil: until?.toISOString() ?? null },
        communityId: input.communityId,
        ...(input.roomId ? { roomId: input.roomId } : {}),
      })
    }
    // A timeout changes what the author may do: it commits as a permission change (every node's cache follows).
    if (until) await this.deps.permissions.mutate({ actorId: null, scopes: [input.communityId], fn: write })
    else await this.deps.events.transaction({ actorId: null }, write)
  }

  private async afterCommit(input: CheckInput, verdict: Verdict, target: { kind: 'message' | 'post' | 'comment'; id: string }) {
    await this.deps.events.transaction({ actorId: null }, async (tx, emit) => {
      for (const rule of verdict.fired.filter((r) => r.action.kind === 'flag')) {
        const { report, opened } = await openReport(tx, {
          communityId: input.communityId,
          targetKind: target.kind,
          targetId: target.id,
          roomId: input.roomId ?? null,
          authorId: input.authorId,
          preview: input.text,
          rule: { id: rule.id, name: rule.name },
        })
        if (opened) {
          emit({
            type: 'report.opened',
            data: { reportId: report.id, ruleId: rule.id },
            communityId: input.communityId,
            ...(input.roomId ? { roomId: input.roomId } : {}),
          })
        }
      }
      await this.audit(tx, input, verdict, { target })
    })
  }

  /** One audit row per rule that fired (or would have, in dry run), with the rule behind it. */
  private async audit(tx: Tx, input: CheckInput, verdict: Verdict, extra: Record<string, unknown>) {
    const base = { userId: input.authorId, roomId: input.roomId ?? null, kind: input.kind ?? 'message', ...extra }
    for (const rule of verdict.fired) {
      await writeAudit(tx, {
        communityId: input.communityId,
        actorId: null,
        action: `automod.${rule.action.kind}`,
        entity: 'automod_rules',
        after: { ruleId: rule.id, ruleName: rule.name, evidence: rule.evidence, action: rule.action, ...base },
      })
    }
    for (const rule of verdict.dryRun) {
      await writeAudit(tx, {
        communityId: input.communityId,
        actorId: null,
        action: 'automod.dry_run',
        entity: 'automod_rules',
        after: { ruleId: rule.id, ruleName: rule.name, evidence: rule.evidence, wouldHave: rule.action, ...base },
      })
    }
  }
}

function compiles(rules: RuleDef[]): boolean {
  try {
    compileRules(rules)
    return true
  } catch {
    return false
  }
}

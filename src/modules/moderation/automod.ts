// A community's automod rules compiled into one matcher, and the verdict on a text. Pure: the
// service (screen.ts) brings what needs I/O (flood counters, which invite codes are the
// community's own, who is exempt).
//
// Cost: every keyword of every rule goes into one automaton and every pattern into one lazy
// DFA, so a text is read once for keywords and once for patterns, whatever the number of rules.
import { PatternSet } from './dfa'
import { KeywordError, KeywordMatcher } from './keywords'
import { domainAllowed, type Link } from './links'
import type { ActionT, TriggerT } from './model'
import type { Normalized } from './normalize'
import { PatternError } from './regex'

export interface RuleDef {
  id: string
  name: string
  trigger: TriggerT
  action: ActionT
  exemptRoles: string[]
  exemptRooms: string[]
  dryRun: boolean
}

export interface CompiledRules {
  rules: RuleDef[]
  keywords: { matcher: KeywordMatcher; ruleOf: number[] } | undefined
  patterns: { set: PatternSet; ruleOf: number[] } | undefined
  /** Rule indexes by trigger kind. */
  links: number[]
  mentions: number[]
  flood: number[]
  /** Any rule at all: when false, a check costs nothing. */
  active: boolean
}

/** What a text is checked against, prepared by the caller. */
export interface Subject {
  text: Normalized
  links: Link[]
  /** Invite codes (lower case) of this community found in the text: those never fire. */
  ownInvites: ReadonlySet<string>
  mentions: number
  /** Flood rules (by index) whose counter went over for this text. */
  flooded: ReadonlySet<number>
}

export interface Hit {
  rule: number
  /** What fired, for the audit log and the author (never the text itself). */
  evidence: string
}

/** A rule that cannot be saved, with the field at fault. */
export class RuleError extends Error {
  override name = 'RuleError'
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message)
  }
}

/** Compiles a rule alone, to refuse it at save time with the reason. */
export function validateRule(trigger: TriggerT): void {
  try {
    if (trigger.kind === 'keywords') new KeywordMatcher([trigger])
    if (trigger.kind === 'regex') {
      trigger.patterns.forEach((p, i) => {
        try {
          new PatternSet([p])
        } catch (err) {
          if (err instanceof PatternError) throw new RuleError(`pattern ${i + 1}: ${err.message}`, `trigger.patterns.${i}`)
          throw err
        }
      })
    }
  } catch (err) {
    if (err instanceof KeywordError) throw new RuleError(`term "${err.term}": ${err.message}`, 'trigger.terms')
    throw err
  }
}

export function compileRules(rules: RuleDef[]): CompiledRules {
  const lists: { terms: string[]; allow?: string[]; wholeWord?: boolean }[] = []
  const listRule: number[] = []
  const patterns: string[] = []
  const patternRule: number[] = []
  const compiled: CompiledRules = {
    rules,
    keywords: undefined,
    patterns: undefined,
    links: [],
    mentions: [],
    flood: [],
    active: rules.length > 0,
  }
  rules.forEach((rule, i) => {
    const trigger = rule.trigger
    switch (trigger.kind) {
      case 'keywords':
        lists.push(trigger)
        listRule.push(i)
        break
      case 'regex':
        for (const p of trigger.patterns) {
          patterns.push(p)
          patternRule.push(i)
        }
        break
      case 'links':
        compiled.links.push(i)
        break
      case 'mention_spam':
        compiled.mentions.push(i)
        break
      case 'flood':
        compiled.flood.push(i)
        break
    }
  })
  if (lists.length) compiled.keywords = { matcher: new KeywordMatcher(lists), ruleOf: listRule }
  if (patterns.length) compiled.patterns = { set: new PatternSet(patterns), ruleOf: patternRule }
  return compiled
}

/** Every rule the subject fires, once each, in rule order (exemptions are the caller's). */
export function evaluate(compiled: CompiledRules, subject: Subject): Hit[] {
  if (!compiled.active) return []
  let hits: Map<number, string> | undefined
  const hit = (rule: number, evidence: string) => {
    hits ??= new Map()
    if (!hits.has(rule)) hits.set(rule, evidence)
  }
  if (compiled.keywords) {
    for (const h of compiled.keywords.matcher.match(subject.text)) hit(compiled.keywords.ruleOf[h.list]!, `keyword "${h.term}"`)
  }
  if (compiled.patterns) {
    const { set, ruleOf } = compiled.patterns
    for (const p of set.matches(subject.text.text)) {
      const rule = ruleOf[p]!
      hit(rule, `pattern ${p - ruleOf.indexOf(rule) + 1}`)
    }
  }
  for (const i of compiled.links) {
    const trigger = compiled.rules[i]!.trigger as Extract<TriggerT, { kind: 'links' }>
    const offending = subject.links.find((link) => linkFires(trigger, link, subject.ownInvites))
    if (offending) hit(i, offending.invite ? `invite link (${offending.invite.service})` : `link to ${offending.host}`)
  }
  for (const i of compiled.mentions) {
    const trigger = compiled.rules[i]!.trigger as Extract<TriggerT, { kind: 'mention_spam' }>
    if (subject.mentions > trigger.maxMentions) hit(i, `${subject.mentions} mentions (at most ${trigger.maxMentions})`)
  }
  for (const i of compiled.flood) {
    const trigger = compiled.rules[i]!.trigger as Extract<TriggerT, { kind: 'flood' }>
    if (subject.flooded.has(i)) hit(i, `the same text more than ${trigger.maxRepeats} times in ${trigger.windowSeconds}s`)
  }
  if (!hits) return []
  return [...hits].sort((a, b) => a[0] - b[0]).map(([rule, evidence]) => ({ rule, evidence }))
}

function linkFires(trigger: Extract<TriggerT, { kind: 'links' }>, link: Link, ownInvites: ReadonlySet<string>): boolean {
  if (link.invite) {
    if (link.invite.service === 'hearth' && ownInvites.has(link.invite.code)) return false
    if (trigger.blockInvites) return true
  }
  return !trigger.allowDomains || !domainAllowed(link.host, trigger.allowDomains.map((d) => d.toLowerCase()))
}

export type VerdictKind = 'allow' | 'flag' | 'block' | 'timeout'
const strength: Record<ActionT['kind'], number> = { flag: 1, block: 2, timeout: 3 }

/** The strongest action among the rules that act (not dry run): timeout, then block, then flag. */
export function strongest<T extends { action: ActionT }>(rules: T[]): T | undefined {
  let best: T | undefined
  for (const r of rules) if (!best || strength[r.action.kind] > strength[best.action.kind]) best = r
  return best
}

import type { NotificationRow } from '../../db/schema'
import type { Queryable } from '../../db/tx'
import { MAX_SAMPLE_ACTORS } from './store'

/** Those of `actorIds` the user may not see now (someone they block or who blocks them). */
export type HiddenActors = (db: Queryable, userId: string, actorIds: string[]) => Promise<Set<string>>

const rules = new Map<string, HiddenActors>()

/**
 * Notifications about things of `targetTypes` leave out the actors `hidden` names, when
 * they are read and when they are pushed. A feature built after notifications (the social
 * layer: blocks) declares it when its module is loaded, so it holds in the API processes
 * and in the job worker threads alike (src/features.ts loads every feature in both).
 */
export function hideActors(targetTypes: string[], hidden: HiddenActors): void {
  for (const type of targetTypes) rules.set(type, hidden)
}

/**
 * The rows as `userId` may see them now: hidden actors left out; a row whose every actor
 * is hidden is left out; `count` never counts a hidden actor (the remaining actors when the
 * sample holds them all, else one less per hidden actor); the row's `data` is about its
 * newest event, so its `preview` goes when that event's actor is hidden.
 */
export async function withoutHiddenActors(db: Queryable, userId: string, rows: NotificationRow[]): Promise<NotificationRow[]> {
  const byRule = new Map<HiddenActors, Set<string>>()
  for (const row of rows) {
    const rule = rules.get(row.targetType)
    if (!rule || row.actors.length === 0) continue
    let ids = byRule.get(rule)
    if (!ids) byRule.set(rule, (ids = new Set()))
    for (const a of row.actors) ids.add(a)
  }
  if (byRule.size === 0) return rows
  const hiddenBy = new Map(await Promise.all([...byRule].map(async ([rule, ids]) => [rule, await rule(db, userId, [...ids])] as const)))
  return rows.flatMap((row) => {
    const hidden = hiddenBy.get(rules.get(row.targetType)!)
    if (!hidden || !row.actors.some((a) => hidden.has(a))) return [row]
    const actors = row.actors.filter((a) => !hidden.has(a))
    if (actors.length === 0) return []
    const dropped = row.actors.length - actors.length
    const count = row.actors.length < MAX_SAMPLE_ACTORS ? actors.length : Math.max(actors.length, row.count - dropped)
    const data = row.data as Record<string, unknown> | null
    const newestHidden = hidden.has(row.actors[0]!)
    return [{ ...row, actors, count, data: newestHidden && data && 'preview' in data ? { ...data, preview: null } : row.data }]
  })
}

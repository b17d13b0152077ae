import { sql, type SQL } from 'drizzle-orm'
import type { Database } from './client'

/** A transaction of the one database type, whichever driver is underneath. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0]

/** Either the database or a transaction in it: what a read or a write that may be part of a larger one takes. */
export type Queryable = Database | Tx

/** Rows of a raw statement's result, whichever driver ran it (postgres.js answers an array, PGlite `{rows}`). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[]
}

/** Runs a raw query and answers its rows. */
export async function queryRows<T>(db: Queryable, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query))
}

/**
 * Holds an advisory lock on `key` until the transaction ends: work that must not run twice
 * at once for the same key (a count and an insert under a limit, a seat, a pair of users)
 * waits its turn. Keys are namespaced by their first word (`pins:<room>`, `event:<series>:<start>`).
 */
export function lockKey(tx: Pick<Queryable, 'execute'>, key: string) {
  return tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`)
}

/** Attributes the transaction's changes to `actorId` in the audit rows the triggers write (drizzle/0003). */
export async function setAuditActor(tx: Tx, actorId: string | null): Promise<void> {
  if (actorId) await tx.execute(sql`select set_config('hearth.actor_id', ${actorId}, true)`)
}

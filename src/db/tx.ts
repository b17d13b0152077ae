import { sql } from 'drizzle-orm'
import type { Database } from './client'

/** A transaction of the one database type, whichever driver is underneath. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0]

/** Either the database or a transaction in it: what a read or a write that may be part of a larger one takes. */
export type Queryable = Database | Tx

/** Attributes the transaction's changes to `actorId` in the audit rows the triggers write (drizzle/0003). */
export async function setAuditActor(tx: Tx, actorId: string | null): Promise<void> {
  if (actorId) await tx.execute(sql`select set_config('hearth.actor_id', ${actorId}, true)`)
}

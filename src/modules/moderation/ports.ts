// What the moderation module needs from the rest of Hearth, as narrow ports the app wires.
import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { auditLog } from '../../db/schema'
import type { NotifyInput } from '../notifications/model'

export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0]

/** A durable domain event, recorded inside the transaction of the change (the app backs it with an outbox). */
export type RecordEvent = (
  tx: Tx,
  event: { type: string; data: Record<string, unknown>; communityId?: string | null; roomId?: string | null; actorId?: string | null },
) => Promise<void>

export interface Notify {
  notifyMany(inputs: (NotifyInput & { dedupeKey?: string })[]): Promise<unknown>
}

/** A reportable thing as the report keeps it. `communityId` null: it lives outside any community (a DM). */
export interface TargetInfo {
  communityId: string | null
  roomId: string | null
  authorId: string
  preview: string
}

export interface ReportTargetSource {
  /** The target as `viewerId` may see it; undefined when it does not exist or is hidden from them. */
  load(id: string, viewerId: string): Promise<TargetInfo | undefined>
  /** Removes it on a moderator's word; the moderator's own permissions apply (and may refuse). */
  remove(id: string, actorId: string): Promise<void>
}

/** Sources for messages, posts and comments (users are built in). A kind not wired answers 422. */
export type ReportTargets = Partial<Record<'message' | 'post' | 'comment', ReportTargetSource>>

/** Member sanctions, through the community service (its hierarchy rules apply). */
export interface MemberSanctions {
  timeout(input: { actorId: string; communityId: string; userId: string; seconds: number; reason?: string }): Promise<unknown>
  ban(input: { actorId: string; communityId: string; userId: string; reason?: string }): Promise<unknown>
}

/** Writes one audit row for something no trigger sees (an automod action, a report resolution). */
export async function writeAudit(
  tx: Tx,
  entry: { communityId: string; actorId: string | null; action: string; entity: string; after: Record<string, unknown> },
): Promise<void> {
  await tx.insert(auditLog).values({ ...entry, before: null })
}

/** Sets the actor the audit triggers record for this transaction. */
export async function setActor(tx: Tx, actorId: string | null): Promise<void> {
  await tx.execute(sql`select set_config('hearth.actor_id', ${actorId ?? ''}, true)`)
}

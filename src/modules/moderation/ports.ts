// What the moderation module needs from the rest of Hearth, as narrow ports.
import type { Tx } from '../../db/tx'
import { auditLog } from '../../db/schema'
import type { CommunityService } from '../communities/service'

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

/** Member sanctions, through the community service (its permission and hierarchy rules apply). */
export type MemberSanctions = Pick<CommunityService, 'timeout' | 'ban'>

/** Writes one audit row for something no trigger sees (an automod action, a report resolution). */
export async function writeAudit(
  tx: Tx,
  entry: { communityId: string; actorId: string | null; action: string; entity: string; after: Record<string, unknown> },
): Promise<void> {
  await tx.insert(auditLog).values({ ...entry, before: null })
}

import { and, eq, sql } from 'drizzle-orm'
import { reports, type ReportRow } from '../../db/schema'
import { newId } from '../../lib/ids'
import type { Tx } from '../../db/tx'

export const PREVIEW_CHARS = 280

export interface OpenReportInput {
  communityId: string
  targetKind: 'message' | 'post' | 'comment' | 'user'
  targetId: string
  roomId: string | null
  authorId: string | null
  preview: string | null
  /** The automod rule that flags it. */
  rule?: { id: string; name: string }
}

/**
 * The open report of a target, opened now if there is none (one open report per target: the
 * partial unique index settles a race between two reporters). A rule is attached to an open
 * report that has none.
 */
export async function openReport(tx: Tx, input: OpenReportInput): Promise<{ report: ReportRow; opened: boolean }> {
  const [inserted] = await tx
    .insert(reports)
    .values({
      id: newId(),
      communityId: input.communityId,
      targetKind: input.targetKind,
      targetId: input.targetId,
      roomId: input.roomId,
      targetAuthorId: input.authorId,
      preview: input.preview?.slice(0, PREVIEW_CHARS) ?? null,
      ruleId: input.rule?.id ?? null,
      ruleName: input.rule?.name ?? null,
    })
    .onConflictDoNothing({
      target: [reports.communityId, reports.targetKind, reports.targetId],
      where: sql`status = 'open'`,
    })
    .returning()
  if (inserted) return { report: inserted, opened: true }
  const [open] = await tx
    .select()
    .from(reports)
    .where(
      and(
        eq(reports.communityId, input.communityId),
        eq(reports.targetKind, input.targetKind),
        eq(reports.targetId, input.targetId),
        eq(reports.status, 'open'),
      ),
    )
    .for('update')
  if (!open) throw new Error('an open report vanished while it was being joined')
  if (input.rule && !open.ruleId && !open.ruleName) {
    const [withRule] = await tx
      .update(reports)
      .set({ ruleId: input.rule.id, ruleName: input.rule.name })
      .where(eq(reports.id, open.id))
      .returning()
    return { report: withRule!, opened: false }
  }
  return { report: open, opened: false }
}

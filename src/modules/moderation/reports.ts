import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm'
import type { RateRule } from '../../config'
import type { Database } from '../../db/client'
import type { DomainEvents } from '../../domain-events/bus'
import { reportReporters, reports, users, type ReportRow } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { isUuid } from '../../lib/ids'
import type { RateLimiter } from '../../lib/rate-limit'
import type { PermissionService } from '../permissions/service'
import type { CreateReportInput, ReportStatus, ReportTargetKind, ReportViewT, ResolveInput } from './model'
import { writeAudit, type MemberSanctions, type ReportTargets, type TargetInfo } from './ports'
import { openReport } from './report-store'

export interface ReportsDeps {
  db: Database
  permissions: PermissionService
  rateLimiter: RateLimiter
  /** Reports one user may file per window. */
  reportLimit: RateRule
  targets: ReportTargets
  sanctions: MemberSanctions
  /** Where reports and resolutions commit, audited, with their domain events. */
  events: Pick<DomainEvents, 'transaction'>
}

export const toMyReport = (r: ReportRow) => ({
  id: r.id,
  target: { kind: r.targetKind, id: r.targetId },
  status: r.status,
  createdAt: r.createdAt.toISOString(),
})

/**
 * Reports by members, and the review queue of those who hold `moderate_members`. A reporter
 * sees only their own report's status; the queue shows who reported how often and why, never
 * to anyone without the permission.
 */
export class Reports {
  constructor(private readonly deps: ReportsDeps) {}

  /** Files a report; the same reporter reporting the same open target again gets the same report (`duplicate`). */
  async create(input: { reporterId: string; report: CreateReportInput }) {
    const { reporterId, report } = input
    await this.deps.rateLimiter.hit(`report:${reporterId}`, this.deps.reportLimit)
    const target = await this.target(reporterId, report.target)
    return this.deps.events.transaction({ actorId: reporterId }, async (tx, emit) => {
      const { report: row, opened } = await openReport(tx, {
        communityId: target.communityId!,
        targetKind: report.target.kind,
        targetId: report.target.id,
        roomId: target.roomId,
        authorId: target.authorId,
        preview: target.preview,
      })
      const added = await tx
        .insert(reportReporters)
        .values({ reportId: row.id, reporterId, reason: report.reason, details: report.details ?? null })
        .onConflictDoNothing()
        .returning({ reportId: reportReporters.reportId })
      if (opened) {
        emit({ type: 'report.opened', data: { reportId: row.id }, communityId: row.communityId, ...(row.roomId ? { roomId: row.roomId } : {}) })
      }
      return { ...toMyReport(row), duplicate: added.length === 0 }
    })
  }

  /** The queue, newest first (`moderate_members`). */
  async list(input: { actorId: string; communityId: string; status?: ReportStatus; cursor?: string; limit?: number }) {
    await this.deps.permissions.requireCommunity(input.actorId, input.communityId, 'moderate_members')
    if (input.cursor !== undefined && !isUuid(input.cursor)) {
      throw new AppError('validation_failed', 'cursor is not one this list gave out', { details: { field: 'cursor' } })
    }
    const limit = input.limit ?? 50
    const rows = await this.deps.db
      .select()
      .from(reports)
      .where(
        and(
          eq(reports.communityId, input.communityId),
          eq(reports.status, input.status ?? 'open'),
          input.cursor ? lt(reports.id, input.cursor) : undefined,
        ),
      )
      .orderBy(desc(reports.id))
      .limit(limit + 1)
    const page = rows.slice(0, limit)
    return {
      reports: await this.views(input.actorId, page),
      nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
    }
  }

  /**
   * Resolves an open report: the action first (through the community and message services,
   * whose permission and hierarchy rules apply), then the report, its audit row and the
   * `report.resolved` event, on which the reporters are told the outcome (see events.ts).
   */
  async resolve(input: { actorId: string; reportId: string; resolution: ResolveInput }): Promise<ReportViewT> {
    const { actorId, resolution } = input
    const [row] = await this.deps.db.select().from(reports).where(eq(reports.id, input.reportId))
    if (!row) throw notFound('report')
    const { member } = await this.deps.permissions.context(row.communityId, actorId)
    if (!member.isMember) throw notFound('report')
    await this.deps.permissions.requireCommunity(actorId, row.communityId, 'moderate_members')
    if (row.status !== 'open') throw new AppError('conflict', `this report is already ${row.status}`)
    // Nobody judges a report about themselves (another moderator does).
    const subject = row.targetKind === 'user' ? row.targetId : row.targetAuthorId
    if (subject === actorId) throw new AppError('forbidden', 'another moderator must resolve a report about you')
    await this.act({ actorId, row, subject, resolution })

    const resolved = await this.deps.events.transaction({ actorId }, async (tx, emit) => {
      const [done] = await tx
        .update(reports)
        .set({
          status: resolution.action === 'dismiss' ? 'dismissed' : 'resolved',
          resolution: resolution.action,
          note: resolution.note ?? null,
          resolvedBy: actorId,
          resolvedAt: new Date(),
        })
        .where(and(eq(reports.id, row.id), eq(reports.status, 'open')))
        .returning()
      if (!done) throw new AppError('conflict', 'this report was resolved meanwhile')
      await writeAudit(tx, {
        communityId: row.communityId,
        actorId,
        action: 'report.resolve',
        entity: 'reports',
        after: {
          reportId: row.id,
          action: resolution.action,
          durationSeconds: resolution.durationSeconds ?? null,
          note: resolution.note ?? null,
          target: { kind: row.targetKind, id: row.targetId, authorId: row.targetAuthorId, roomId: row.roomId },
          ruleId: row.ruleId,
          ruleName: row.ruleName,
        },
      })
      emit({
        type: 'report.resolved',
        data: { reportId: row.id, action: resolution.action, targetKind: row.targetKind as ReportTargetKind },
        communityId: row.communityId,
        ...(row.roomId ? { roomId: row.roomId } : {}),
      })
      return done
    })
    return (await this.views(actorId, [resolved]))[0]!
  }

  /** `subject`: whom the report is about (the reported user, or the author of what was reported). */
  private async act({ actorId, row, subject, resolution }: { actorId: string; row: ReportRow; subject: string | null; resolution: ResolveInput }) {
    switch (resolution.action) {
      case 'dismiss':
        return
      case 'delete': {
        if (row.targetKind === 'user') throw new AppError('invalid_target', 'a user cannot be deleted: time them out or ban them')
        const source = this.deps.targets[row.targetKind as 'message' | 'post' | 'comment']
        if (!source) throw new AppError('invalid_target', `${row.targetKind}s cannot be deleted from here`)
        return source.remove(row.targetId, actorId)
      }
      case 'timeout':
        if (!resolution.durationSeconds) {
          throw new AppError('validation_failed', 'a timeout needs durationSeconds', { details: { field: 'durationSeconds' } })
        }
        if (!subject) throw new AppError('invalid_target', 'the author of this report is gone')
        return this.deps.sanctions.timeout(actorId, row.communityId, subject, resolution.durationSeconds, resolution.note)
      case 'ban':
        if (!subject) throw new AppError('invalid_target', 'the author of this report is gone')
        return this.deps.sanctions.ban(actorId, row.communityId, subject, resolution.note)
    }
  }

  /** What is being reported, as the reporter may see it. */
  private async target(reporterId: string, target: CreateReportInput['target']): Promise<TargetInfo> {
    if (target.kind === 'user') {
      if (!target.communityId) {
        throw new AppError('validation_failed', 'reporting a user needs the community', { details: { field: 'target.communityId' } })
      }
      await this.deps.permissions.requireCommunity(reporterId, target.communityId)
      if (target.id === reporterId) throw new AppError('invalid_target', 'you cannot report yourself')
      const { member } = await this.deps.permissions.context(target.communityId, target.id)
      const [user] = await this.deps.db
        .select({ username: users.username, displayName: users.displayName })
        .from(users)
        .where(eq(users.id, target.id))
      if (!user || !member.isMember) throw notFound('member')
      const preview = user.displayName ? `${user.displayName} (@${user.username})` : `@${user.username}`
      return { communityId: target.communityId, roomId: null, authorId: target.id, preview }
    }
    const source = this.deps.targets[target.kind]
    if (!source) throw new AppError('invalid_target', `${target.kind}s cannot be reported yet`)
    const info = await source.load(target.id, reporterId)
    if (!info) throw notFound(target.kind)
    if (!info.communityId) throw new AppError('invalid_target', 'only what is written in a community can be reported to its moderators')
    if (info.authorId === reporterId) throw new AppError('invalid_target', 'you cannot report what you wrote')
    return info
  }

  /** Queue rows with their reasons; a preview from a room the moderator cannot view is left out. */
  private async views(actorId: string, rows: ReportRow[]): Promise<ReportViewT[]> {
    if (rows.length === 0) return []
    const ids = rows.map((r) => r.id)
    const reasons = await this.deps.db
      .select({ reportId: reportReporters.reportId, reason: reportReporters.reason, count: sql<number>`count(*)::int` })
      .from(reportReporters)
      .where(inArray(reportReporters.reportId, ids))
      .groupBy(reportReporters.reportId, reportReporters.reason)
    const roomIds = [...new Set(rows.flatMap((r) => (r.roomId ? [r.roomId] : [])))]
    const visible = roomIds.length ? await this.deps.permissions.canViewRooms(actorId, roomIds) : new Set<string>()
    return rows.map((r) => ({
      id: r.id,
      communityId: r.communityId,
      target: {
        kind: r.targetKind,
        id: r.targetId,
        roomId: r.roomId,
        authorId: r.targetAuthorId,
        preview: r.roomId && !visible.has(r.roomId) ? null : r.preview,
      },
      status: r.status,
      reporterCount: r.reporterCount,
      reasons: reasons.filter((x) => x.reportId === r.id).map((x) => ({ reason: x.reason, count: x.count })),
      rule: r.ruleName ? { id: r.ruleId, name: r.ruleName } : null,
      resolution:
        r.resolution && r.resolvedAt
          ? { action: r.resolution, note: r.note, resolvedBy: r.resolvedBy, resolvedAt: r.resolvedAt.toISOString() }
          : null,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    }))
  }
}

import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { surveyResponses, surveys, users, type SurveyResponseRow, type SurveyRow } from '../../db/schema'
import type { DomainEvents } from '../../domain-events/bus'
import { AppError, forbidden, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { trimmedName } from '../../lib/model'
import type { Logger } from '../../lib/log'
import { uniqueViolation } from '../../lib/pg-errors'
import type { JobRunner } from '../../jobs/runner'
import { jobId } from '../../jobs/queues'
import { has, Perm } from '../permissions/bits'
import type { PermissionService } from '../permissions/service'
import type { MessageService } from '../messages/service'
import { queryRows } from '../../db/tx'
import { checkAnswers, planQuestions } from './answers'
import { responsesCsv } from './csv'
import type { CreateSurveyInput, SurveyResults, SurveyView } from './model'
import { surveyResults } from './results'
import { closeSurvey } from './store'

export interface SurveysDeps {
  db: Database
  log: Logger
  permissions: Pick<PermissionService, 'inCommunity' | 'inGroup' | 'requireCommunity' | 'requireRoom' | 'placement' | 'context'>
  jobs: Pick<JobRunner, 'enqueue'>
  /** Commits a survey's announcement (a message of kind `survey`) in its room. */
  messages: Pick<MessageService, 'post'>
  /** Where a survey's changes commit with their domain events (`survey.created`, `survey.closed`). */
  events: Pick<DomainEvents, 'transaction'>
  now?: () => number
}

export const surveyCloseJob = (surveyId: string) => ({ queue: 'reminders' as const, name: 'surveys.close', jobId: jobId('survey', 'close', surveyId) })

const MAX_CLOSES_IN_MS = 366 * 86400_000
const MIN_CLOSES_IN_MS = 10_000
const LIST_LIMIT = 100

interface Access {
  bits: bigint
  manager: boolean
}

/**
 * Surveys of a community or of a group: questions of several kinds, one response per
 * member (replaceable until it closes), results per question for its managers (its
 * author and those with manage_messages where it lives) and, if it says so, for those
 * who answered it.
 */
export class SurveyService {
  private readonly now: () => number

  constructor(private readonly deps: SurveysDeps) {
    this.now = deps.now ?? Date.now
  }

  async create(input: { userId: string; communityId: string; body: CreateSurveyInput }): Promise<SurveyView> {
    const { userId, communityId, body } = input
    const bits = body.groupId
      ? await this.deps.permissions.inGroup(userId, communityId, body.groupId)
      : await this.deps.permissions.inCommunity(userId, communityId)
    if (!has(bits, Perm.view)) throw notFound(body.groupId ? 'group' : 'community')
    if (!has(bits, Perm.create_polls)) {
      throw new AppError('missing_permission', 'you need the create_polls permission here', { details: { permission: 'create_polls' } })
    }
    const questions = planQuestions(body.questions)
    const title = trimmedName(body.title, 'title')
    const closesAt = this.closesAt(body.closesAt)
    if (body.roomId) {
      const { placement } = await this.deps.permissions.requireRoom(userId, body.roomId, 'send')
      if (placement.communityId !== communityId) throw new AppError('invalid_target', 'announce a survey in a room of its community')
    }
    const nonce = body.nonce ?? `server.${newId()}`
    let surveyId = body.nonce ? await this.findByNonce(communityId, userId, body.nonce) : undefined
    if (!surveyId) {
      surveyId = newId()
      try {
        await this.deps.events.transaction({ actorId: userId }, async (tx, emit) => {
          await tx.insert(surveys).values({
            id: surveyId!,
            communityId,
            groupId: body.groupId ?? null,
            authorId: userId,
            nonce,
            title,
            description: body.description?.trim() || null,
            questions,
            anonymous: body.anonymous ?? false,
            resultsForRespondents: body.resultsForRespondents ?? false,
            roomId: body.roomId ?? null,
            closesAt,
          })
          emit({
            type: 'survey.created',
            communityId,
            // A group's survey is seen by who can view the group (webhooks go by this).
            ...(body.groupId ? { groupId: body.groupId } : {}),
            data: { surveyId: surveyId!, communityId, groupId: body.groupId ?? null, title },
          })
        })
      } catch (err) {
        if (uniqueViolation(err) !== 'surveys_community_author_nonce_key') throw err
        surveyId = (await this.findByNonce(communityId, userId, nonce))!
      }
    }
    const stored = (await this.row(surveyId))!
    // Queued on every try (its id is the survey's): a retry of a create that failed before it still gets it.
    if (stored.closesAt && !stored.closedAt) {
      await this.deps.jobs.enqueue({ ...surveyCloseJob(surveyId), data: { surveyId }, delayMs: Math.max(0, stored.closesAt.getTime() - this.now()) })
    }
    const row = await this.announce(stored)
    return this.view(row, userId, { bits, manager: true })
  }

  /** Posts the announcement (idempotent by the survey's id) if the survey has a room and no message yet. */
  private async announce(row: SurveyRow): Promise<SurveyRow> {
    if (!row.roomId || row.messageId) return row
    const posted = await this.deps.messages.post({
      kind: 'survey',
      roomId: row.roomId,
      authorId: row.authorId!,
      surveyId: row.id,
      nonce: `survey.${row.id}`,
      body: row.title,
    })
    const [updated] = await this.deps.db.update(surveys).set({ messageId: posted.messageId }).where(eq(surveys.id, row.id)).returning()
    return updated ?? row
  }

  /** Announces the surveys whose process died before announcing them (older than `olderThanMs`). */
  async completePending(olderThanMs = 60_000): Promise<number> {
    const rows = await this.deps.db
      .select()
      .from(surveys)
      .where(and(isNotNull(surveys.roomId), isNull(surveys.messageId), lt(surveys.createdAt, new Date(this.now() - olderThanMs))))
      .limit(100)
    let done = 0
    for (const row of rows) {
      try {
        await this.announce(row)
        done++
      } catch (err) {
        this.deps.log.warn('could not announce a pending survey', { surveyId: row.id, error: err })
      }
    }
    return done
  }

  async list(input: { userId: string; communityId: string }): Promise<SurveyView[]> {
    // Belonging is not enough: a member who may view nothing of the community is told nothing of its surveys.
    const { bits: communityBits } = await this.deps.permissions.requireCommunity(input.userId, input.communityId, 'view')
    const rows = await this.deps.db
      .select()
      .from(surveys)
      .where(eq(surveys.communityId, input.communityId))
      .orderBy(desc(surveys.createdAt))
      .limit(LIST_LIMIT)
    const mine = rows.length
      ? await this.deps.db
          .select()
          .from(surveyResponses)
          .where(and(inArray(surveyResponses.surveyId, rows.map((r) => r.id)), eq(surveyResponses.userId, input.userId)))
      : []
    const mineBySurvey = new Map(mine.map((r) => [r.surveyId, r]))
    // The user's permissions once per place (the community, each group), not once per survey.
    const groupBits = new Map<string, Promise<bigint>>()
    const bitsAt = (groupId: string) => {
      let bits = groupBits.get(groupId)
      if (!bits) groupBits.set(groupId, (bits = this.deps.permissions.inGroup(input.userId, input.communityId, groupId)))
      return bits
    }
    const views: SurveyView[] = []
    for (const row of rows) {
      const access = this.accessWith(input.userId, row, row.groupId ? await bitsAt(row.groupId) : communityBits)
      if (access) views.push(this.toView(row, access, mineBySurvey.get(row.id)))
    }
    return views
  }

  async get(input: { userId: string; surveyId: string }): Promise<SurveyView> {
    const { row, access } = await this.visible(input.userId, input.surveyId)
    return this.view(row, input.userId, access)
  }

  /** One response per member, replacing their earlier one; refused once the survey closed. */
  async respond(input: { userId: string; surveyId: string; answers: Record<string, unknown> }): Promise<SurveyView> {
    const { userId } = input
    const { row, access } = await this.visible(userId, input.surveyId)
    const { member } = await this.deps.permissions.context(row.communityId, userId)
    if (member.timeoutUntil !== null && member.timeoutUntil > this.now()) {
      throw new AppError('timed_out', 'you are timed out in this community and cannot answer surveys')
    }
    if (this.isClosed(row)) throw new AppError('survey_closed', 'this survey is closed')
    const answers = checkAnswers(row.questions, input.answers)
    await this.deps.db.transaction(async (tx) => {
      // Shares the survey row with other responses, not with its close: a response is in before the close or refused.
      const [open] = await queryRows<{ open: boolean }>(tx, sql`
          select closed_at is null and (closes_at is null or closes_at > now()) as open
            from surveys where id = ${row.id} for share`)
      if (!open?.open) throw new AppError('survey_closed', 'this survey is closed')
      await tx
        .insert(surveyResponses)
        .values({ surveyId: row.id, userId, answers })
        .onConflictDoUpdate({ target: [surveyResponses.surveyId, surveyResponses.userId], set: { answers } })
    })
    return this.view(row, userId, access)
  }

  async close(input: { userId: string; surveyId: string }): Promise<SurveyView> {
    const { row, access } = await this.visible(input.userId, input.surveyId)
    if (!access.manager) throw forbidden('only the managers of a survey can close it')
    await closeSurvey(this.deps.events, { surveyId: row.id, actorId: input.userId, onlyIfDue: false })
    return this.view((await this.row(row.id))!, input.userId, access)
  }

  async results(input: { userId: string; surveyId: string }): Promise<SurveyResults> {
    const { row, access } = await this.visible(input.userId, input.surveyId)
    if (!access.manager) {
      const answered = await this.response(row.id, input.userId)
      if (!row.resultsForRespondents || !answered) throw forbidden('the results of this survey are for its managers')
    }
    return surveyResults(this.deps.db, row)
  }

  /** The responses as CSV, for the survey's managers; an anonymous survey's carry no user ids. */
  async responsesCsv(input: { userId: string; surveyId: string }): Promise<{ filename: string; csv: string }> {
    const { row, access } = await this.visible(input.userId, input.surveyId)
    if (!access.manager) throw forbidden('the responses of a survey are for its managers')
    const responses = await this.deps.db
      .select({
        userId: surveyResponses.userId,
        username: users.username,
        answers: surveyResponses.answers,
        updatedAt: surveyResponses.updatedAt,
      })
      .from(surveyResponses)
      .leftJoin(users, eq(users.id, surveyResponses.userId))
      .where(eq(surveyResponses.surveyId, row.id))
      .orderBy(asc(surveyResponses.submittedAt), asc(surveyResponses.userId))
    return { filename: `survey-${row.id}-responses.csv`, csv: responsesCsv(row.questions, responses, { anonymous: row.anonymous }) }
  }

  private async view(row: SurveyRow, userId: string, access: Access): Promise<SurveyView> {
    return this.toView(row, access, await this.response(row.id, userId))
  }

  private toView(row: SurveyRow, access: Access, mine: SurveyResponseRow | undefined): SurveyView {
    const closedAt = this.closedAt(row)
    return {
      id: row.id,
      communityId: row.communityId,
      groupId: row.groupId,
      authorId: row.authorId,
      title: row.title,
      description: row.description,
      questions: row.questions,
      anonymous: row.anonymous,
      resultsForRespondents: row.resultsForRespondents,
      roomId: row.roomId,
      messageId: row.messageId,
      closesAt: row.closesAt?.toISOString() ?? null,
      closed: closedAt !== null,
      closedAt: closedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      canManage: access.manager,
      myResponse: mine
        ? { answers: mine.answers, submittedAt: mine.submittedAt.toISOString(), updatedAt: mine.updatedAt.toISOString() }
        : null,
    }
  }

  private async response(surveyId: string, userId: string) {
    const [row] = await this.deps.db
      .select()
      .from(surveyResponses)
      .where(and(eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.userId, userId)))
    return row
  }

  /** The survey, if the user can view where it lives (else 404, whether or not it exists). */
  private async visible(userId: string, surveyId: string): Promise<{ row: SurveyRow; access: Access }> {
    const row = await this.row(surveyId)
    const access = row && (await this.access(userId, row))
    if (!row || !access) throw notFound('survey')
    return { row, access }
  }

  private async access(userId: string, row: SurveyRow): Promise<Access | undefined> {
    const bits = row.groupId
      ? await this.deps.permissions.inGroup(userId, row.communityId, row.groupId)
      : await this.deps.permissions.inCommunity(userId, row.communityId)
    return this.accessWith(userId, row, bits)
  }

  private accessWith(userId: string, row: SurveyRow, bits: bigint): Access | undefined {
    if (!has(bits, Perm.view)) return undefined
    return { bits, manager: has(bits, Perm.manage_messages) || (row.authorId === userId && has(bits, Perm.create_polls)) }
  }

  private async row(surveyId: string): Promise<SurveyRow | undefined> {
    const [row] = await this.deps.db.select().from(surveys).where(eq(surveys.id, surveyId))
    return row
  }

  private closedAt(row: SurveyRow): Date | null {
    if (row.closedAt) return row.closedAt
    if (row.closesAt && row.closesAt.getTime() <= this.now()) return row.closesAt
    return null
  }

  private isClosed(row: SurveyRow) {
    return this.closedAt(row) !== null
  }

  private closesAt(raw: string | undefined): Date | null {
    if (raw === undefined) return null
    const at = new Date(raw)
    const inMs = at.getTime() - this.now()
    if (Number.isNaN(inMs)) throw new AppError('validation_failed', 'closesAt is not a time')
    if (inMs < MIN_CLOSES_IN_MS) throw new AppError('validation_failed', 'closesAt must be at least 10 seconds ahead')
    if (inMs > MAX_CLOSES_IN_MS) throw new AppError('validation_failed', 'closesAt must be within a year')
    return at
  }

  private async findByNonce(communityId: string, authorId: string, nonce: string): Promise<string | undefined> {
    const [row] = await this.deps.db
      .select({ id: surveys.id })
      .from(surveys)
      .where(and(eq(surveys.communityId, communityId), eq(surveys.authorId, authorId), eq(surveys.nonce, nonce)))
    return row?.id
  }
}


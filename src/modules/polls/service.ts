import { and, eq, isNull, lt } from 'drizzle-orm'
import type { Config } from '../../config'
import type { Database } from '../../db/client'
import { pollOptions, polls } from '../../db/schema'
import type { DomainEvents } from '../../domain-events/bus'
import type { DomainEvent } from '../../domain-events/types'
import { badCursor } from '../../lib/cursor'
import { AppError, forbidden, notFound } from '../../lib/errors'
import { newId, isUuid } from '../../lib/ids'
import type { Logger } from '../../lib/log'
import { uniqueViolation } from '../../lib/pg-errors'
import type { JobRunner } from '../../jobs/runner'
import { jobId } from '../../jobs/queues'
import type { Fanout } from '../../realtime/fanout'
import type { MessageView } from '../messages/model'
import type { MessageService } from '../messages/service'
import { has, Perm } from '../permissions/bits'
import { requireBit, type PermissionService } from '../permissions/service'
import { BallotBox } from './ballot-box'
import type { Automod } from '../moderation/screen'
import { PollLiveUpdates } from './live'
import type { CreatePollInput, PollDefinition, PollView } from './model'
import { planPoll } from './plan'
import { closedAt, countsVisible, toPollView, type PollRecord } from './rules'
import { allBallots, closePoll, loadDefinitions, loadRecords, loadState, postedNonce, voterPage } from './store'

export interface PollsDeps {
  db: Database
  log: Logger
  config: Pick<Config, 'polls'>
  permissions: Pick<PermissionService, 'inRoom' | 'requireRoom' | 'placement' | 'context'>
  jobs: Pick<JobRunner, 'enqueue'>
  /** Commits a poll's message (kind `poll`) in its room's seq order, and reads it back. */
  messages: Pick<MessageService, 'post' | 'acknowledged' | 'requireUnblocked'>
  /** `poll.updated` pushes to a room's sockets and to a voter's own. */
  live: Pick<Fanout, 'toRoom' | 'toUser'>
  /** Where a poll's changes commit with their domain events (`poll.created`, `poll.closed`). */
  events: Pick<DomainEvents, 'transaction'>
  /** The community's automod rules: a poll's question and options are text like a message's. */
  automod: Pick<Automod, 'screen'>
  now?: () => number
}

/** The delayed job that closes a poll at `closesAt`; its id is the poll's, so scheduling twice is harmless. */
export const pollCloseJob = (pollId: string) => ({ queue: 'reminders' as const, name: 'polls.close', jobId: jobId('poll', 'close', pollId) })

const CACHED_POLLS = 10_000

/**
 * Polls in rooms: created with their message, voted on (group-committed by the ballot
 * box), closed by hand or by time, and pushed live as each reader may see them.
 */
export class PollService {
  private readonly box: BallotBox
  readonly live: PollLiveUpdates
  /** What never changes of a poll (its counts and status are always read fresh). */
  private readonly records = new Map<string, PollRecord>()
  private readonly definitionCache = new Map<string, PollDefinition>()
  private readonly now: () => number

  constructor(private readonly deps: PollsDeps) {
    this.now = deps.now ?? Date.now
    const config = deps.config.polls
    this.box = new BallotBox({ db: deps.db, log: deps.log, batchMax: config.voteBatchMax })
    this.live = new PollLiveUpdates({
      live: deps.live,
      log: deps.log,
      intervalMs: config.liveIntervalMs,
      userPushesPerSecond: config.liveUserPushesPerSecond,
      ballots: (pollId) => allBallots(deps.db, pollId),
      canSee: async (userId, roomId) => has(await deps.permissions.inRoom(userId, roomId), Perm.view),
      now: this.now,
    })
  }

  async create(input: { userId: string; roomId: string; body: CreatePollInput }): Promise<{ poll: PollView; message: MessageView }> {
    const { userId, roomId, body } = input
    const { placement } = await this.deps.permissions.requireRoom(userId, roomId, 'create_polls')
    // A poll is said in the room like a message: not into a DM with someone who blocks the author, or whom they block.
    await this.deps.messages.requireUnblocked(userId, roomId, placement)
    const plan = planPoll(body, { maxOptions: this.deps.config.polls.maxOptions, now: this.now() })
    const text = [plan.row.question, ...plan.options.map((o) => o.text)].join('\n')
    const screening = placement.communityId ? await this.deps.automod.screen({ communityId: placement.communityId, roomId, authorId: userId, text, kind: 'poll' }) : undefined
    const nonce = body.nonce ?? `server.${newId()}`

    let pollId = body.nonce ? await this.findByNonce(roomId, userId, body.nonce) : undefined
    if (!pollId) {
      pollId = newId()
      try {
        await this.deps.db.transaction(async (tx) => {
          await tx.insert(polls).values({ id: pollId!, roomId, authorId: userId, nonce, ...plan.row })
          await tx.insert(pollOptions).values(plan.options.map((o, position) => ({ id: o.id, pollId: pollId!, position, text: o.text })))
        })
      } catch (err) {
        if (uniqueViolation(err) !== 'polls_room_author_nonce_key') throw err
        pollId = (await this.findByNonce(roomId, userId, nonce))!
      }
    }
    // Scheduled before the message: a poll that closes by time always has its job.
    if (plan.row.closesAt) {
      await this.deps.jobs.enqueue({ ...pollCloseJob(pollId), data: { pollId }, delayMs: Math.max(0, plan.row.closesAt.getTime() - this.now()) })
    }
    const record = await this.post(pollId)
    await screening?.committed({ kind: 'message', id: record.messageId })
    return { poll: await this.view(record, userId), message: await this.deps.messages.acknowledged(userId, record.messageId) }
  }

  /**
   * Commits the poll's message (or finds it committed: the message nonce is `poll.<id>`)
   * and records its place, with `poll.created`. A poll whose process died between its
   * row and its message is finished by the next create with the same nonce, or by
   * `completePending`.
   */
  private async post(pollId: string): Promise<PollRecord> {
    const [row] = await this.deps.db.select().from(polls).where(eq(polls.id, pollId))
    if (!row) throw notFound('poll')
    if (!row.messageId) {
      const posted = await this.deps.messages.post({
        kind: 'poll',
        pollId,
        roomId: row.roomId,
        authorId: row.authorId!,
        nonce: postedNonce(pollId),
        body: row.question,
      })
      await this.deps.events.transaction({ actorId: row.authorId }, async (tx, emit) => {
        const attached = await tx
          .update(polls)
          .set({ messageId: posted.messageId, seq: posted.seq })
          .where(and(eq(polls.id, pollId), isNull(polls.messageId)))
          .returning({ id: polls.id })
        // Attached by a concurrent retry already: that one recorded the event.
        if (attached.length === 0) return
        const place = await this.deps.permissions.placement(row.roomId)
        emit({
          type: 'poll.created',
          roomId: row.roomId,
          ...(place?.communityId ? { communityId: place.communityId } : {}),
          data: { pollId, roomId: row.roomId, messageId: posted.messageId, seq: posted.seq },
        })
      })
    }
    this.records.delete(pollId)
    const record = await this.record(pollId)
    // Its message was deleted meanwhile: the poll is hidden with it.
    if (!record) throw notFound('poll')
    return record
  }

  /** Posts the messages of polls left pending (their creator's process died) longer than `olderThanMs`. */
  async completePending(olderThanMs = 60_000): Promise<number> {
    const rows = await this.deps.db
      .select({ id: polls.id })
      .from(polls)
      .where(and(isNull(polls.messageId), lt(polls.createdAt, new Date(this.now() - olderThanMs))))
      .limit(100)
    let done = 0
    for (const { id } of rows) {
      try {
        await this.post(id)
        done++
      } catch (err) {
        this.deps.log.warn('could not post a pending poll', { pollId: id, error: err })
      }
    }
    return done
  }

  async get(input: { userId: string; pollId: string }): Promise<PollView> {
    const record = await this.visible(input.userId, input.pollId)
    return this.view(record, input.userId)
  }

  async vote(input: { userId: string; pollId: string; choices: string[] }): Promise<PollView> {
    const { userId, pollId } = input
    const record = await this.visible(userId, pollId)
    await this.requireNotTimedOut(userId, record.roomId)
    const choices = this.checkChoices(record, input.choices)
    if (record.closesAt && record.closesAt.getTime() <= this.now()) throw new AppError('poll_closed', 'this poll is closed')
    const cast = await this.box.cast(record, userId, choices)
    if (cast.changed) this.live.changed(record, cast.state)
    this.live.toVoter(record, cast.state, userId, cast.choices)
    return toPollView(record, cast.state, cast.choices, this.now())
  }

  /** Its author, or anyone with manage_messages in the room. Closing a closed poll changes nothing. */
  async close(input: { userId: string; pollId: string }): Promise<PollView> {
    const { userId, pollId } = input
    const record = await this.record(pollId)
    if (!record) throw notFound('poll')
    const { bits } = await this.deps.permissions.requireRoom(userId, record.roomId)
    if (record.authorId !== userId) requireBit(bits, 'manage_messages')
    const closed = await closePoll(this.deps.events, { pollId, actorId: userId, reason: 'manual' })
    const view = await this.view(record, userId)
    if (closed) await this.pushNow(record)
    return view
  }

  /**
   * A close committed elsewhere (a worker thread's timed close, a deleted message), heard
   * once across the cluster: the room gets the final state of a poll closed by time; a
   * hidden poll is forgotten here.
   */
  async closedElsewhere(event: DomainEvent<'poll.closed'>): Promise<void> {
    const { pollId, reason } = event.data
    if (reason === 'deleted') {
      this.records.delete(pollId)
      this.definitionCache.delete(pollId)
      this.live.forget(pollId)
      return
    }
    if (reason !== 'time') return
    const record = await this.record(pollId)
    if (record) await this.pushNow(record)
  }

  /** Public polls only, and only once the caller may see the counts (the list would tell them). */
  async voters(input: { userId: string; pollId: string; optionId?: string; cursor?: string; limit?: number }) {
    const record = await this.visible(input.userId, input.pollId)
    if (record.anonymous) throw forbidden('the voters of an anonymous poll are secret')
    const current = await loadState(this.deps.db, record.id, input.userId)
    if (!current || current.state.deletedAt) throw notFound('poll')
    const closed = closedAt(record, current.state, this.now()) !== null
    if (!countsVisible(record.resultsVisibility, { voted: current.mine.length > 0, closed })) {
      throw forbidden('the voters are shown once the results are')
    }
    if (input.optionId && !record.options.some((o) => o.id === input.optionId)) {
      throw new AppError('validation_failed', 'option is not one of this poll')
    }
    if (input.cursor !== undefined && !isUuid(input.cursor)) throw badCursor()
    const limit = input.limit ?? 50
    const page = await voterPage(this.deps.db, { pollId: record.id, optionId: input.optionId, after: input.cursor, limit })
    return {
      voters: page.map((v) => ({ userId: v.userId, choices: v.optionIds, votedAt: v.votedAt.toISOString() })),
      nextCursor: page.length === limit ? page[page.length - 1]!.userId : null,
    }
  }

  /** The definitions the message views of these polls carry (the same for every reader; they never change). */
  async definitions(pollIds: string[]): Promise<Map<string, PollDefinition>> {
    const found = new Map<string, PollDefinition>()
    const missing = pollIds.filter((id) => !this.definitionCache.has(id))
    if (missing.length) {
      for (const [id, definition] of await loadDefinitions(this.deps.db, missing)) {
        if (this.definitionCache.size >= CACHED_POLLS) this.definitionCache.clear()
        this.definitionCache.set(id, definition)
      }
    }
    for (const id of pollIds) {
      const definition = this.definitionCache.get(id)
      if (definition) found.set(id, definition)
    }
    return found
  }

  stop() {
    this.live.stop()
  }

  private async pushNow(record: PollRecord) {
    const current = await loadState(this.deps.db, record.id)
    if (current && !current.state.deletedAt) this.live.immediate(record, current.state)
  }

  private async view(record: PollRecord, userId: string): Promise<PollView> {
    const current = await loadState(this.deps.db, record.id, userId)
    if (!current || current.state.deletedAt) throw notFound('poll')
    return toPollView(record, current.state, current.mine.sort(), this.now())
  }

  /** The poll, if the user can view its room (else 404: a private poll's existence is not told). */
  private async visible(userId: string, pollId: string): Promise<PollRecord> {
    const record = await this.record(pollId)
    if (!record) throw notFound('poll')
    if (!has(await this.deps.permissions.inRoom(userId, record.roomId), Perm.view)) throw notFound('poll')
    return record
  }

  private async record(pollId: string): Promise<PollRecord | undefined> {
    const cached = this.records.get(pollId)
    if (cached) return cached
    const record = (await loadRecords(this.deps.db, [pollId])).get(pollId)
    if (record) this.remember(record)
    return record
  }

  private remember(record: PollRecord) {
    if (this.records.size >= CACHED_POLLS) this.records.clear()
    this.records.set(record.id, record)
  }

  /** A member in time-out keeps only `view`: they may read a poll but not vote. */
  private async requireNotTimedOut(userId: string, roomId: string) {
    const place = await this.deps.permissions.placement(roomId)
    if (!place?.communityId) return
    const { member } = await this.deps.permissions.context(place.communityId, userId)
    if (member.timeoutUntil !== null && member.timeoutUntil > this.now()) {
      throw new AppError('timed_out', 'you are timed out in this community and cannot vote', {
        details: { timeoutUntil: new Date(member.timeoutUntil).toISOString() },
      })
    }
  }

  private checkChoices(record: PollRecord, choices: string[]): string[] {
    const distinct = [...new Set(choices)].sort()
    if (distinct.length !== choices.length) throw new AppError('validation_failed', 'an option is chosen twice')
    const known = new Set(record.options.map((o) => o.id))
    const unknown = distinct.find((id) => !known.has(id))
    if (unknown) throw new AppError('validation_failed', `option ${unknown} is not one of this poll`, { details: { optionId: unknown } })
    if (distinct.length > record.maxChoices) {
      throw new AppError('validation_failed', `choose at most ${record.maxChoices} option${record.maxChoices === 1 ? '' : 's'}`)
    }
    if (distinct.length === 0 && (!record.allowChange || record.quizCorrectOptionId)) {
      throw new AppError('validation_failed', 'this poll does not allow taking a vote back')
    }
    return distinct
  }

  private async findByNonce(roomId: string, authorId: string, nonce: string): Promise<string | undefined> {
    const [row] = await this.deps.db
      .select({ id: polls.id })
      .from(polls)
      .where(and(eq(polls.roomId, roomId), eq(polls.authorId, authorId), eq(polls.nonce, nonce)))
    return row?.id
  }
}

// Who may see what of a poll, pure: a poll, its state and a reader in, a view out. Every
// view (REST answers, room pushes, a voter's own pushes) is built here, so the rules are
// written once.
import type { ResultsVisibility } from '../../db/schema'
import type { PollDefinition, PollRoomState, PollView } from './model'

/** What never changes after a poll is created (and is posted with its message). */
export interface PollRecord {
  id: string
  roomId: string
  authorId: string | null
  messageId: string
  seq: number
  question: string
  options: { id: string; text: string }[]
  multiple: boolean
  maxChoices: number
  anonymous: boolean
  resultsVisibility: ResultsVisibility
  allowChange: boolean
  quizCorrectOptionId: string | null
  quizExplanation: string | null
  closesAt: Date | null
  createdAt: Date
}

/** The state of a poll at one committed version. */
export interface PollState {
  version: number
  voterCount: number
  /** Votes per option id. */
  counts: Record<string, number>
  closedAt: Date | null
  deletedAt: Date | null
}

export const isQuiz = (poll: PollRecord) => poll.quizCorrectOptionId !== null

/** Closed by hand, by its job, or simply past `closesAt` (a late job changes nothing). */
export function closedAt(poll: PollRecord, state: PollState, now: number): Date | null {
  if (state.closedAt) return state.closedAt
  if (poll.closesAt && poll.closesAt.getTime() <= now) return poll.closesAt
  return null
}

export function countsVisible(rule: ResultsVisibility, reader: { voted: boolean; closed: boolean }): boolean {
  if (rule === 'always' || reader.closed) return true
  return rule === 'after_vote' && reader.voted
}

/** The correct answer of a quiz shows once the reader answered or the quiz closed. */
export const quizRevealed = (poll: PollRecord, reader: { voted: boolean; closed: boolean }) =>
  isQuiz(poll) && (reader.voted || reader.closed)

export function toDefinition(poll: PollRecord): PollDefinition {
  return {
    id: poll.id,
    roomId: poll.roomId,
    authorId: poll.authorId,
    question: poll.question,
    options: poll.options.map((o) => ({ id: o.id, text: o.text })),
    multiple: poll.multiple,
    maxChoices: poll.maxChoices,
    anonymous: poll.anonymous,
    resultsVisibility: poll.resultsVisibility,
    allowChange: poll.allowChange,
    quiz: isQuiz(poll),
    closesAt: poll.closesAt?.toISOString() ?? null,
  }
}

/** The poll as one reader sees it; `myChoices` are the reader's own (empty: not voted). */
export function toPollView(poll: PollRecord, state: PollState, myChoices: string[], now: number): PollView {
  const closed = closedAt(poll, state, now)
  const reader = { voted: myChoices.length > 0, closed: closed !== null }
  const visible = countsVisible(poll.resultsVisibility, reader)
  const view: PollView = {
    ...toDefinition(poll),
    messageId: poll.messageId,
    seq: poll.seq,
    options: poll.options.map((o) => (visible ? { id: o.id, text: o.text, votes: state.counts[o.id] ?? 0 } : { id: o.id, text: o.text })),
    countsVisible: visible,
    myChoices,
    closed: reader.closed,
    closedAt: closed?.toISOString() ?? null,
    createdAt: poll.createdAt.toISOString(),
  }
  if (visible) {
    view.voters = state.voterCount
    view.version = state.version
  }
  if (quizRevealed(poll, reader)) {
    view.correctOption = poll.quizCorrectOptionId!
    view.explanation = poll.quizExplanation
  }
  return view
}

/** Whether what every reader of the room may see includes the counts (else the room hears nothing while it is open). */
export const roomSeesCounts = (poll: PollRecord, state: PollState, now: number) =>
  countsVisible(poll.resultsVisibility, { voted: false, closed: closedAt(poll, state, now) !== null })

/** What every reader of the room may see: the view of someone who has not voted. */
export function toRoomState(poll: PollRecord, state: PollState, now: number): PollRoomState {
  const view = toPollView(poll, state, [], now)
  const room: PollRoomState = {
    audience: 'room',
    id: poll.id,
    roomId: poll.roomId,
    messageId: poll.messageId,
    version: state.version,
    closed: view.closed,
    closedAt: view.closedAt,
    closesAt: view.closesAt,
    countsVisible: view.countsVisible,
    options: view.options.map((o) => (o.votes === undefined ? { id: o.id } : { id: o.id, votes: o.votes })),
  }
  if (view.voters !== undefined) room.voters = view.voters
  if (view.correctOption !== undefined) {
    room.correctOption = view.correctOption
    room.explanation = view.explanation
  }
  return room
}

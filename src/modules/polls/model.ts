import { t, type Static } from 'elysia'
import { Id } from '../../lib/model'
import { MessageT } from '../messages/model'
import { PollDefinitionT, PollSettings, ResultsVisibilityT } from './definition'

export { PollDefinitionT, ResultsVisibilityT, type PollDefinition } from './definition'

/** The hard ceilings of the schema; POLL_MAX_OPTIONS narrows the number of options below 20. */
export const POLL_LIMITS = { question: 300, option: 100, options: 20, explanation: 500 } as const

export const CreatePollBody = t.Object({
  question: t.String({ minLength: 1, maxLength: POLL_LIMITS.question }),
  options: t.Array(t.String({ minLength: 1, maxLength: POLL_LIMITS.option }), { minItems: 2, maxItems: POLL_LIMITS.options }),
  multiple: t.Optional(t.Boolean()),
  /** With `multiple`: how many options one voter may choose (default: all). */
  maxChoices: t.Optional(t.Integer({ minimum: 1, maximum: POLL_LIMITS.options })),
  anonymous: t.Optional(t.Boolean()),
  resultsVisibility: t.Optional(ResultsVisibilityT),
  /** Voters may change or take back their vote (default true; never in a quiz). */
  allowChange: t.Optional(t.Boolean()),
  quiz: t.Optional(
    t.Object({
      /** Index in `options` of the one correct answer. */
      correctOption: t.Integer({ minimum: 0, maximum: POLL_LIMITS.options - 1 }),
      explanation: t.Optional(t.String({ minLength: 1, maxLength: POLL_LIMITS.explanation })),
    }),
  ),
  closesAt: t.Optional(t.String({ format: 'date-time', maxLength: 40 })),
  /** A retry key: the same nonce again (same room, same author) returns the same poll. */
  nonce: t.Optional(t.String({ minLength: 1, maxLength: 64 })),
})
export type CreatePollInput = Static<typeof CreatePollBody>

export const VoteBody = t.Object({
  /** Option ids; empty takes the vote back (where the poll allows changes). */
  choices: t.Array(Id, { maxItems: POLL_LIMITS.options }),
})

export const VotersQuery = t.Object({
  option: t.Optional(Id),
  cursor: t.Optional(t.String({ maxLength: 200 })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, description: 'page size; default 50' })),
})

/** A poll as one reader may see it. Counts (`votes`, `voters`) only where the visibility rule allows. */
export const PollT = t.Object({
  ...PollSettings,
  messageId: t.String(),
  seq: t.Number(),
  options: t.Array(t.Object({ id: t.String(), text: t.String(), votes: t.Optional(t.Number()) })),
  /** How many people voted, where counts are visible. */
  voters: t.Optional(t.Number()),
  countsVisible: t.Boolean(),
  myChoices: t.Array(t.String()),
  closed: t.Boolean(),
  closedAt: t.Nullable(t.String()),
  correctOption: t.Optional(t.String()),
  explanation: t.Optional(t.Nullable(t.String())),
  /**
   * Grows with every committed change of the poll's counts or status; a client keeps the
   * newest state it has seen. Only given with the counts (it would tell how busy a poll
   * whose counts are hidden is).
   */
  version: t.Optional(t.Number()),
  createdAt: t.String(),
})
export type PollView = Static<typeof PollT>

/** The poll and its message (of kind `poll`, carrying the poll's definition). */
export const CreatedPollT = t.Object({ poll: PollT, message: MessageT })

export const VotersT = t.Object({
  voters: t.Array(t.Object({ userId: t.String(), choices: t.Array(t.String()), votedAt: t.String() })),
  nextCursor: t.Nullable(t.String()),
})

/**
 * `poll.updated` to the room: what every reader of the room may see. A poll whose counts
 * are hidden from non-voters is not pushed to the room while it is open (each push would
 * tell that someone voted), only when it closes; a voter of an `after_vote` poll gets
 * the counts in the vote answer and as `poll.updated` with `audience: "you"` on their own
 * channel.
 */
export interface PollRoomState {
  audience: 'room'
  id: string
  roomId: string
  messageId: string
  version: number
  closed: boolean
  closedAt: string | null
  closesAt: string | null
  countsVisible: boolean
  voters?: number
  options: { id: string; votes?: number }[]
  correctOption?: string
  explanation?: string | null
}

export type PollUserState = PollView & { audience: 'you' }

declare module '../../domain-events/types' {
  interface DomainEventMap {
    /** A poll's message committed: the poll is in its room's history (its settings are at `GET /v1/polls/:id`). */
    'poll.created': { pollId: string; roomId: string; messageId: string; seq: number }
    /** Closed by its author or a moderator (`manual`), at `closesAt` (`time`), or with its message (`deleted`: hidden too). */
    'poll.closed': { pollId: string; roomId: string; reason: 'manual' | 'time' | 'deleted'; closedAt: string }
  }
}

import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { communities, groups, rooms } from './communities'
import { users } from './users'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const resultsVisibilities = ['always', 'after_vote', 'after_close'] as const
export type ResultsVisibility = (typeof resultsVisibilities)[number]

/**
 * A poll in a room. The row is written first, then its message (kind `poll`) is committed
 * in the room's seq order and `message_id`/`seq` recorded here; until then the poll is
 * pending and nobody sees it. `voter_count` (and each option's `votes`) are kept by
 * statement-level triggers on `poll_ballots`, so they always equal the stored ballots.
 */
export const polls = pgTable(
  'polls',
  {
    id: uuid('id').primaryKey(),
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** The creator's retry key: (room, author, nonce) makes one poll. */
    nonce: text('nonce').notNull(),
    messageId: uuid('message_id'),
    seq: bigint('seq', { mode: 'number' }),
    question: text('question').notNull(),
    multiple: boolean('multiple').notNull().default(false),
    maxChoices: integer('max_choices').notNull().default(1),
    anonymous: boolean('anonymous').notNull().default(false),
    resultsVisibility: text('results_visibility').$type<ResultsVisibility>().notNull().default('always'),
    allowChange: boolean('allow_change').notNull().default(true),
    quizCorrectOptionId: uuid('quiz_correct_option_id'),
    quizExplanation: text('quiz_explanation'),
    closesAt: at('closes_at'),
    closedAt: at('closed_at'),
    /** The message was deleted: the poll is closed and hidden. */
    deletedAt: at('deleted_at'),
    voterCount: integer('voter_count').notNull().default(0),
    /** Grows with every committed change of the poll's state; orders `poll.updated` events. */
    version: bigint('version', { mode: 'number' }).notNull().default(0),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('polls_room_author_nonce_key').on(t.roomId, t.authorId, t.nonce),
    uniqueIndex('polls_message_key').on(t.messageId),
    index('polls_pending_idx').on(t.createdAt).where(sql`${t.messageId} is null`),
    check('polls_results_visibility_check', sql`${t.resultsVisibility} in ('always', 'after_vote', 'after_close')`),
    check('polls_voter_count_check', sql`${t.voterCount} >= 0`),
    check('polls_max_choices_check', sql`${t.maxChoices} >= 1`),
  ],
)

export const pollOptions = pgTable(
  'poll_options',
  {
    id: uuid('id').primaryKey(),
    pollId: uuid('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    votes: integer('votes').notNull().default(0),
  },
  (t) => [uniqueIndex('poll_options_poll_position_key').on(t.pollId, t.position), check('poll_options_votes_check', sql`${t.votes} >= 0`)],
)

/** One row per voter: the set of options they chose (a set, so each is counted once). */
export const pollBallots = pgTable(
  'poll_ballots',
  {
    pollId: uuid('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    optionIds: uuid('option_ids').array().notNull(),
    votedAt: at('voted_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.userId] }), check('poll_ballots_not_empty', sql`cardinality(${t.optionIds}) > 0`)],
)

export const surveyQuestionKinds = ['single', 'multiple', 'text', 'scale', 'date'] as const
export type SurveyQuestionKind = (typeof surveyQuestionKinds)[number]

export interface SurveyQuestion {
  id: string
  kind: SurveyQuestionKind
  prompt: string
  required: boolean
  options?: { id: string; text: string }[]
  min?: number
  max?: number
  maxLength?: number
}

/** Answers by question id: an option id, option ids, a text, a number or a `YYYY-MM-DD` date. */
export type SurveyAnswers = Record<string, string | string[] | number>

/** A survey of a community (or of one group's members). Its questions never change. */
export const surveys = pgTable(
  'surveys',
  {
    id: uuid('id').primaryKey(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** The creator's retry key: (community, author, nonce) makes one survey. */
    nonce: text('nonce').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    questions: jsonb('questions').$type<SurveyQuestion[]>().notNull(),
    anonymous: boolean('anonymous').notNull().default(false),
    resultsForRespondents: boolean('results_for_respondents').notNull().default(false),
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'set null' }),
    messageId: uuid('message_id'),
    closesAt: at('closes_at'),
    closedAt: at('closed_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('surveys_community_idx').on(t.communityId, t.createdAt),
    uniqueIndex('surveys_community_author_nonce_key').on(t.communityId, t.authorId, t.nonce),
  ],
)

export const surveyResponses = pgTable(
  'survey_responses',
  {
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    answers: jsonb('answers').$type<SurveyAnswers>().notNull(),
    submittedAt: at('submitted_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.userId] })],
)

export type PollRow = typeof polls.$inferSelect
export type PollOptionRow = typeof pollOptions.$inferSelect
export type SurveyRow = typeof surveys.$inferSelect
export type SurveyResponseRow = typeof surveyResponses.$inferSelect

import { t, type Static } from 'elysia'
import { Id } from '../../lib/model'

export const SURVEY_LIMITS = {
  title: 200,
  description: 2000,
  questions: 50,
  prompt: 500,
  options: 20,
  option: 200,
  /** Longest text answer a question may allow; `maxLength` defaults to 1000. */
  text: 4000,
  defaultTextLength: 1000,
  /** A scale spans at most this many steps. */
  scaleSteps: 100,
} as const

export const QUESTION_ID_PATTERN = '^[A-Za-z0-9_-]{1,40}$'

export const QuestionKindT = t.Union([t.Literal('single'), t.Literal('multiple'), t.Literal('text'), t.Literal('scale'), t.Literal('date')])

export const QuestionInputT = t.Object({
  id: t.String({ pattern: QUESTION_ID_PATTERN }),
  kind: QuestionKindT,
  prompt: t.String({ minLength: 1, maxLength: SURVEY_LIMITS.prompt }),
  required: t.Optional(t.Boolean()),
  /** single and multiple: the choices, answered by the ids the survey gives them. */
  options: t.Optional(t.Array(t.String({ minLength: 1, maxLength: SURVEY_LIMITS.option }), { minItems: 2, maxItems: SURVEY_LIMITS.options })),
  /** scale: whole numbers min..max. */
  min: t.Optional(t.Integer({ minimum: -1000, maximum: 1000 })),
  max: t.Optional(t.Integer({ minimum: -1000, maximum: 1000 })),
  /** text: the longest answer. */
  maxLength: t.Optional(t.Integer({ minimum: 1, maximum: SURVEY_LIMITS.text })),
})
export type QuestionInput = Static<typeof QuestionInputT>

export const CreateSurveyBody = t.Object({
  title: t.String({ minLength: 1, maxLength: SURVEY_LIMITS.title }),
  description: t.Optional(t.String({ maxLength: SURVEY_LIMITS.description })),
  questions: t.Array(QuestionInputT, { minItems: 1, maxItems: SURVEY_LIMITS.questions }),
  /** The survey of one group's members (they must be able to view the group); default: the whole community. */
  groupId: t.Optional(Id),
  /** Announce the survey in this room, as a message of kind `survey`. */
  roomId: t.Optional(Id),
  anonymous: t.Optional(t.Boolean()),
  /** Respondents may see the results too (managers always can). */
  resultsForRespondents: t.Optional(t.Boolean()),
  closesAt: t.Optional(t.String({ format: 'date-time', maxLength: 40 })),
  /** A retry key: the same nonce again (same community, same author) returns the same survey. */
  nonce: t.Optional(t.String({ minLength: 1, maxLength: 64 })),
})
export type CreateSurveyInput = Static<typeof CreateSurveyBody>

export const AnswerT = t.Union([
  t.String({ maxLength: SURVEY_LIMITS.text }),
  t.Number(),
  t.Array(t.String({ maxLength: 64 }), { maxItems: SURVEY_LIMITS.options }),
])

export const ResponseBody = t.Object({
  /** By question id: single an option id, multiple option ids, text a string, scale a number, date `YYYY-MM-DD`. */
  answers: t.Record(t.String(), AnswerT, { maxProperties: SURVEY_LIMITS.questions }),
})

const QuestionT = t.Object({
  id: t.String(),
  kind: QuestionKindT,
  prompt: t.String(),
  required: t.Boolean(),
  options: t.Optional(t.Array(t.Object({ id: t.String(), text: t.String() }))),
  min: t.Optional(t.Number()),
  max: t.Optional(t.Number()),
  maxLength: t.Optional(t.Number()),
})

export const MyResponseT = t.Object({
  answers: t.Record(t.String(), AnswerT),
  submittedAt: t.String(),
  updatedAt: t.String(),
})

export const SurveyT = t.Object({
  id: t.String(),
  communityId: t.String(),
  groupId: t.Nullable(t.String()),
  authorId: t.Nullable(t.String()),
  title: t.String(),
  description: t.Nullable(t.String()),
  questions: t.Array(QuestionT),
  anonymous: t.Boolean(),
  resultsForRespondents: t.Boolean(),
  roomId: t.Nullable(t.String()),
  messageId: t.Nullable(t.String()),
  closesAt: t.Nullable(t.String()),
  closed: t.Boolean(),
  closedAt: t.Nullable(t.String()),
  createdAt: t.String(),
  /** You may see the results, export the responses and close the survey. */
  canManage: t.Boolean(),
  myResponse: t.Nullable(MyResponseT),
})
export type SurveyView = Static<typeof SurveyT>

export const SurveyResultsT = t.Object({
  respondents: t.Number(),
  questions: t.Array(
    t.Object({
      id: t.String(),
      kind: QuestionKindT,
      /** How many responses answer this question. */
      answers: t.Number(),
      /** single, multiple: by option id; date: by date. */
      counts: t.Optional(t.Record(t.String(), t.Number())),
      /** scale: the mean answer (null with no answers) and how many gave each value. */
      mean: t.Optional(t.Nullable(t.Number())),
      distribution: t.Optional(t.Record(t.String(), t.Number())),
    }),
  ),
})
export type SurveyResults = Static<typeof SurveyResultsT>

export const SurveyList = t.Object({ surveys: t.Array(SurveyT) })

declare module '../../domain-events/types' {
  interface DomainEventMap {
    'survey.created': { surveyId: string; communityId: string; groupId: string | null; title: string }
    /** Closed by a manager or at `closesAt`. */
    'survey.closed': { surveyId: string; communityId: string; closedAt: string }
  }
}

// What a poll's message carries: apart from the rest of the poll's model, since the
// message view (src/modules/messages/model.ts) embeds it and polls build on messages.
import { t, type Static } from 'elysia'

export const ResultsVisibilityT = t.Union([t.Literal('always'), t.Literal('after_vote'), t.Literal('after_close')])

export const PollSettings = {
  id: t.String(),
  roomId: t.String(),
  authorId: t.Nullable(t.String()),
  question: t.String(),
  multiple: t.Boolean(),
  maxChoices: t.Number(),
  anonymous: t.Boolean(),
  resultsVisibility: ResultsVisibilityT,
  allowChange: t.Boolean(),
  /** A quiz: one option is correct; it is shown (with the explanation) once you voted or the poll closed. */
  quiz: t.Boolean(),
  closesAt: t.Nullable(t.String()),
}

/**
 * What a poll's message carries, the same for every reader (it never changes after the
 * poll is created): no counts, no correct answer.
 */
export const PollDefinitionT = t.Object({ ...PollSettings, options: t.Array(t.Object({ id: t.String(), text: t.String() })) })
export type PollDefinition = Static<typeof PollDefinitionT>


import { Elysia, t } from 'elysia'
import type { DomainEvents } from '../../domain-events/bus'
import { defineFeature } from '../../feature'
import type { JobRunner } from '../../jobs/runner'
import { IdParams } from '../../lib/model'
import type { SignedIn } from '../auth/guard'
import type { MessageService } from '../messages/service'
import { CreateSurveyBody, ResponseBody, SurveyList, SurveyResultsT, SurveyT } from './model'
import { surveyProcessors } from './processors'
import { SurveyService, type SurveysDeps } from './service'

export type SurveysFeatureDeps = SurveysDeps & { signedIn: SignedIn; messages: MessageService; events: DomainEvents; jobs: JobRunner }

/** Announces the surveys whose process died before announcing them (a job of the `api` queue: it needs the room actors). */
const COMPLETE_PENDING = 'surveys.complete-pending'
const COMPLETE_PENDING_EVERY_MS = 60_000

/**
 * Surveys of a community or a group: typed questions, one replaceable response per
 * member, results per question for its managers, a CSV export; optionally announced in a
 * room as a message of kind `survey`; closed by hand or by a delayed job at `closesAt`.
 */
export const surveysFeature = defineFeature<SurveysFeatureDeps, { surveys: SurveyService }>({
  name: 'surveys',
  processors: surveyProcessors,
  build: (deps) => {
    const surveys = new SurveyService(deps)
    return {
      routes: surveysRoutes({ surveys, signedIn: deps.signedIn }),
      apiJobs: { [COMPLETE_PENDING]: async () => ({ announced: await surveys.completePending() }) },
      api: { surveys },
      async start() {
        await deps.jobs.queues.api.upsertJobScheduler(COMPLETE_PENDING, { every: COMPLETE_PENDING_EVERY_MS }, { name: COMPLETE_PENDING, data: {} })
      },
    }
  },
})

const surveysRoutes = (deps: { surveys: SurveyService; signedIn: SignedIn }) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['surveys'], security: [{ bearer: [] }] } })
    .use(deps.signedIn())
    .post(
      '/communities/:id/surveys',
      async ({ user, params, body, status }) => status(201, await deps.surveys.create({ userId: user.id, communityId: params.id, body })),
      {
        params: IdParams,
        body: CreateSurveyBody,
        response: { 201: SurveyT },
        detail: { summary: 'Create a survey of the community or of a group (create_polls there); optionally announced in a room' },
      },
    )
    .get('/communities/:id/surveys', async ({ user, params }) => ({ surveys: await deps.surveys.list({ userId: user.id, communityId: params.id }) }), {
      params: IdParams,
      response: { 200: SurveyList },
      detail: { summary: 'The newest surveys of the community you can see (at most 100)' },
    })
    .get('/surveys/:id', ({ user, params }) => deps.surveys.get({ userId: user.id, surveyId: params.id }), {
      params: IdParams,
      response: { 200: SurveyT },
      detail: { summary: 'A survey with your response (myResponse)' },
    })
    .put(
      '/surveys/:id/response',
      ({ user, params, body }) => deps.surveys.respond({ userId: user.id, surveyId: params.id, answers: body.answers }),
      {
        params: IdParams,
        body: ResponseBody,
        response: { 200: SurveyT },
        detail: { summary: 'Answer a survey (replaces your earlier response until it closes); 422 invalid_answer names the question' },
      },
    )
    .post('/surveys/:id/close', ({ user, params }) => deps.surveys.close({ userId: user.id, surveyId: params.id }), {
      params: IdParams,
      response: { 200: SurveyT },
      detail: { summary: 'Close a survey (its managers)' },
    })
    .get('/surveys/:id/results', ({ user, params }) => deps.surveys.results({ userId: user.id, surveyId: params.id }), {
      params: IdParams,
      response: { 200: SurveyResultsT },
      detail: { summary: 'Results per question: counts, scale mean and distribution (managers; respondents if the survey says so)' },
    })
    .get(
      '/surveys/:id/responses.csv',
      async ({ user, params }) => {
        const { filename, csv } = await deps.surveys.responsesCsv({ userId: user.id, surveyId: params.id })
        return new Response(csv, {
          headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` },
        })
      },
      {
        params: IdParams,
        response: { 200: t.String({ description: 'text/csv (RFC 4180), one row per response' }) },
        detail: { summary: 'Every response as RFC 4180 CSV (managers only; anonymous surveys export no user ids)' },
      },
    )

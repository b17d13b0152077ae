import { Elysia, t } from 'elysia'
import type { authGuard } from '../auth/guard'
import { IdParams } from '../rooms/model'
import { CreateSurveyBody, ResponseBody, SurveyResultsT, SurveyT } from './model'
import type { SurveyService } from './service'

export interface SurveysRoutesDeps {
  surveys: SurveyService
  /** The auth guard plugin (resolves `user`; 401 without a valid token). */
  signedIn: () => ReturnType<typeof authGuard>
}

export const surveysRoutes = (deps: SurveysRoutesDeps) =>
  new Elysia({ prefix: '/v1', name: 'surveys', detail: { tags: ['surveys'], security: [{ bearer: [] }] } })
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
      response: { 200: t.Object({ surveys: t.Array(SurveyT) }) },
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
        detail: { summary: 'Every response as RFC 4180 CSV (managers only; anonymous surveys export no user ids)' },
      },
    )

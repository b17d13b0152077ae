import { Elysia } from 'elysia'
import type { authGuard } from '../auth/guard'
import { IdParams } from '../rooms/model'
import { CreatedPollT, CreatePollBody, PollT, VoteBody, VotersQuery, VotersT } from './model'
import type { PollService } from './service'

export interface PollsRoutesDeps {
  polls: PollService
  /** The auth guard plugin (resolves `user`; 401 without a valid token). */
  signedIn: () => ReturnType<typeof authGuard>
}

export const pollsRoutes = (deps: PollsRoutesDeps) =>
  new Elysia({ prefix: '/v1', name: 'polls', detail: { tags: ['polls'], security: [{ bearer: [] }] } })
    .use(deps.signedIn())
    .post('/rooms/:id/polls', async ({ user, params, body, status }) => status(201, await deps.polls.create({ userId: user.id, roomId: params.id, body })), {
      params: IdParams,
      body: CreatePollBody,
      response: { 201: CreatedPollT },
      detail: { summary: 'Create a poll: a message of kind poll in the room (create_polls)' },
    })
    .get('/polls/:id', ({ user, params }) => deps.polls.get({ userId: user.id, pollId: params.id }), {
      params: IdParams,
      response: { 200: PollT },
      detail: { summary: 'A poll as you may see it: counts only where its results visibility allows' },
    })
    .put('/polls/:id/vote', ({ user, params, body }) => deps.polls.vote({ userId: user.id, pollId: params.id, choices: body.choices }), {
      params: IdParams,
      body: VoteBody,
      response: { 200: PollT },
      detail: { summary: 'Vote (the same choices again change nothing); empty choices take the vote back where allowed' },
    })
    .post('/polls/:id/close', ({ user, params }) => deps.polls.close({ userId: user.id, pollId: params.id }), {
      params: IdParams,
      response: { 200: PollT },
      detail: { summary: 'Close a poll: its author, or manage_messages in its room' },
    })
    .get(
      '/polls/:id/voters',
      ({ user, params, query }) =>
        deps.polls.voters({ userId: user.id, pollId: params.id, optionId: query.option, cursor: query.cursor, limit: query.limit }),
      {
        params: IdParams,
        query: VotersQuery,
        response: { 200: VotersT },
        detail: { summary: 'Who voted (for an option); 403 for anonymous polls, and until you may see the results' },
      },
    )

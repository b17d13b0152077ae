import { Elysia } from 'elysia'
import type { DomainEvents } from '../../domain-events/bus'
import { defineFeature } from '../../feature'
import type { JobRunner } from '../../jobs/runner'
import { IdParams } from '../../lib/model'
import type { SignedIn } from '../auth/guard'
import type { MessageService } from '../messages/service'
import { pollReactions } from './events'
import { CreatedPollT, CreatePollBody, PollT, VoteBody, VotersQuery, VotersT } from './model'
import { pollProcessors } from './processors'
import { PollService, type PollsDeps } from './service'

export type PollsFeatureDeps = PollsDeps & {
  signedIn: SignedIn
  messages: MessageService
  events: DomainEvents
  jobs: JobRunner
}

/** Posts the messages of polls whose process died before posting them (a job of the `api` queue: it needs the room actors). */
const COMPLETE_PENDING = 'polls.complete-pending'
const COMPLETE_PENDING_EVERY_MS = 60_000

/**
 * Polls in rooms: a poll is a message of kind `poll` in its room's seq order (history
 * carries its definition), votes are group-committed with exact counts, `poll.updated`
 * goes live to each reader as the results visibility allows. Closed by hand, by a
 * delayed job in the worker threads at `closesAt`, or with its message (a reaction to
 * `message.deleted`).
 */
export const pollsFeature = defineFeature<PollsFeatureDeps, { polls: PollService }>({
  name: 'polls',
  processors: pollProcessors,
  reactions: pollReactions,
  build: (deps) => {
    const polls = new PollService(deps)
    deps.messages.provide('poll', (ids) => polls.definitions(ids))
    let unsubscribe: (() => void) | undefined
    return {
      routes: pollsRoutes({ polls, signedIn: deps.signedIn }),
      apiJobs: { [COMPLETE_PENDING]: async () => ({ posted: await polls.completePending() }) },
      api: { polls },
      async start() {
        // A close committed in a worker thread reaches the room from the node that relays it.
        unsubscribe = deps.events.onRelayed('poll.closed', (event) => {
          polls.closedElsewhere(event).catch((err) => deps.log.warn('could not push a closed poll', { pollId: event.data.pollId, error: err }))
        })
        await deps.jobs.queues.api.upsertJobScheduler(COMPLETE_PENDING, { every: COMPLETE_PENDING_EVERY_MS }, { name: COMPLETE_PENDING, data: {} })
      },
      async stop() {
        unsubscribe?.()
        polls.stop()
      },
    }
  },
})

const pollsRoutes = (deps: { polls: PollService; signedIn: SignedIn }) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['polls'], security: [{ bearer: [] }] } })
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

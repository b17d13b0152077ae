import { Elysia, t } from 'elysia'
import type { DeadLetterReplayRow } from '../../db/schema'
import { AppError } from '../../lib/errors'
import { IdParams, NoContent } from '../../lib/model'
import type { JobRunner } from '../../jobs/runner'
import type { AuthService } from '../auth/service'
import { platformAdminGuard } from './guard'
import { DeadLetter, DeadLetterPage, DeadLetterReplay, ListQuery, ReplayManyBody, toDeadLetterView, toReplayView } from './model'

/** Dead letters: list, replay (one or many), discard. Platform admins only. */
export const deadLettersRoutes = (auth: AuthService, jobs: JobRunner) => {
  const store = jobs.deadLetters
  const enqueue = (job: Parameters<JobRunner['enqueue']>[0]) => jobs.enqueue(job)
  return new Elysia({ prefix: '/v1/admin/dead-letters', detail: { tags: ['admin'], security: [{ bearer: [] }] } })
    .use(platformAdminGuard(auth))
    .get(
      '',
      async ({ query }) => {
        const page = await store.list({ queue: query.queue, status: query.status, cursor: query.cursor, limit: query.limit ?? 50 })
        return { deadLetters: page.deadLetters.map(toDeadLetterView), nextCursor: page.nextCursor, stats: await store.stats() }
      },
      {
        query: ListQuery,
        response: { 200: DeadLetterPage },
        detail: { summary: 'Dead letters, newest first, with the recovery rate' },
      },
    )
    .get(
      '/:id',
      async ({ params }) => {
        const letter = await store.get(params.id)
        return { ...toDeadLetterView(letter), replays: letter.replays.map(toReplayView) }
      },
      {
        params: IdParams,
        response: { 200: t.Composite([DeadLetter, t.Object({ replays: t.Array(DeadLetterReplay) })]) },
        detail: { summary: 'One dead letter and its replays' },
      },
    )
    .post(
      '/:id/replay',
      async ({ params, admin, set }) => {
        const replay = await store.replay({ id: params.id, requestedBy: admin.id, enqueue })
        set.status = 202
        return { replay: toReplayView(replay) }
      },
      {
        params: IdParams,
        response: { 202: t.Object({ replay: DeadLetterReplay }) },
        detail: { summary: 'Put a dead job back on its queue; the outcome is recorded on the replay' },
      },
    )
    .post(
      '/replay',
      async ({ body, admin, set }) => {
        const ids = await store.findReplayable({ ids: body.ids, queue: body.queue, limit: body.ids?.length ?? body.limit ?? 100 })
        const replays: DeadLetterReplayRow[] = []
        for (const id of ids) {
          try {
            replays.push(await store.replay({ id, requestedBy: admin.id, enqueue }))
          } catch (err) {
            // Someone else replayed or discarded it meanwhile: skip it.
            if (!(err instanceof AppError && err.code === 'conflict')) throw err
          }
        }
        const replayed = new Set(replays.map((r) => r.deadLetterId))
        set.status = 202
        // Asked-for ids that were not replayed, or, with a filter, matches that someone else claimed first.
        return { replays: replays.map(toReplayView), skipped: (body.ids ?? ids).filter((id) => !replayed.has(id)) }
      },
      {
        body: ReplayManyBody,
        response: { 202: t.Object({ replays: t.Array(DeadLetterReplay), skipped: t.Array(t.String()) }) },
        detail: { summary: 'Replay many: the given ids, or every dead letter matching the filter (up to limit)' },
      },
    )
    .delete(
      '/:id',
      async ({ params, status }) => {
        await store.discard(params.id)
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Discard a dead letter (kept for the record, never replayed)' } },
    )
}

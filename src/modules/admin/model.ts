import { t } from 'elysia'
import type { DeadLetterReplayRow, DeadLetterRow } from '../../db/schema'
import { Id, QueryInt } from '../../lib/model'
import { deadLetterStatuses } from '../../jobs/dead-letters'
import { queueNames } from '../../jobs/queues'

const QueueName = t.Union(queueNames.map((q) => t.Literal(q)))
const Status = t.Union(deadLetterStatuses.map((s) => t.Literal(s)))

export const DeadLetterReplay = t.Object({
  id: t.String(),
  deadLetterId: t.String(),
  jobId: t.String(),
  requestedBy: t.Nullable(t.String()),
  status: t.String({ description: 'pending | succeeded | failed' }),
  error: t.Nullable(t.String()),
  requestedAt: t.String({ format: 'date-time' }),
  finishedAt: t.Nullable(t.String({ format: 'date-time' })),
})

export const toReplayView = (r: DeadLetterReplayRow) => ({
  id: r.id,
  deadLetterId: r.deadLetterId,
  jobId: r.jobId,
  requestedBy: r.requestedBy,
  status: r.status,
  error: r.error,
  requestedAt: r.requestedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
})

export const DeadLetter = t.Object({
  id: t.String(),
  queue: t.String(),
  name: t.String(),
  jobId: t.String(),
  payload: t.Unknown(),
  error: t.String(),
  attempts: t.Integer(),
  status: t.String({ description: 'dead | replaying | recovered | discarded' }),
  firstFailedAt: t.String({ format: 'date-time' }),
  lastFailedAt: t.String({ format: 'date-time' }),
  createdAt: t.String({ format: 'date-time' }),
})

export const toDeadLetterView = (d: DeadLetterRow) => ({
  id: d.id,
  queue: d.queue,
  name: d.name,
  jobId: d.jobId,
  payload: d.payload,
  error: d.error,
  attempts: d.attempts,
  status: d.status,
  firstFailedAt: d.firstFailedAt.toISOString(),
  lastFailedAt: d.lastFailedAt.toISOString(),
  createdAt: d.createdAt.toISOString(),
})

export const DeadLetterStats = t.Object({
  total: t.Integer(),
  byStatus: t.Record(t.String(), t.Integer()),
  recoveryRate: t.Number({ description: 'dead letters recovered by a replay / all dead letters' }),
})

export const DeadLetterPage = t.Object({
  deadLetters: t.Array(DeadLetter),
  nextCursor: t.Nullable(t.String()),
  stats: DeadLetterStats,
})

export const ListQuery = t.Object({
  queue: t.Optional(QueueName),
  status: t.Optional(Status),
  cursor: t.Optional(Id),
  limit: t.Optional(QueryInt('limit', { minimum: 1, maximum: 200, description: 'page size; default 50' })),
})

export const ReplayManyBody = t.Object({
  ids: t.Optional(t.Array(Id, { minItems: 1, maxItems: 500 })),
  queue: t.Optional(QueueName),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 500, default: 100, description: 'most letters replayed by a filter' })),
})


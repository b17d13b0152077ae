import { and, eq } from 'drizzle-orm'
import type { Database } from '../../src/db/client'
import { deadLetters } from '../../src/db/schema'
import type { QueueName } from '../../src/jobs/queues'

/** The dead letter of a job. BullMQ numbers jobs per queue, so a job id alone does not name one. */
export const deadLetterOf = (db: Database, queue: QueueName, jobId: string) =>
  db
    .select()
    .from(deadLetters)
    .where(and(eq(deadLetters.queue, queue), eq(deadLetters.jobId, jobId)))
    .then((r) => r[0])

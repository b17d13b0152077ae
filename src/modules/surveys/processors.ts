import type { JobContext } from '../../jobs/processors'
import type { RecordEvent } from '../polls/ports'
import { closeSurvey, surveyStillOpen } from './store'

// Until the outbox lands (the wiring issue) a job context has no recordEvent: the close
// still happens, its survey.closed event is not recorded.
const notRecorded: RecordEvent = async () => {}

/** Closes a survey at its `closesAt` (job id `survey.close.<surveyId>`); an early run fails and is retried. */
export async function closeSurveyJob(data: { surveyId: string }, ctx: Pick<JobContext, 'db'> & { recordEvent?: RecordEvent }) {
  if (await closeSurvey(ctx.db, ctx.recordEvent ?? notRecorded, { surveyId: data.surveyId, actorId: null, onlyIfDue: true })) {
    return { closed: true }
  }
  if (await surveyStillOpen(ctx.db, data.surveyId)) throw new Error(`survey ${data.surveyId} is not due yet`)
  return { closed: false }
}

export const surveyProcessors = {
  reminders: {
    'surveys.close': (data: { surveyId: string }, ctx: JobContext & { recordEvent?: RecordEvent }) => closeSurveyJob(data, ctx),
  },
}

import type { JobContext } from '../../jobs/processors'
import { eventsFor } from '../polls/processors'
import { closeSurvey, surveyStillOpen } from './store'

/** Closes a survey at its `closesAt` (job id `survey.close.<surveyId>`), with its `survey.closed` event; an early run fails and is retried. */
export async function closeSurveyJob(data: { surveyId: string }, ctx: Pick<JobContext, 'db' | 'log'>) {
  if (await closeSurvey(eventsFor(ctx), { surveyId: data.surveyId, actorId: null, onlyIfDue: true })) return { closed: true }
  if (await surveyStillOpen(ctx.db, data.surveyId)) throw new Error(`survey ${data.surveyId} is not due yet`)
  return { closed: false }
}

export const surveyProcessors = {
  reminders: {
    'surveys.close': (data: { surveyId: string }, ctx: JobContext) => closeSurveyJob(data, ctx),
  },
}

// The polls and surveys close jobs, loaded into the job worker threads by tests until the
// wiring issue adds them to src/jobs/processors.ts.
import { mergeProcessors, type ProcessorTable } from '../../../src/jobs/processors'
import { pollProcessors } from '../../../src/modules/polls/processors'
import { surveyProcessors } from '../../../src/modules/surveys/processors'

export const processors: ProcessorTable = mergeProcessors(pollProcessors, surveyProcessors)

export const pollJobsModule = new URL('./job-processors.ts', import.meta.url).href

// The social layer's job processors, loaded into the job worker threads by tests
// (JobRunner.startWorkers({modules})) until the app registers them itself.
import type { ProcessorTable } from '../../../src/jobs/processors'
import { feedProcessors } from '../../../src/modules/social/processors'

export const processors: ProcessorTable = { fanout: feedProcessors }

export const socialProcessorsModule = new URL('./processors-module.ts', import.meta.url).href

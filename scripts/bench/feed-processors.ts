// The social layer's feed jobs, loaded into the benchmark's job worker threads (until the
// app registers them itself).
import type { ProcessorTable } from '../../src/jobs/processors'
import { feedProcessors } from '../../src/modules/social/processors'

export const processors: ProcessorTable = { fanout: feedProcessors }

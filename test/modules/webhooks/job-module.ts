// Loaded by the job consumers of a webhooks test (startConsumers({modules})): the
// webhooks queue's processors, delegating to the table the test built with its ports.
import type { JobContext, Processor, ProcessorTable } from '../../../src/jobs/processors'

let table: ProcessorTable = {}

export function useWebhookProcessors(next: ProcessorTable) {
  table = next
}

const delegate =
  (name: string): Processor =>
  (data: unknown, ctx: JobContext) => {
    const fn = table.webhooks?.[name]
    if (!fn) throw new Error(`no webhooks processor ${name}`)
    return fn(data, ctx)
  }

export const processors: ProcessorTable = {
  webhooks: { deliver: delegate('deliver'), incoming: delegate('incoming'), 'resume-overdue': delegate('resume-overdue'), prune: delegate('prune') },
}

export const webhookJobModule = new URL('./job-module.ts', import.meta.url).href

import type { PollService } from './service'

interface DomainEvent {
  id: string
  type: string
  data: Record<string, unknown>
}

/**
 * What polls react to. A deleted message of kind `poll` closes and hides its poll
 * (idempotent, so an event heard twice changes nothing).
 */
export const pollEvents = (polls: Pick<PollService, 'onMessageDeleted'>) => ({
  'message.deleted': async (event: DomainEvent) => {
    const messageId = event.data.messageId
    if (typeof messageId === 'string') await polls.onMessageDeleted(messageId)
  },
})

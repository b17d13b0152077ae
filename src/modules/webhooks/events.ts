import type { WebhookDeliveries, WebhookEvent } from './deliveries'

/**
 * Webhooks react to every committed domain event of a community: the consumer of the
 * durable event bus calls this for each event (at least once; deliver() is idempotent
 * by event id and endpoint).
 */
export const webhookEventConsumer =
  (deliveries: Pick<WebhookDeliveries, 'deliver'>) =>
  async (event: WebhookEvent): Promise<void> => {
    await deliveries.deliver(event)
  }

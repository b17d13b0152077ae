import { and, eq, isNull, sql } from 'drizzle-orm'
import { communityOwners, memberRoles, roles } from '../../db/schema'
import type { DomainEvent, Reactions } from '../../domain-events/types'
import type { JobContext } from '../../jobs/processors'
import { jobId } from '../../jobs/queues'
import type { NotifyInput } from '../notifications/model'
import { Perm } from '../permissions/bits'
import { permissionsFor } from '../permissions/service'
import { deliverEvents } from './deliveries'
import { canViewWith } from './places'

const canViewIn = (ctx: JobContext) => canViewWith(permissionsFor(ctx))

/** At most this many managers are told about one disabled endpoint. */
const MAX_ALERTED = 200

/**
 * Owners and the holders of a community-wide role granting `manage_webhooks` (or
 * `administrator`): who is told when Hearth turns an endpoint off.
 */
async function managersOf(ctx: JobContext, communityId: string): Promise<string[]> {
  const bits = (Perm.manage_webhooks | Perm.administrator).toString()
  const [owners, holders] = await Promise.all([
    ctx.db.select({ userId: communityOwners.userId }).from(communityOwners).where(eq(communityOwners.communityId, communityId)),
    ctx.db
      .selectDistinct({ userId: memberRoles.userId })
      .from(memberRoles)
      .innerJoin(roles, eq(roles.id, memberRoles.roleId))
      .where(and(eq(memberRoles.communityId, communityId), isNull(roles.scopeGroupId), sql`(${roles.permissions} & ${bits}::bigint) <> 0`)),
  ])
  return [...new Set([...owners, ...holders].map((r) => r.userId))].sort().slice(0, MAX_ALERTED)
}

/** Tells the managers, through the notifications queue (one job per manager, its id fixed by the event). */
async function alertManagers(event: DomainEvent<'webhook.disabled'>, ctx: JobContext): Promise<void> {
  const communityId = event.communityId!
  const managers = await managersOf(ctx, communityId)
  if (managers.length === 0) return
  await ctx.jobs.enqueueBulk({
    queue: 'notifications',
    jobs: managers.map((userId) => ({
      name: 'notification.create',
      data: {
        userId,
        type: 'webhook_disabled',
        targetType: 'webhook',
        targetId: event.data.endpointId,
        data: { communityId, ...event.data },
      } satisfies NotifyInput,
      jobId: jobId('notify', 'webhook_disabled', event.id, userId),
    })),
  })
}

/**
 * Every committed event of a community becomes deliveries to the endpoints whose filter
 * takes it (idempotent by event id and endpoint); an endpoint Hearth turned off is also
 * told to the community's managers. Events outside communities (DMs) are never delivered.
 */
export const webhookReactions: Reactions<JobContext> = {
  '*': {
    wants: (event) => event.communityId !== undefined,
    handle: async (event, ctx) => {
      await deliverEvents({ ...ctx, canView: canViewIn(ctx) }, [event])
    },
    handleBatch: async (events, ctx) => {
      await deliverEvents({ ...ctx, canView: canViewIn(ctx) }, events)
    },
  },
  'webhook.disabled': {
    handle: async (event, ctx) => {
      await deliverEvents({ ...ctx, canView: canViewIn(ctx) }, [event])
      await alertManagers(event, ctx)
    },
  },
}

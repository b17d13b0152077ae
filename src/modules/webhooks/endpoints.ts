import { and, asc, eq } from 'drizzle-orm'
import type { WebhooksConfig } from '../../config'
import type { Database } from '../../db/client'
import { webhookEndpoints, type WebhookEndpointRow } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { isUuid, newId } from '../../lib/ids'
import type { PermissionService } from '../permissions/service'
import { checkEventFilters, toEndpointView, type CreateEndpointInput, type EndpointView, type UpdateEndpointInput } from './model'
import { newSigningSecret } from './signing'
import { checkTarget, UnsafeTargetError, type Resolver } from './target'

export interface WebhookEndpointsDeps {
  db: Database
  permissions: Pick<PermissionService, 'requireCommunity'>
  config: Pick<WebhooksConfig, 'allowHttp' | 'allowLoopback' | 'secretOverlapSeconds'>
  resolve: Resolver
}

/** A community's outgoing endpoints (`manage_webhooks`). */
export class WebhookEndpoints {
  constructor(private readonly deps: WebhookEndpointsDeps) {}

  async create(opts: { userId: string; communityId: string; input: CreateEndpointInput }): Promise<EndpointView & { secret: string }> {
    await this.deps.permissions.requireCommunity(opts.userId, opts.communityId, 'manage_webhooks')
    checkEventFilters(opts.input.events)
    const url = await this.checkUrl(opts.input.url)
    const secret = newSigningSecret()
    const [row] = await this.deps.db
      .insert(webhookEndpoints)
      .values({
        id: newId(),
        communityId: opts.communityId,
        url,
        events: opts.input.events,
        description: opts.input.description?.trim() ?? '',
        secret,
        createdBy: opts.userId,
      })
      .returning()
    return { ...toEndpointView(row!), secret }
  }

  async list(opts: { userId: string; communityId: string }): Promise<EndpointView[]> {
    await this.deps.permissions.requireCommunity(opts.userId, opts.communityId, 'manage_webhooks')
    const rows = await this.deps.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.communityId, opts.communityId))
      .orderBy(asc(webhookEndpoints.id))
    return rows.map(toEndpointView)
  }

  async get(opts: { userId: string; endpointId: string }): Promise<EndpointView> {
    return toEndpointView(await this.requireManaged(opts.userId, opts.endpointId))
  }

  async update(opts: { userId: string; endpointId: string; input: UpdateEndpointInput }): Promise<EndpointView> {
    const current = await this.requireManaged(opts.userId, opts.endpointId)
    const { input } = opts
    if (input.events) checkEventFilters(input.events)
    const url = input.url === undefined ? undefined : await this.checkUrl(input.url)
    const [row] = await this.deps.db
      .update(webhookEndpoints)
      .set({
        // An endpoint reads what its creator can view; whoever sends it somewhere else becomes
        // its creator, or a manager could point the owner's endpoint at their own receiver
        // and hear the private rooms they cannot see.
        ...(url === undefined || url === current.url ? {} : { url, createdBy: opts.userId }),
        ...(input.events === undefined ? {} : { events: input.events }),
        ...(input.description === undefined ? {} : { description: input.description.trim() }),
        // Turning an endpoint back on starts its failure clock afresh.
        ...(input.enabled === true ? { enabled: true, disabledReason: null, failingSince: null } : {}),
        ...(input.enabled === false ? { enabled: false, disabledReason: 'manual' as const } : {}),
        updatedAt: new Date(),
      })
      .where(eq(webhookEndpoints.id, opts.endpointId))
      .returning()
    if (!row) throw notFound('webhook')
    return toEndpointView(row)
  }

  async remove(opts: { userId: string; endpointId: string }): Promise<void> {
    await this.requireManaged(opts.userId, opts.endpointId)
    await this.deps.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, opts.endpointId))
  }

  /** A new secret; the current one keeps signing beside it for the overlap (24 h by default). */
  async rotateSecret(opts: { userId: string; endpointId: string }): Promise<{ secret: string; previousSecretUntil: string }> {
    const current = await this.requireManaged(opts.userId, opts.endpointId)
    const secret = newSigningSecret()
    const previousSecretUntil = new Date(Date.now() + this.deps.config.secretOverlapSeconds * 1000)
    // Compare-and-set on the secret: two rotations at once cannot both keep "the old one".
    const [row] = await this.deps.db
      .update(webhookEndpoints)
      .set({ secret, previousSecret: current.secret, previousSecretUntil, updatedAt: new Date() })
      .where(and(eq(webhookEndpoints.id, current.id), eq(webhookEndpoints.secret, current.secret)))
      .returning({ id: webhookEndpoints.id })
    if (!row) throw new AppError('conflict', 'the secret was rotated at the same moment; try again')
    return { secret, previousSecretUntil: previousSecretUntil.toISOString() }
  }

  /** The endpoint, if the user holds manage_webhooks in its community; 404 to anyone outside it. */
  async requireManaged(userId: string, endpointId: string): Promise<WebhookEndpointRow> {
    if (!isUuid(endpointId)) throw notFound('webhook')
    const [row] = await this.deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId))
    if (!row) throw notFound('webhook')
    try {
      await this.deps.permissions.requireCommunity(userId, row.communityId, 'manage_webhooks')
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') throw notFound('webhook')
      throw err
    }
    return row
  }

  private async checkUrl(raw: string): Promise<string> {
    try {
      return (await checkTarget(raw, this.deps.config, this.deps.resolve)).url.toString()
    } catch (err) {
      if (err instanceof UnsafeTargetError) {
        throw new AppError('unsafe_webhook_url', err.message, { details: { reason: err.reason } })
      }
      throw err
    }
  }
}

import { and, eq, inArray } from 'drizzle-orm'
import { groups, notificationMutes } from '../../db/schema'
import { notFound } from '../../lib/errors'
import type { Database } from '../../db/client'
import type { PermissionService } from '../permissions/service'

export type MuteScope = 'room' | 'group' | 'community'

/**
 * Mute preferences, inherited down the hierarchy: for a room, the nearest setting among
 * the room, its groups (closest first) and its community decides. An expired mute counts
 * as no setting.
 */
export interface MuteDeps {
  db: Database
  permissions: PermissionService
}

export class MuteService {
  private readonly permissions: PermissionService

  constructor(private readonly res: MuteDeps) {
    this.permissions = res.permissions
  }

  async set(userId: string, scope: { kind: MuteScope; id: string }, input: { muted: boolean; seconds?: number }) {
    await this.requireVisible(userId, scope)
    const until = input.muted && input.seconds ? new Date(Date.now() + input.seconds * 1000) : null
    await this.res.db
      .insert(notificationMutes)
      .values({ userId, scopeKind: scope.kind, scopeId: scope.id, muted: input.muted, until })
      .onConflictDoUpdate({
        target: [notificationMutes.userId, notificationMutes.scopeKind, notificationMutes.scopeId],
        set: { muted: input.muted, until, updatedAt: new Date() },
      })
    return { kind: scope.kind, id: scope.id, muted: input.muted, until: until?.toISOString() ?? null }
  }

  async clear(userId: string, scope: { kind: MuteScope; id: string }) {
    await this.res.db
      .delete(notificationMutes)
      .where(and(eq(notificationMutes.userId, userId), eq(notificationMutes.scopeKind, scope.kind), eq(notificationMutes.scopeId, scope.id)))
  }

  async list(userId: string) {
    const rows = await this.res.db.select().from(notificationMutes).where(eq(notificationMutes.userId, userId))
    return rows
      .filter((r) => !r.until || r.until.getTime() > Date.now())
      .map((r) => ({ kind: r.scopeKind, id: r.scopeId, muted: r.muted, until: r.until?.toISOString() ?? null }))
  }

  /** The users among `userIds` who muted notifications from this room (directly or above it). */
  async mutedIn(roomId: string, userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set()
    // Nearest first: the room, its groups from the closest up, the community.
    const order = await this.permissions.roomChain(roomId)
    if (!order) return new Set()
    const rows = await this.res.db
      .select()
      .from(notificationMutes)
      .where(and(inArray(notificationMutes.userId, userIds), inArray(notificationMutes.scopeId, order)))
    // Grouped by user first: an `@everyone` asks about hundreds of users at once.
    const byUser = new Map<string, typeof rows>()
    const now = Date.now()
    for (const r of rows) {
      if (r.until && r.until.getTime() <= now) continue
      const mine = byUser.get(r.userId)
      if (mine) mine.push(r)
      else byUser.set(r.userId, [r])
    }
    const muted = new Set<string>()
    for (const [userId, mine] of byUser) {
      const nearest = order.map((id) => mine.find((r) => r.scopeId === id)).find((r) => r !== undefined)
      if (nearest?.muted) muted.add(userId)
    }
    return muted
  }

  private async requireVisible(userId: string, scope: { kind: MuteScope; id: string }) {
    if (scope.kind === 'room') return void (await this.permissions.requireRoom(userId, scope.id))
    if (scope.kind === 'community') return void (await this.permissions.requireCommunity(userId, scope.id))
    const [g] = await this.res.db.select({ communityId: groups.communityId }).from(groups).where(eq(groups.id, scope.id))
    if (!g) throw notFound('group')
    await this.permissions.requireGroup(userId, g.communityId, scope.id)
  }
}


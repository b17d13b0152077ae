import { and, asc, eq, inArray } from 'drizzle-orm'
import { communityMembers, roomMembers, rooms, users } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { uniqueViolation } from '../../lib/pg-errors'
import type { Database } from '../../db/client'
import type { PermissionService } from '../permissions/service'
import { MAX_DM_PEOPLE, toRoomView } from './model'

export interface DmDeps {
  db: Database
  permissions: PermissionService
  /** The social layer: people who block each other cannot be in a DM together. */
  social: { blockedAmong(userId: string, others: string[]): Promise<Set<string>> }
}

export class DmService {
  private readonly permissions: PermissionService

  constructor(private readonly res: DmDeps) {
    this.permissions = res.permissions
  }

  /** One other person: their DM (the same room every time). More: a new group DM. */
  async open(userId: string, userIds: string[]) {
    const others = [...new Set(userIds)].filter((id) => id !== userId)
    if (others.length === 0) throw new AppError('invalid_target', 'name at least one other person')
    if (others.length + 1 > MAX_DM_PEOPLE) throw new AppError('invalid_target', `a group DM holds at most ${MAX_DM_PEOPLE} people`)
    await this.assertReachable(userId, others)

    if (others.length === 1) {
      const dmKey = [userId, others[0]!].sort().join(':')
      const existing = await this.findDm(dmKey)
      if (existing) return { ...toRoomView(existing), created: false }
      try {
        return { ...toRoomView(await this.createRoom(userId, 'dm', [userId, ...others], dmKey)), created: true }
      } catch (err) {
        // Both people opened the DM at once: the other request made it.
        if (uniqueViolation(err) === 'rooms_dm_key') return { ...toRoomView((await this.findDm(dmKey))!), created: false }
        throw err
      }
    }
    return { ...toRoomView(await this.createRoom(userId, 'group_dm', [userId, ...others], null)), created: true }
  }

  async list(userId: string) {
    const rows = await this.res.db
      .select({ room: rooms })
      .from(roomMembers)
      .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
      .where(and(eq(roomMembers.userId, userId), inArray(rooms.kind, ['dm', 'group_dm'])))
      .orderBy(asc(rooms.createdAt))
    return rows.map((r) => toRoomView(r.room))
  }

  /**
   * DMs only between people who share a community, so strangers cannot be spammed, and
   * never with someone who blocks the caller or whom the caller blocks (opening a DM, or
   * adding someone to a group DM).
   */
  async assertReachable(userId: string, others: string[]) {
    const found = await this.res.db.select({ id: users.id }).from(users).where(inArray(users.id, others))
    if (found.length !== others.length) throw notFound('user')
    if ((await this.res.social.blockedAmong(userId, others)).size > 0) throw new AppError('blocked', 'you cannot message someone who blocks you or whom you block')
    const mine = this.res.db
      .select({ id: communityMembers.communityId })
      .from(communityMembers)
      .where(eq(communityMembers.userId, userId))
    const shared = await this.res.db
      .selectDistinct({ userId: communityMembers.userId })
      .from(communityMembers)
      .where(and(inArray(communityMembers.userId, others), inArray(communityMembers.communityId, mine)))
    if (shared.length !== others.length) {
      throw new AppError('no_shared_community', 'you can only message people you share a community with')
    }
  }

  private async findDm(dmKey: string) {
    const [row] = await this.res.db.select().from(rooms).where(eq(rooms.dmKey, dmKey))
    return row
  }

  private async createRoom(userId: string, kind: 'dm' | 'group_dm', people: string[], dmKey: string | null) {
    const id = newId()
    return this.permissions.mutate({
      actorId: userId,
      scopes: [`room:${id}`],
      fn: async (tx) => {
        const [room] = await tx.insert(rooms).values({ id, kind, dmKey, createdBy: userId }).returning()
        await tx.insert(roomMembers).values(people.map((p) => ({ roomId: id, userId: p, addedBy: userId })))
        return { ...room!, memberCount: people.length }
      },
    })
  }
}


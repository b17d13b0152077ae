import { and, eq, inArray, sql } from 'drizzle-orm'
import { communityMembers, messages, roomMembers, roomReads, roomState, rooms } from '../../db/schema'
import { RoomHistory } from '../../../rooms'
import type { Database } from '../../db/client'
import type { Fanout } from '../../realtime/fanout'
import type { PermissionService } from '../permissions/service'

export interface UnreadRoom {
  roomId: string
  unread: number
  mentions: number
  lastSeq: number
  readSeq: number
}

/**
 * Delivered and read cursors per member and room, and exact unread counts: messages
 * after the read cursor, not the reader's own, not deleted; mentions among them.
 */
export interface ReceiptDeps {
  db: Database
  permissions: PermissionService
  /** Pushes to sockets: receipts to the room, unread counts to the reader. */
  live: Fanout
}

export class ReceiptService {
  private readonly permissions: PermissionService
  private readonly fanout: Fanout
  private readonly history: RoomHistory

  constructor(private readonly res: ReceiptDeps) {
    this.permissions = res.permissions
    this.fanout = res.live
    this.history = new RoomHistory(res)
  }

  async markRead(userId: string, roomId: string, seq: number): Promise<UnreadRoom> {
    await this.permissions.requireRoom(userId, roomId)
    const clamped = Math.min(seq, await this.lastSeq(roomId))
    await this.res.db
      .insert(roomReads)
      .values({ roomId, userId, readSeq: clamped, deliveredSeq: clamped })
      .onConflictDoUpdate({
        target: [roomReads.roomId, roomReads.userId],
        set: {
          readSeq: sql`greatest(${roomReads.readSeq}, ${clamped})`,
          deliveredSeq: sql`greatest(${roomReads.deliveredSeq}, ${clamped})`,
          updatedAt: new Date(),
        },
      })
    const [state] = await this.counts(userId, [roomId])
    this.fanout.toRoom(roomId, { type: 'receipt.read', data: { userId, seq: state!.readSeq } })
    this.fanout.toUser(userId, { type: 'unread.updated', roomId, data: state })
    return state!
  }

  async markDelivered(userId: string, roomId: string, seq: number): Promise<number> {
    await this.permissions.requireRoom(userId, roomId)
    const clamped = Math.min(seq, await this.lastSeq(roomId))
    const [row] = await this.res.db
      .insert(roomReads)
      .values({ roomId, userId, deliveredSeq: clamped })
      .onConflictDoUpdate({
        target: [roomReads.roomId, roomReads.userId],
        set: { deliveredSeq: sql`greatest(${roomReads.deliveredSeq}, ${clamped})`, updatedAt: new Date() },
      })
      .returning({ deliveredSeq: roomReads.deliveredSeq })
    this.fanout.toRoom(roomId, { type: 'receipt.delivered', data: { userId, seq: row!.deliveredSeq } })
    return row!.deliveredSeq
  }

  /** Tells every socket of the user their counts in a room changed (e.g. they were mentioned). */
  async pushUnread(userId: string, roomId: string): Promise<void> {
    const [state] = await this.counts(userId, [roomId])
    if (state) this.fanout.toUser(userId, { type: 'unread.updated', roomId, data: state })
  }

  /** Every room the user can view, with its exact counts. */
  async unread(userId: string): Promise<UnreadRoom[]> {
    const [dmRows, communityRooms] = await Promise.all([
      this.res.db
        .select({ id: roomMembers.roomId })
        .from(roomMembers)
        .where(and(eq(roomMembers.userId, userId), sql`${roomMembers.communityId} is null`)),
      this.res.db
        .select({ id: rooms.id, communityId: rooms.communityId })
        .from(rooms)
        .innerJoin(communityMembers, eq(communityMembers.communityId, rooms.communityId))
        .where(eq(communityMembers.userId, userId)),
    ])
    const candidates = [...dmRows.map((r) => ({ id: r.id, communityId: null })), ...communityRooms]
    return this.counts(userId, await this.permissions.viewableRooms(userId, candidates))
  }

  async counts(userId: string, roomIds: string[]): Promise<UnreadRoom[]> {
    if (roomIds.length === 0) return []
    const read = sql`coalesce(${roomReads.readSeq}, 0)`
    const after = sql`${messages.roomId} = ${rooms.id} and ${messages.seq} > ${read}
      and ${messages.authorId} <> ${userId} and ${messages.deletedAt} is null`
    const rows = await this.res.db
      .select({
        roomId: rooms.id,
        lastSeq: sql<number>`coalesce(${roomState.lastSeq}, 0)`,
        readSeq: sql<number>`${read}`,
        unread: sql<number>`(select count(*) from ${messages} where ${after})`,
        mentions: sql<number>`(select count(*) from ${messages} where ${after}
          and (${messages.mentionEveryone} or ${messages.mentions} @> ${JSON.stringify([userId])}::jsonb))`,
      })
      .from(rooms)
      .leftJoin(roomState, eq(roomState.roomId, rooms.id))
      .leftJoin(roomReads, and(eq(roomReads.roomId, rooms.id), eq(roomReads.userId, userId)))
      .where(inArray(rooms.id, roomIds))
    return rows.map((r) => ({
      roomId: r.roomId,
      lastSeq: Number(r.lastSeq),
      readSeq: Number(r.readSeq),
      unread: Number(r.unread),
      mentions: Number(r.mentions),
    }))
  }

  private lastSeq(roomId: string): Promise<number> {
    return this.history.lastSeq(roomId)
  }
}

/** The seq of a room's newest message (0 before the first). */

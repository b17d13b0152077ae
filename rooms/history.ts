import { and, asc, desc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm'
import type { Database } from '../src/db/client'
import { messageReactions, messages, roomState, type MessageRow } from '../src/db/schema'
import type { Message, ReactionCount, RoomEvent, RoomResources } from './types'

type Reader = Pick<Database, 'select'>

export interface HistoryQuery {
  roomId: string
  /** Seqs; at most one of the three. None: the newest messages. */
  before?: number
  after?: number
  around?: number
  /** 1..100, default 50. */
  limit?: number
}

export async function reactionCounts(db: Reader, messageIds: string[]): Promise<Map<string, ReactionCount[]>> {
  const byMessage = new Map<string, ReactionCount[]>()
  if (messageIds.length === 0) return byMessage
  const rows = await db
    .select({ messageId: messageReactions.messageId, emoji: messageReactions.emoji, count: sql<number>`count(*)::int` })
    .from(messageReactions)
    .where(inArray(messageReactions.messageId, messageIds))
    .groupBy(messageReactions.messageId, messageReactions.emoji)
    .orderBy(messageReactions.messageId, sql`min(${messageReactions.createdAt})`)
  for (const r of rows) {
    const list = byMessage.get(r.messageId) ?? []
    list.push({ emoji: r.emoji, count: r.count })
    byMessage.set(r.messageId, list)
  }
  return byMessage
}

export function toMessage(row: MessageRow, reactions: ReactionCount[] = []): Message {
  return { ...row, reactions }
}

export async function withReactions(db: Reader, rows: MessageRow[]): Promise<Message[]> {
  const counts = await reactionCounts(db, rows.map((r) => r.id))
  return rows.map((r) => toMessage(r, counts.get(r.id)))
}

/** Reads a room's messages from Postgres; any node can serve them (no actor involved). */
export class RoomHistory {
  constructor(private readonly resources: Pick<RoomResources, 'db'>) {}

  /** The seq of the room's newest committed message (0 for a room with none). */
  async lastSeq(roomId: string): Promise<number> {
    const [row] = await this.resources.db.select({ lastSeq: roomState.lastSeq }).from(roomState).where(eq(roomState.roomId, roomId))
    return row?.lastSeq ?? 0
  }

  /** Messages ordered by seq ascending, whichever way the page was cut. */
  async history(query: HistoryQuery): Promise<Message[]> {
    const { db } = this.resources
    const limit = Math.min(100, Math.max(1, Math.trunc(query.limit ?? 50)))
    const inRoom = eq(messages.roomId, query.roomId)
    const page = (where: ReturnType<typeof and>, newestFirst: boolean, n: number) =>
      db
        .select()
        .from(messages)
        .where(where)
        .orderBy(newestFirst ? desc(messages.seq) : asc(messages.seq))
        .limit(n)
    let rows: MessageRow[]
    if (query.after !== undefined) {
      rows = await page(and(inRoom, gt(messages.seq, query.after)), false, limit)
    } else if (query.before !== undefined) {
      rows = (await page(and(inRoom, lt(messages.seq, query.before)), true, limit)).reverse()
    } else if (query.around !== undefined) {
      const older = Math.floor(limit / 2)
      const [below, fromAround] = await Promise.all([
        older > 0 ? page(and(inRoom, lt(messages.seq, query.around)), true, older) : Promise.resolve([]),
        page(and(inRoom, gte(messages.seq, query.around)), false, limit - older),
      ])
      rows = [...below.reverse(), ...fromAround]
    } else {
      rows = (await page(inRoom, true, limit)).reverse()
    }
    return withReactions(db, rows)
  }

  async byIds(ids: string[]): Promise<Message[]> {
    if (ids.length === 0) return []
    const rows = await this.resources.db.select().from(messages).where(inArray(messages.id, ids))
    return withReactions(this.resources.db, rows)
  }

  /** The replies under a thread root, oldest first (at most `limit`, after `afterSeq`). */
  async thread(query: { roomId: string; rootId: string; afterSeq?: number; limit?: number }): Promise<Message[]> {
    const rows = await this.resources.db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.roomId, query.roomId),
          eq(messages.threadRootId, query.rootId),
          query.afterSeq !== undefined ? gt(messages.seq, query.afterSeq) : undefined,
        ),
      )
      .orderBy(asc(messages.seq))
      .limit(Math.min(100, Math.max(1, query.limit ?? 50)))
    return withReactions(this.resources.db, rows)
  }

  /**
   * What a subscriber that last saw `sinceSeq` missed, rebuilt from Postgres: one
   * `message.created` per later message, in its current state (edited or tombstoned).
   * Pages of `limit`; call again from the last seq for more.
   */
  async eventsSince(query: { roomId: string; sinceSeq: number; limit?: number }): Promise<RoomEvent[]> {
    const { db } = this.resources
    const rows = await db
      .select()
      .from(messages)
      .where(and(eq(messages.roomId, query.roomId), gt(messages.seq, query.sinceSeq)))
      .orderBy(asc(messages.seq))
      .limit(query.limit ?? 1000)
    const list = await withReactions(db, rows)
    return list.map((m) => ({ type: 'message.created', roomId: m.roomId, seq: m.seq, atSeq: m.seq, data: { message: m } }))
  }
}

import { and, count, eq, isNull, sql } from 'drizzle-orm'
import { messageEdits, messageReactions, messages, roomState } from '../src/db/schema'
import { writeOutbox } from '../src/db/outbox'
import type { Tx } from '../src/db/tx'
import { notFound } from '../src/lib/errors'
import { newId } from '../src/lib/ids'
import { toMessage } from './history'
import { uniqueViolation } from '../src/lib/pg-errors'
import { StaleEpochError } from './errors'
import { writeSends, type BatchVerdict, type RoomBatch, type WriteHooks } from './send-commit'
import { withReactions } from './history'
import type { Message, ReactionResult, RoomResources } from './types'

export type { Tx }

/**
 * The domain event of an edit or a delete, written in its transaction: an outbox row
 * naming the message, read back into the message's state by the relay (the messages
 * feature's expander), so the event carries what committed.
 */
function recordChange(tx: Tx, type: 'message.updated' | 'message.deleted', input: Fence & { messageId: string }) {
  return writeOutbox(tx, [{ id: newId(), type, at: new Date().toISOString(), roomId: input.roomId, data: { messageId: input.messageId } }])
}

export interface Fence {
  roomId: string
  epoch: number
}

/** The room actor's writes (sends: send-commit.ts). Every write checks the actor's epoch in its own transaction. */
export class RoomStore {
  /** Transactions this store committed (group commit makes this far smaller than the sends). */
  commits = 0

  constructor(private readonly resources: Pick<RoomResources, 'db' | 'config'>) {}

  /** Takes ownership of the room: a new epoch, and the last seq to continue from. */
  async activate({ roomId }: { roomId: string }): Promise<{ epoch: number; lastSeq: number }> {
    const [row] = await this.resources.db
      .insert(roomState)
      .values({ roomId, lastSeq: 0, epoch: 1, ownerNode: this.resources.config.nodeId })
      .onConflictDoUpdate({
        target: roomState.roomId,
        set: { epoch: sql`${roomState.epoch} + 1`, ownerNode: this.resources.config.nodeId },
      })
      .returning({ epoch: roomState.epoch, lastSeq: roomState.lastSeq })
    return row!
  }

  /**
   * Replaces the body (the earlier one goes to message_edits), and with them the mentions
   * and the @everyone flag when given (as the new body has them).
   */
  async edit(input: Fence & { messageId: string; body: string; mentions?: string[]; mentionEveryone?: boolean }): Promise<Message> {
    return this.write(input, async (tx) => {
      await this.checkEpoch(tx, input)
      const [current] = await tx
        .select({ body: messages.body })
        .from(messages)
        .where(this.live(input))
        .for('update')
      if (!current) throw notFound('message')
      const now = new Date()
      await tx.insert(messageEdits).values({ messageId: input.messageId, body: current.body, editedAt: now })
      const rows = await tx
        .update(messages)
        .set({
          body: input.body,
          editedAt: now,
          ...(input.mentions ? { mentions: input.mentions } : {}),
          ...(input.mentionEveryone !== undefined ? { mentionEveryone: input.mentionEveryone } : {}),
        })
        .where(this.live(input))
        .returning()
      await recordChange(tx, 'message.updated', input)
      return (await withReactions(tx, rows))[0]!
    })
  }

  /**
   * Leaves a tombstone: the row keeps its seq, its content (body, attachments, mentions,
   * earlier bodies, reactions) is gone. Deleting a tombstone again changes nothing (null).
   */
  async delete(input: Fence & { messageId: string }): Promise<Message | null> {
    return this.write(input, async (tx) => {
      await this.checkEpoch(tx, input)
      const rows = await tx
        .update(messages)
        .set({ body: '', attachments: [], mentions: [], mentionEveryone: false, deletedAt: new Date() })
        .where(this.live(input))
        .returning()
      if (rows.length === 0) {
        const [gone] = await tx
          .select({ id: messages.id })
          .from(messages)
          .where(and(eq(messages.id, input.messageId), eq(messages.roomId, input.roomId)))
        if (!gone) throw notFound('message')
        return null
      }
      await tx.delete(messageEdits).where(eq(messageEdits.messageId, input.messageId))
      await tx.delete(messageReactions).where(eq(messageReactions.messageId, input.messageId))
      await recordChange(tx, 'message.deleted', input)
      return toMessage(rows[0]!)
    })
  }

  /** One reaction per (message, user, emoji); `on` adds it, `!on` removes it. */
  async react(input: Fence & { messageId: string; userId: string; emoji: string; on: boolean }): Promise<ReactionResult> {
    return this.write(input, async (tx) => {
      await this.checkEpoch(tx, input)
      const [target] = await tx.select({ id: messages.id }).from(messages).where(this.live(input)).for('share')
      if (!target) throw notFound('message')
      const key = { messageId: input.messageId, userId: input.userId, emoji: input.emoji }
      const changed = input.on
        ? await tx.insert(messageReactions).values(key).onConflictDoNothing().returning({ m: messageReactions.messageId })
        : await tx
            .delete(messageReactions)
            .where(
              and(
                eq(messageReactions.messageId, key.messageId),
                eq(messageReactions.userId, key.userId),
                eq(messageReactions.emoji, key.emoji),
              ),
            )
            .returning({ m: messageReactions.messageId })
      const [total] = await tx
        .select({ n: count() })
        .from(messageReactions)
        .where(and(eq(messageReactions.messageId, key.messageId), eq(messageReactions.emoji, key.emoji)))
      return { changed: changed.length > 0, count: total?.n ?? 0 }
    })
  }

  private live(input: Fence & { messageId: string }) {
    return and(eq(messages.id, input.messageId), eq(messages.roomId, input.roomId), isNull(messages.deletedAt))
  }

  /** Holds the room_state row against a takeover until this transaction ends. */
  private async checkEpoch(tx: Tx, fence: Fence) {
    const [row] = await tx
      .select({ epoch: roomState.epoch })
      .from(roomState)
      .where(eq(roomState.roomId, fence.roomId))
      .for('share')
    if (row?.epoch !== fence.epoch) throw new StaleEpochError(fence.roomId, fence.epoch)
  }

  /**
   * Commits send batches in one statement (send-commit.ts); a room fenced off by a newer
   * owner gets its StaleEpochError in place of a result, one not at the batch's seq an OutOfOrderError.
   */
  async commitSends(batches: RoomBatch[], hooks?: WriteHooks): Promise<BatchVerdict[]> {
    const results = await this.guard(batches[0]!, () => writeSends(this.resources.db, batches, hooks))
    this.commits++
    return results
  }

  /** One transaction; a unique violation on (room, seq) or (room, author, nonce) means a stale owner wrote. */
  async write<T>(fence: Fence, work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.guard(fence, () => this.resources.db.transaction(work))
    this.commits++
    return result
  }

  private async guard<T>(fence: Fence, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (err) {
      // Only another writer of this room can take a seq or a nonce under us: a stale owner.
      const constraint = uniqueViolation(err)
      if (constraint === 'messages_room_seq_key' || constraint === 'messages_room_author_nonce_key') {
        throw new StaleEpochError(fence.roomId, fence.epoch)
      }
      throw err
    }
  }
}


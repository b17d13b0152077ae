import { and, desc, eq, inArray, isNotNull, isNull, lt, ne, notExists, or, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { media, mediaRefs, messages, type MediaRow } from '../../db/schema'
import { AppError } from '../../lib/errors'
import type { Logger } from '../../lib/log'
import type { MediaSummaryView } from './model'
import type { Tx } from '../../db/tx'
import type { MediaStorage } from './storage'
import { mediaKeys, toSummary } from './view'

export interface MediaRefsDeps {
  db: Database
  storage: MediaStorage
  log: Logger
}

/** Something that references media: `message` (with its room), `post`, `comment`, `avatar`, `community_icon`. */
export interface RefTarget {
  kind: string
  targetId: string
}

/** How long before a send a media's end (ready, failed) may have gone unseen by the message's room. */
const SETTLED_WINDOW_MS = 10_000

/** Statuses a media may be attached in: a message sent with processing media shows it processing until it is ready. */
const attachable = new Set(['processing', 'ready'])

/**
 * Who references which media. Media are attached by the thing that uses them (a message,
 * a post, an avatar) inside that thing's transaction, and released when it goes; media
 * nothing references any more are deleted, bytes first.
 */
export class MediaRefs {
  constructor(private readonly deps: MediaRefsDeps) {}

  /** The caller's own media, completed and not failed (422 otherwise, naming the media). Run before a send. */
  async validateAttachments(opts: { userId: string; mediaIds: string[] }): Promise<MediaSummaryView[]> {
    const ids = [...new Set(opts.mediaIds)]
    if (ids.length === 0) return []
    const rows = await this.deps.db.select().from(media).where(inArray(media.id, ids))
    const byId = new Map(rows.map((r) => [r.id, r]))
    return ids.map((id) => toSummary(requireAttachable(byId.get(id), id, opts.userId)))
  }

  /**
   * References `mediaIds` from a target, in the caller's transaction (so the reference
   * commits with the message or post). Locks the media rows, so a media being deleted
   * concurrently is either attached first (and kept) or refused here.
   */
  async attach(opts: RefTarget & { tx: Tx; mediaIds: string[]; roomId?: string | null; ownerId?: string }): Promise<void> {
    const ids = [...new Set(opts.mediaIds)]
    if (ids.length === 0) return
    const rows = await opts.tx.select().from(media).where(inArray(media.id, ids)).for('update')
    const byId = new Map(rows.map((r) => [r.id, r]))
    for (const id of ids) requireAttachable(byId.get(id), id, opts.ownerId)
    await this.insertRefs(opts.tx, { ...opts, mediaIds: ids })
  }

  /**
   * References a committed message's media (the `message.created` reaction): those of its
   * author that still exist, whatever their status now (the send checked them). Nothing
   * when the message is gone: its row is locked, so a concurrent delete either sees these
   * references when it releases them or is seen here. Answers the media that ended ready
   * or failed shortly before (within `SETTLED_WINDOW_MS` of the send): the room may have
   * been shown them processing, and their `media.updated` may have found no message yet.
   */
  async referenceMessage(opts: { tx: Tx; messageId: string; roomId: string; authorId: string; mediaIds: string[]; sentAt: Date }): Promise<MediaRow[]> {
    const ids = [...new Set(opts.mediaIds)]
    if (ids.length === 0) return []
    const [message] = await opts.tx.select({ deletedAt: messages.deletedAt }).from(messages).where(eq(messages.id, opts.messageId)).for('share')
    if (!message || message.deletedAt) return []
    const rows = await opts.tx
      .select()
      .from(media)
      .where(and(inArray(media.id, ids), eq(media.ownerId, opts.authorId), ne(media.status, 'deleted')))
      .for('update')
    if (rows.length === 0) return []
    await this.insertRefs(opts.tx, { mediaIds: rows.map((r) => r.id), kind: 'message', targetId: opts.messageId, roomId: opts.roomId })
    const since = opts.sentAt.getTime() - SETTLED_WINDOW_MS
    return rows.filter((r) => (r.status === 'ready' || r.status === 'failed') && r.updatedAt.getTime() >= since)
  }

  /** The messages that carry a media (the most recent `limit`), with their rooms. */
  async messagesCarrying(mediaId: string, limit = 100): Promise<{ messageId: string; roomId: string }[]> {
    const rows = await this.deps.db
      .select({ messageId: mediaRefs.targetId, roomId: mediaRefs.roomId })
      .from(mediaRefs)
      .where(and(eq(mediaRefs.mediaId, mediaId), eq(mediaRefs.kind, 'message')))
      .orderBy(desc(mediaRefs.createdAt))
      .limit(limit)
    return rows.flatMap((r) => (r.roomId ? [{ messageId: r.messageId, roomId: r.roomId }] : []))
  }

  private async insertRefs(tx: Tx, opts: RefTarget & { mediaIds: string[]; roomId?: string | null }) {
    await tx
      .insert(mediaRefs)
      .values(opts.mediaIds.map((mediaId) => ({ mediaId, kind: opts.kind, targetId: opts.targetId, roomId: opts.roomId ?? null })))
      .onConflictDoNothing()
    // Only the first reference stamps it (later ones would only touch updated_at).
    await tx
      .update(media)
      .set({ attachedAt: sql`now()` })
      .where(and(inArray(media.id, opts.mediaIds), isNull(media.attachedAt)))
  }

  /**
   * Drops a target's references (all, or those to `mediaIds`; or those of several targets
   * of one kind) and returns the media they named. With `tx`, the caller calls
   * `purgeUnreferenced` after its commit (or leaves it to the sweep); without, it happens here.
   */
  async release(opts: { kind: string; targetId: string | string[]; tx?: Tx; mediaIds?: string[] }): Promise<string[]> {
    const targetIds = [opts.targetId].flat()
    if (targetIds.length === 0) return []
    const run = async (tx: Tx | Database) => {
      const where = and(
        eq(mediaRefs.kind, opts.kind),
        targetIds.length === 1 ? eq(mediaRefs.targetId, targetIds[0]!) : inArray(mediaRefs.targetId, targetIds),
        opts.mediaIds ? inArray(mediaRefs.mediaId, opts.mediaIds) : undefined,
      )
      const gone = await tx.delete(mediaRefs).where(where).returning({ mediaId: mediaRefs.mediaId })
      return [...new Set(gone.map((g) => g.mediaId))]
    }
    if (opts.tx) return run(opts.tx)
    const released = await run(this.deps.db)
    await this.purgeUnreferenced(released)
    return released
  }

  /** Summaries (no URLs) of media, in the order asked, for messages and posts that carry them. */
  async summaries(mediaIds: string[]): Promise<MediaSummaryView[]> {
    if (mediaIds.length === 0) return []
    const rows = await this.deps.db.select().from(media).where(inArray(media.id, mediaIds))
    const byId = new Map(rows.map((r) => [r.id, r]))
    return mediaIds.flatMap((id) => (byId.has(id) ? [toSummary(byId.get(id)!)] : []))
  }

  /**
   * Deletes those of `mediaIds` that nothing references: marked `deleted` under a row lock
   * (an attach waiting on the lock then sees `deleted` and refuses), bytes removed, row
   * removed. A crash in between leaves a `deleted` row the sweep finishes.
   */
  async purgeUnreferenced(mediaIds: string[]): Promise<number> {
    if (mediaIds.length === 0) return 0
    const doomed = await this.deps.db.transaction(async (tx) => {
      const locked = await tx.select({ id: media.id }).from(media).where(inArray(media.id, mediaIds)).for('update')
      if (locked.length === 0) return []
      // A new statement: it sees references committed while we waited for the locks.
      return tx
        .update(media)
        .set({ status: 'deleted' })
        .where(
          and(
            inArray(
              media.id,
              locked.map((r) => r.id),
            ),
            notExists(tx.select({ one: sql`1` }).from(mediaRefs).where(eq(mediaRefs.mediaId, media.id))),
          ),
        )
        .returning({ id: media.id })
    })
    return this.finishDeleting(doomed.map((d) => d.id))
  }

  /** Media whose deletion is due: never attached and older than `orphanBefore`, released by everything, or half-deleted. */
  async dueForDeletion(opts: { orphanBefore: Date; limit: number }): Promise<string[]> {
    const unreferenced = notExists(this.deps.db.select({ one: sql`1` }).from(mediaRefs).where(eq(mediaRefs.mediaId, media.id)))
    const rows = await this.deps.db
      .select({ id: media.id })
      .from(media)
      .where(
        or(
          and(isNull(media.attachedAt), lt(media.createdAt, opts.orphanBefore)),
          and(isNotNull(media.attachedAt), unreferenced),
          eq(media.status, 'deleted'),
        ),
      )
      .limit(opts.limit)
    return rows.map((r) => r.id)
  }

  /** Removes the bytes of media marked `deleted`, then their rows. */
  async finishDeleting(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0
    await this.deps.storage.remove(ids.flatMap(mediaKeys.all))
    const removed = await this.deps.db
      .delete(media)
      .where(and(inArray(media.id, ids), eq(media.status, 'deleted')))
      .returning({ id: media.id })
    return removed.length
  }
}

function requireAttachable(row: MediaRow | undefined, id: string, ownerId: string | undefined): MediaRow {
  if (!row || row.status === 'deleted' || (ownerId !== undefined && row.ownerId !== ownerId)) {
    throw new AppError('invalid_media', `media ${id} is not one of your uploads`)
  }
  if (row.status === 'pending') throw new AppError('invalid_media', `media ${id} is not uploaded yet: complete its upload first`)
  if (!attachable.has(row.status)) throw new AppError('invalid_media', `media ${id} failed: ${row.error ?? 'it could not be processed'}`)
  return row
}

import { sql } from 'drizzle-orm'
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from './users'

export type MediaStatus = 'pending' | 'processing' | 'ready' | 'failed' | 'deleted'
export type MediaPurpose = 'attachment' | 'avatar' | 'community_icon' | 'post'

/** A re-encoded image made from an original, as stored. */
export interface StoredVariant {
  name: string
  key: string
  width: number
  height: number
  contentType: string
  size: number
}

/**
 * An uploaded file. `pending` until the client says the upload is complete; `processing`
 * once its bytes passed the checks; then `ready` or `failed` (bytes gone). `deleted` marks
 * a row whose bytes are being removed (released or orphaned) and may never be attached again.
 */
export const media = pgTable(
  'media',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<MediaPurpose>().notNull(),
    status: text('status').$type<MediaStatus>().notNull().default('pending'),
    filename: text('filename').notNull(),
    /** What the client declared; after `complete`, what the bytes were found to be (the same, or the media failed). */
    contentType: text('content_type').notNull(),
    /** Declared size; the upload URL accepts exactly this many bytes. */
    size: bigint('size', { mode: 'number' }).notNull(),
    /** Storage key of the bytes as uploaded (deleted once an image's variants exist). */
    originalKey: text('original_key').notNull(),
    width: integer('width'),
    height: integer('height'),
    thumbhash: text('thumbhash'),
    variants: jsonb('variants').$type<StoredVariant[]>().notNull().default(sql`'[]'::jsonb`),
    error: text('error'),
    /** Set when something first referenced it; media never attached are deleted after MEDIA_ORPHAN_SECONDS. */
    attachedAt: timestamp('attached_at', { withTimezone: true, mode: 'date' }),
    processingAt: timestamp('processing_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('media_owner_idx').on(t.ownerId, t.status),
    index('media_orphan_idx').on(t.createdAt).where(sql`${t.attachedAt} is null`),
    index('media_processing_idx').on(t.processingAt).where(sql`${t.status} = 'processing'`),
  ],
)

/**
 * What references a media: a message (with its room), a post, a comment, a user's avatar,
 * a community's icon. Who may fetch a media follows from these rows; media whose last
 * reference goes are deleted.
 */
export const mediaRefs = pgTable(
  'media_refs',
  {
    mediaId: uuid('media_id')
      .notNull()
      .references(() => media.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    targetId: uuid('target_id').notNull(),
    /** The room a message lives in: readers of the room may fetch the media. */
    roomId: uuid('room_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.mediaId, t.kind, t.targetId] }), index('media_refs_target_idx').on(t.kind, t.targetId)],
)

export type MediaRow = typeof media.$inferSelect
export type MediaRefRow = typeof mediaRefs.$inferSelect

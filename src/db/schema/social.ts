import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core'
import { users } from './users'

/** Who follows whom. The counters in `user_stats` follow these rows by trigger. */
export const follows = pgTable(
  'follows',
  {
    followerId: uuid('follower_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    followeeId: uuid('followee_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Written by Hearth (millisecond precision): lists page by (created_at, user id). */
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.followerId, t.followeeId] }),
    // Lists page newest first by (created_at, the other user's id).
    index('follows_followee_created_idx').on(t.followeeId, t.createdAt, t.followerId),
    index('follows_follower_created_idx').on(t.followerId, t.createdAt, t.followeeId),
    check('follows_not_self', sql`${t.followerId} <> ${t.followeeId}`),
  ],
)

/** A block hides each user from the other (posts, comments, feed, DMs) and ends their follows. */
export const blocks = pgTable(
  'blocks',
  {
    blockerId: uuid('blocker_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    blockedId: uuid('blocked_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockerId, t.blockedId] }),
    index('blocks_blocked_idx').on(t.blockedId, t.blockerId),
    index('blocks_blocker_created_idx').on(t.blockerId, t.createdAt, t.blockedId),
    check('blocks_not_self', sql`${t.blockerId} <> ${t.blockedId}`),
  ],
)

/** Per-user counters, written only by triggers on follows and posts. */
export const userStats = pgTable('user_stats', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  followersCount: integer('followers_count').notNull().default(0),
  followingCount: integer('following_count').notNull().default(0),
  postsCount: integer('posts_count').notNull().default(0),
})

export const posts = pgTable(
  'posts',
  {
    id: uuid('id').primaryKey(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    visibility: text('visibility').$type<'public' | 'followers'>().notNull(),
    /** Media ids. */
    attachments: jsonb('attachments').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /**
     * Set when the author had too many followers to fan out to when it was written: home
     * feeds pull it at read time instead of holding it.
     */
    pulled: boolean('pulled').notNull().default(false),
    /** Kept by triggers on post_likes and comments. */
    likesCount: integer('likes_count').notNull().default(0),
    commentsCount: integer('comments_count').notNull().default(0),
    /** Written by Hearth with millisecond precision: feed keys are (created_at, id). */
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** A tombstone: the post is gone from every feed and list. */
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('posts_author_created_idx').on(t.authorId, t.createdAt.desc(), t.id.desc()).where(sql`${t.deletedAt} is null`),
    index('posts_pulled_author_created_idx')
      .on(t.authorId, t.createdAt.desc(), t.id.desc())
      .where(sql`${t.pulled} and ${t.deletedAt} is null`),
    check('posts_visibility', sql`${t.visibility} in ('public', 'followers')`),
  ],
)

export const postLikes = pgTable(
  'post_likes',
  {
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.userId] }), index('post_likes_user_idx').on(t.userId)],
)

/** Comments on a post, with one level of replies (`parent_id`: a top-level comment). */
export const comments = pgTable(
  'comments',
  {
    id: uuid('id').primaryKey(),
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id').references((): AnyPgColumn => comments.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    /** Media ids, referenced (media_refs, kind `comment`) while the comment lives. */
    attachments: jsonb('attachments').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** Live replies under a top-level comment; kept by a trigger. */
    repliesCount: integer('replies_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('comments_post_top_created_idx')
      .on(t.postId, t.createdAt, t.id)
      .where(sql`${t.parentId} is null and ${t.deletedAt} is null`),
    index('comments_parent_created_idx').on(t.parentId, t.createdAt, t.id).where(sql`${t.deletedAt} is null`),
    /** The live comments of a post that carry media: released when the post is deleted. */
    index('comments_post_attachments_idx')
      .on(t.postId)
      .where(sql`${t.deletedAt} is null and jsonb_array_length(${t.attachments}) > 0`),
  ],
)

export type PostRow = typeof posts.$inferSelect
export type CommentRow = typeof comments.$inferSelect

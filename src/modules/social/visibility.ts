import { sql, type SQL } from 'drizzle-orm'

// THE rules of what a reader may see, as SQL over a post aliased `p` (and a comment
// aliased `c`). Every read of posts — a single post, a user's posts, the home feed
// computed in Postgres, the posts the Redis feed points at — goes through these, so the
// two feed paths cannot disagree about visibility, blocks or deletes.

/** Neither user blocks the other. */
export const notBlockedBetween = (viewerId: string, other: SQL): SQL =>
  sql`not exists (select 1 from blocks b where (b.blocker_id = ${viewerId}::uuid and b.blocked_id = ${other}) or (b.blocker_id = ${other} and b.blocked_id = ${viewerId}::uuid))`

const follows = (viewerId: string, authorId: SQL): SQL =>
  sql`exists (select 1 from follows f where f.follower_id = ${viewerId}::uuid and f.followee_id = ${authorId})`

/**
 * A post the viewer may see: not deleted, and theirs, or by someone neither blocks
 * and either public or for followers with the viewer among them.
 */
export const postVisibleTo = (viewerId: string): SQL =>
  sql`(p.deleted_at is null and (p.author_id = ${viewerId}::uuid or (${notBlockedBetween(viewerId, sql`p.author_id`)} and (p.visibility = 'public' or ${follows(viewerId, sql`p.author_id`)}))))`

/** A post in the viewer's home feed: their own or a followed user's, and visible to them. */
export const inHomeFeedOf = (viewerId: string): SQL =>
  sql`((p.author_id = ${viewerId}::uuid or ${follows(viewerId, sql`p.author_id`)}) and ${postVisibleTo(viewerId)})`

/** A comment the viewer may see (its post's visibility is checked separately): not deleted, not by someone blocked either way. */
export const commentVisibleTo = (viewerId: string): SQL =>
  sql`(c.deleted_at is null and ${notBlockedBetween(viewerId, sql`c.author_id`)})`

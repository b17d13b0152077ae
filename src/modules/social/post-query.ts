import { sql, type SQL } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { queryRows } from '../../db/tx'
import type { Key } from './keys'
import type { PostView, VisibilityValue } from './model'

interface PostRow {
  id: string
  author_id: string
  username: string
  display_name: string | null
  avatar_url: string | null
  body: string
  visibility: VisibilityValue
  attachments: string[]
  created_ms: number
  likes_count: number
  comments_count: number
  liked_by_me: boolean
}

/** A post as a reader sees it, with its feed key. */
export interface ReadPost {
  key: Key
  view: PostView
}

/** The columns of a post view, over `posts p`; `liked_by_me` is the viewer's own like. */
const columns = (viewerId: string) => sql`p.id, p.author_id, u.username, u.display_name, u.avatar_url, p.body, p.visibility, p.attachments,
  (extract(epoch from p.created_at) * 1000)::float8 as created_ms, p.likes_count, p.comments_count,
  exists (select 1 from post_likes l where l.post_id = p.id and l.user_id = ${viewerId}::uuid) as liked_by_me`

/** A millisecond time as a timestamptz, exactly (no float division). */
export const atTime = (ms: number): SQL => sql`(timestamptz 'epoch' + ${ms}::bigint * interval '1 millisecond')`

/** `(p.created_at, p.id) < key`: strictly older in newest-first order. */
export const olderThan = (key: Key | null): SQL =>
  key ? sql`(p.created_at, p.id) < (${atTime(key.at)}, ${key.id}::uuid)` : sql`true`

/**
 * Posts matching `where` (over `posts p`), newest first, at most `limit`. `where` must
 * include one of the visibility rules of visibility.ts.
 */
export async function selectPosts(db: Database, opts: { viewerId: string; where: SQL; limit: number }): Promise<ReadPost[]> {
  const rows = await queryRows<PostRow>(
    db,
    sql`select ${columns(opts.viewerId)} from posts p join users u on u.id = p.author_id
        where ${opts.where} order by p.created_at desc, p.id desc limit ${opts.limit}`,
  )
  return rows.map(toReadPost)
}

/**
 * The feed computed in Postgres: for each author in `authors` (a query of `author_id`s),
 * their newest posts matching `where` older than `before`, merged, newest first. One
 * index range per author (the lateral join), so a reader following many accounts costs
 * `authors x limit` rows at most, not every post they ever wrote.
 */
export async function selectByAuthors(
  db: Database,
  opts: { viewerId: string; authors: SQL; where: SQL; before: Key | null; limit: number; pulledOnly?: boolean },
): Promise<ReadPost[]> {
  const rows = await queryRows<PostRow>(
    db,
    sql`select ${columns(opts.viewerId)}
        from (${opts.authors}) a
        cross join lateral (
          select p.* from posts p
          where p.author_id = a.author_id and p.deleted_at is null ${opts.pulledOnly ? sql`and p.pulled` : sql``}
            and ${olderThan(opts.before)} and ${opts.where}
          order by p.created_at desc, p.id desc limit ${opts.limit}
        ) p
        join users u on u.id = p.author_id
        order by p.created_at desc, p.id desc limit ${opts.limit}`,
  )
  return rows.map(toReadPost)
}

/** The viewer and everyone they follow, as a query of `author_id`s. */
export const homeAuthors = (viewerId: string): SQL =>
  sql`select ${viewerId}::uuid as author_id union all select followee_id from follows where follower_id = ${viewerId}::uuid`

function toReadPost(r: PostRow): ReadPost {
  const at = Number(r.created_ms)
  return {
    key: { at, id: r.id },
    view: {
      id: r.id,
      authorId: r.author_id,
      author: { id: r.author_id, username: r.username, displayName: r.display_name, avatarUrl: r.avatar_url },
      body: r.body,
      visibility: r.visibility,
      attachments: r.attachments ?? [],
      createdAt: new Date(at).toISOString(),
      likes: Number(r.likes_count),
      comments: Number(r.comments_count),
      likedByMe: Boolean(r.liked_by_me),
    },
  }
}

import { t, type Static } from 'elysia'
import { Id, UUID_PATTERN } from '../../lib/model'

const ID = new RegExp(UUID_PATTERN)
/** An id as Hearth writes them (what a notification's target may hold is anyone's string). */
export const isId = (value: string): boolean => ID.test(value)

export const MAX_POST_CHARS = 5000
export const MAX_COMMENT_CHARS = 2000
export const MAX_POST_ATTACHMENTS = 4
export const MAX_COMMENT_ATTACHMENTS = 4

export const PageQuery = t.Object({
  cursor: t.Optional(t.String({ minLength: 1, maxLength: 200 })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, description: 'page size; default 20' })),
})

export const Visibility = t.Union([t.Literal('public'), t.Literal('followers')])

export const CreatePostBody = t.Object({
  /** May be empty when the post carries attachments. */
  body: t.String({ maxLength: MAX_POST_CHARS }),
  attachments: t.Optional(t.Array(Id, { maxItems: MAX_POST_ATTACHMENTS, uniqueItems: true })),
  visibility: t.Optional(Visibility),
})

export const CreateCommentBody = t.Object({
  /** May be empty when the comment carries attachments. */
  body: t.String({ maxLength: MAX_COMMENT_CHARS }),
  attachments: t.Optional(t.Array(Id, { maxItems: MAX_COMMENT_ATTACHMENTS, uniqueItems: true })),
  /** A comment of the same post; a reply to a reply joins that reply's thread (one level). */
  replyTo: t.Optional(Id),
})

export const UserSummary = t.Object({
  id: t.String(),
  username: t.String(),
  displayName: t.Nullable(t.String()),
  avatarUrl: t.Nullable(t.String()),
})

export const Post = t.Object({
  id: t.String(),
  authorId: t.String(),
  author: UserSummary,
  body: t.String(),
  visibility: Visibility,
  /** Media ids. */
  attachments: t.Array(t.String()),
  createdAt: t.String({ format: 'date-time' }),
  likes: t.Integer(),
  comments: t.Integer(),
  likedByMe: t.Boolean(),
})

export const Comment = t.Object({
  id: t.String(),
  postId: t.String(),
  authorId: t.String(),
  author: UserSummary,
  body: t.String(),
  /** Media ids, as a post's. */
  attachments: t.Array(t.String()),
  /** The top-level comment this reply is under; null for a top-level comment. */
  replyTo: t.Nullable(t.String()),
  /** Live replies under a top-level comment. */
  replies: t.Integer(),
  createdAt: t.String({ format: 'date-time' }),
})

export const Following = t.Object({ following: t.Boolean() })

export const Profile = t.Object({
  ...UserSummary.properties,
  followers: t.Integer(),
  following: t.Integer(),
  posts: t.Integer(),
  relationship: t.Object({
    /** The caller follows this user. */
    following: t.Boolean(),
    /** This user follows the caller. */
    followedBy: t.Boolean(),
    /** The caller blocks this user. */
    blocking: t.Boolean(),
  }),
})

export const UserPage = t.Object({ users: t.Array(UserSummary), nextCursor: t.Nullable(t.String()) })
export const PostPage = t.Object({ posts: t.Array(Post), nextCursor: t.Nullable(t.String()) })
export const CommentPage = t.Object({ comments: t.Array(Comment), nextCursor: t.Nullable(t.String()) })

export type PostView = Static<typeof Post>
export type CommentView = Static<typeof Comment>
export type UserSummaryView = Static<typeof UserSummary>
export type ProfileView = Static<typeof Profile>
export type VisibilityValue = Static<typeof Visibility>

// The domain events of the social layer, written in the transaction of each change.
// Their consumers (events.ts) keep the Redis feeds and notify; each is at least once.
declare module '../../domain-events/types' {
  interface DomainEventMap {
    'follow.created': { followerId: string; followeeId: string }
    'follow.deleted': { followerId: string; followeeId: string }
    'block.created': { blockerId: string; blockedId: string }
    'block.deleted': { blockerId: string; blockedId: string }
    /** `pulled`: the author had too many followers to fan out to; feeds merge it at read time. */
    'post.created': { postId: string; authorId: string; pulled: boolean }
    'post.deleted': { postId: string; authorId: string; pulled: boolean }
    'post.liked': { postId: string; authorId: string; userId: string }
    'post.unliked': { postId: string; authorId: string; userId: string }
    'comment.created': {
      commentId: string
      postId: string
      postAuthorId: string
      authorId: string
      /** The top-level comment a reply is under. */
      parentId: string | null
      /** The author of the comment replied to. */
      replyToAuthorId: string | null
    }
    'comment.deleted': { commentId: string; postId: string; authorId: string }
  }
}

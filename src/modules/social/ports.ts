import type { Database } from '../../db/client'

// What the social layer needs from features wired by others. The app connects them;
// tests implement them.

type FollowData = { followerId: string; followeeId: string }
type BlockData = { blockerId: string; blockedId: string }
type PostData = { postId: string; authorId: string; pulled: boolean }
type LikeData = { postId: string; authorId: string; userId: string }

/** The data of each domain event this module records. */
export interface SocialEventData {
  'follow.created': FollowData
  'follow.deleted': FollowData
  'block.created': BlockData
  'block.deleted': BlockData
  'post.created': PostData
  'post.deleted': PostData
  'post.liked': LikeData
  'post.unliked': LikeData
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

/** A domain event this module records, inside the transaction of the change. */
export type SocialEvent = { [T in keyof SocialEventData]: { type: T; actorId: string; data: SocialEventData[T] } }[keyof SocialEventData]

export type SocialEventType = SocialEvent['type']

/** Writes a domain event in the caller's transaction (the outbox); consumers get it at least once after commit. */
export type RecordEvent = (tx: Database, event: SocialEvent) => Promise<void>

/** Refuses (throws an AppError) media ids that are not the user's own uploads, ready or processing. */
export type ValidateAttachments = (input: { userId: string; mediaIds: string[] }) => Promise<void>

/** The moderation check every message, post and comment goes through before it commits; throws an AppError to refuse. */
export type CheckText = (input: { userId: string; kind: 'post' | 'comment'; text: string }) => Promise<void>

/** Live pushes to a user's open sockets (may be lost). */
export interface LiveUsers {
  toUser(userId: string, event: { type: string; data: unknown }): unknown
}

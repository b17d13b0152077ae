import type { Tx } from '../../db/tx'

// What the social layer asks of features wired beside it (media, moderation). Both are
// optional until they are connected: without media a post with attachments is refused,
// without moderation posts and comments are not screened. Automod's rules belong to a
// community and posts belong to none, so which rules screen posts is the composition's
// choice (an adapter over `automod.screen` with the community whose rules apply).

/** Media: a post's (a comment's) attachments are the author's own uploads, referenced while the post (the comment) lives. */
export interface MediaPort {
  /** Refuses (an AppError, 422) ids that are not the user's own uploads, processing or ready. */
  validateAttachments(input: { userId: string; mediaIds: string[] }): Promise<unknown>
  /** References the media from the post or comment, in the transaction that writes it. */
  attach(input: { tx: Tx; kind: 'post' | 'comment'; targetId: string; mediaIds: string[]; ownerId: string }): Promise<void>
  /** Drops the references of posts or comments, in the transaction that deletes them (unreferenced media go later). */
  release(input: { tx: Tx; kind: 'post' | 'comment'; targetId: string | string[] }): Promise<unknown>
  /** Lets whoever may see one of the posts (comments) that reference a media fetch it. */
  visibleThrough(kind: 'post' | 'comment', visibility: (userId: string, targetIds: string[]) => Promise<boolean>): void
}

/** Moderation: the check every message, post and comment goes through before it commits (automod's `screen`, adapted). */
export interface PostModerationPort {
  /** Throws an AppError to refuse; otherwise `committed` is called once the text is stored. */
  screen(input: { authorId: string; kind: 'post' | 'comment'; text: string }): Promise<{
    committed(target: { kind: 'post' | 'comment'; id: string }): Promise<void>
  }>
}

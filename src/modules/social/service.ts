import type { FeedConfig } from '../../config'
import type { Database } from '../../db/client'
import type { Logger } from '../../lib/log'
import type { Redis } from '../../lib/redis'
import { CommentService } from './comments'
import { FeedService } from './feed'
import { SocialGraph } from './graph'
import { PostService } from './posts'
import type { CheckText, RecordEvent, ValidateAttachments } from './ports'

export interface SocialDeps {
  db: Database
  redis: Redis
  log: Logger
  feed: FeedConfig
  /** The outbox: domain events written in the transaction of each change. */
  recordEvent: RecordEvent
  /** Media: the attachments of a post are the author's own uploads. */
  validateAttachments: ValidateAttachments
  /** Moderation: posts and comments go through the check messages go through. */
  checkText: CheckText
}

/** The social layer's services, built from one deps object. */
export function createSocial(deps: SocialDeps) {
  const graph = new SocialGraph(deps)
  const posts = new PostService(deps)
  const comments = new CommentService({ ...deps, posts })
  const feed = new FeedService(deps)
  return { graph, posts, comments, feed }
}

export type Social = ReturnType<typeof createSocial>
export { CommentService, FeedService, PostService, SocialGraph }

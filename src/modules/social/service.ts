import type { Config } from '../../config'
import type { Database } from '../../db/client'
import type { DomainEvents } from '../../domain-events/bus'
import type { Logger } from '../../lib/log'
import type { Redis } from '../../lib/redis'
import { CommentService } from './comments'
import { FeedService } from './feed'
import { SocialGraph } from './graph'
import type { PostModerationPort, MediaPort } from './ports'
import { PostService } from './posts'

export interface SocialDeps {
  db: Database
  redis: Redis
  log: Logger
  config: Pick<Config, 'feed'>
  /** Where changes commit with their domain events (the outbox). */
  events: Pick<DomainEvents, 'transaction'>
  /** Media: the attachments of a post are the author's own uploads. Optional until media is wired. */
  media?: MediaPort
  /** Moderation: posts and comments go through the check messages go through. Optional until connected (see ports.ts). */
  postModeration?: PostModerationPort
}

/** The social layer's services, built from one deps object. */
export function createSocial(deps: SocialDeps) {
  const feed = deps.config.feed
  const graph = new SocialGraph(deps)
  const posts = new PostService({ ...deps, feed })
  const comments = new CommentService({ ...deps, posts })
  return { graph, posts, comments, feed: new FeedService({ ...deps, feed }) }
}

export type Social = ReturnType<typeof createSocial>

/** What other features may ask of the social layer. */
export interface SocialApi {
  /** Either user blocks the other. */
  isBlocked(a: string, b: string): Promise<boolean>
  /** Those of `others` that `userId` blocks or is blocked by. */
  blockedAmong(userId: string, others: string[]): Promise<Set<string>>
  /** Those of `postIds` the viewer may see now. */
  visibleIds(input: { viewerId: string; postIds: string[] }): Promise<Set<string>>
}

export { CommentService, FeedService, PostService, SocialGraph }

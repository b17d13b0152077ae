// A model of the social graph in plain data, for the property test: what every user's
// home feed must be, computed without Postgres or Redis.

export interface ModelPost {
  id: string
  authorId: string
  at: number
  visibility: 'public' | 'followers'
  deleted: boolean
}

export class SocialModel {
  readonly follows = new Set<string>()
  readonly blocks = new Set<string>()
  readonly posts = new Map<string, ModelPost>()

  private static edge = (a: string, b: string) => `${a}>${b}`

  isFollowing = (a: string, b: string) => this.follows.has(SocialModel.edge(a, b))
  blockedBetween = (a: string, b: string) => this.blocks.has(SocialModel.edge(a, b)) || this.blocks.has(SocialModel.edge(b, a))

  follow(a: string, b: string) {
    this.follows.add(SocialModel.edge(a, b))
  }

  unfollow(a: string, b: string) {
    this.follows.delete(SocialModel.edge(a, b))
  }

  block(a: string, b: string) {
    this.blocks.add(SocialModel.edge(a, b))
    this.unfollow(a, b)
    this.unfollow(b, a)
  }

  unblock(a: string, b: string) {
    this.blocks.delete(SocialModel.edge(a, b))
  }

  followers(b: string): number {
    let n = 0
    for (const e of this.follows) if (e.endsWith(`>${b}`)) n++
    return n
  }

  canSee(viewer: string, p: ModelPost): boolean {
    if (p.deleted) return false
    if (p.authorId === viewer) return true
    if (this.blockedBetween(viewer, p.authorId)) return false
    return p.visibility === 'public' || this.isFollowing(viewer, p.authorId)
  }

  /** The home feed, newest first: own and followed users' posts the viewer may see. */
  feed(viewer: string): string[] {
    return [...this.posts.values()]
      .filter((p) => (p.authorId === viewer || this.isFollowing(viewer, p.authorId)) && this.canSee(viewer, p))
      .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((p) => p.id)
  }
}

export { seeded as prng } from '../../helpers/random'

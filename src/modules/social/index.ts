import { Elysia } from 'elysia'
import { defineFeature } from '../../feature'
import { IdParams, NoContent } from '../../lib/model'
import type { SignedIn } from '../auth/guard'
import { hideActors } from '../notifications/actors'
import type { NotificationService } from '../notifications/service'
import { socialReactions } from './events'
import { Comment, CommentPage, CreateCommentBody, CreatePostBody, Following, PageQuery, Post, PostPage, Profile, UserPage } from './model'
import { blockedAmongIn } from './graph'
import { feedProcessors } from './processors'
import { createSocial, type Social, type SocialApi, type SocialDeps } from './service'

// Follows, likes, comments and replies to comments: whoever blocks the reader, or whom the
// reader blocks, leaves their notifications when they are read and pushed (either way).
hideActors(['user', 'post', 'comment'], blockedAmongIn)

export type SocialFeatureDeps = SocialDeps & {
  signedIn: SignedIn
  /** Told how to check, when a notification is read, that its post or comment is still the reader's to see. */
  notifications: Pick<NotificationService, 'checkTargets'>
}

/**
 * The social layer: follows and blocks, posts, likes, comments and the home feed (hybrid
 * fan-out). Its changes commit with domain events; its reactions to them queue the feed
 * fan-out (queue `fanout`, worker threads, `feed.updated` to followers' sockets) and the
 * follow, like, comment and reply notifications. Rooms ask it about blocks (DMs).
 */
export const socialFeature = defineFeature<SocialFeatureDeps, { social: SocialApi }>({
  name: 'social',
  processors: { fanout: feedProcessors },
  reactions: socialReactions,
  build: (deps) => {
    const social = createSocial(deps)
    deps.notifications.checkTargets('post', (userId, postIds) => social.posts.visibleIds({ viewerId: userId, postIds }))
    deps.notifications.checkTargets('comment', (userId, commentIds) => social.comments.visibleIds({ viewerId: userId, commentIds }))
    // A post's (a comment's) attachments may be fetched by whoever may see the post (the comment and its post, blocks included).
    deps.media?.visibleThrough('post', async (userId, postIds) => (await social.posts.visibleIds({ viewerId: userId, postIds })).size > 0)
    deps.media?.visibleThrough('comment', async (userId, commentIds) => (await social.comments.visibleIds({ viewerId: userId, commentIds })).size > 0)
    const api: SocialApi = {
      isBlocked: (a, b) => social.graph.isBlocked(a, b),
      blockedAmong: (userId, others) => social.graph.blockedAmong(userId, others),
      visibleIds: (input) => social.posts.visibleIds(input),
    }
    return { routes: socialRoutes({ signedIn: deps.signedIn, social }), api: { social: api } }
  },
})

const socialRoutes = ({ signedIn, social }: { signedIn: SignedIn; social: Social }) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['social'], security: [{ bearer: [] }] } })
    .use(signedIn())
    .put('/users/:id/follow', ({ user, params }) => social.graph.follow({ followerId: user.id, followeeId: params.id }), {
      params: IdParams,
      response: { 200: Following },
      detail: { summary: 'Follow a user (idempotent); refused between users who block each other' },
    })
    .delete('/users/:id/follow', ({ user, params }) => social.graph.unfollow({ followerId: user.id, followeeId: params.id }), {
      params: IdParams,
      response: { 200: Following },
      detail: { summary: 'Unfollow a user (idempotent)' },
    })
    .get('/users/:id/followers', ({ user, params, query }) => social.graph.followers({ viewerId: user.id, userId: params.id, ...paging(query) }), {
      params: IdParams,
      query: PageQuery,
      response: { 200: UserPage },
      detail: { summary: 'Who follows the user, newest first' },
    })
    .get('/users/:id/following', ({ user, params, query }) => social.graph.following({ viewerId: user.id, userId: params.id, ...paging(query) }), {
      params: IdParams,
      query: PageQuery,
      response: { 200: UserPage },
      detail: { summary: 'Whom the user follows, newest first' },
    })
    .put(
      '/users/:id/block',
      async ({ user, params, status }) => {
        await social.graph.block({ blockerId: user.id, blockedId: params.id })
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Block a user: ends follows both ways and hides each from the other' } },
    )
    .delete(
      '/users/:id/block',
      async ({ user, params, status }) => {
        await social.graph.unblock({ blockerId: user.id, blockedId: params.id })
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Unblock a user (follows are not restored)' } },
    )
    .get('/me/blocks', ({ user, query }) => social.graph.blocked({ viewerId: user.id, ...paging(query) }), {
      query: PageQuery,
      response: { 200: UserPage },
      detail: { summary: 'The users you block, newest first' },
    })
    .get('/users/:id/profile', ({ user, params }) => social.graph.profile({ viewerId: user.id, userId: params.id }), {
      params: IdParams,
      response: { 200: Profile },
      detail: { summary: 'A user’s counters and your relationship with them' },
    })
    .get('/users/:id/posts', ({ user, params, query }) => social.posts.byAuthor({ viewerId: user.id, authorId: params.id, ...paging(query) }), {
      params: IdParams,
      query: PageQuery,
      response: { 200: PostPage },
      detail: { summary: 'A user’s posts you may see, newest first' },
    })
    .post('/posts', async ({ user, body, status }) => status(201, await social.posts.create({ userId: user.id, ...body })), {
      body: CreatePostBody,
      response: { 201: Post },
      detail: { summary: 'Post: a body (or attachments), visible to everyone or to followers' },
    })
    .get('/posts/:id', ({ user, params }) => social.posts.get({ viewerId: user.id, postId: params.id }), {
      params: IdParams,
      response: { 200: Post },
      detail: { summary: 'A post you may see' },
    })
    .delete(
      '/posts/:id',
      async ({ user, params, status }) => {
        await social.posts.remove({ userId: user.id, postId: params.id })
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Delete your post: it leaves every feed and list' } },
    )
    .put(
      '/posts/:id/like',
      async ({ user, params, status }) => {
        await social.posts.like({ userId: user.id, postId: params.id })
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Like a post (once; idempotent)' } },
    )
    .delete(
      '/posts/:id/like',
      async ({ user, params, status }) => {
        await social.posts.unlike({ userId: user.id, postId: params.id })
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Take your like back (idempotent)' } },
    )
    .post(
      '/posts/:id/comments',
      async ({ user, params, body, status }) => status(201, await social.comments.create({ userId: user.id, postId: params.id, ...body })),
      {
        params: IdParams,
        body: CreateCommentBody,
        response: { 201: Comment },
        detail: { summary: 'Comment on a post, or reply to a comment (one level)' },
      },
    )
    .get('/posts/:id/comments', ({ user, params, query }) => social.comments.list({ viewerId: user.id, postId: params.id, ...paging(query) }), {
      params: IdParams,
      query: PageQuery,
      response: { 200: CommentPage },
      detail: { summary: 'Top-level comments, oldest first, each with its reply count' },
    })
    .get(
      '/comments/:id/replies',
      ({ user, params, query }) => social.comments.replies({ viewerId: user.id, commentId: params.id, ...paging(query) }),
      {
        params: IdParams,
        query: PageQuery,
        response: { 200: CommentPage },
        detail: { summary: 'Replies under a comment, oldest first' },
      },
    )
    .delete(
      '/comments/:id',
      async ({ user, params, status }) => {
        await social.comments.remove({ userId: user.id, commentId: params.id })
        return status(204, undefined)
      },
      { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Delete a comment (its author or the post’s author); its replies go with it' } },
    )
    .get('/feed', ({ user, query }) => social.feed.read({ viewerId: user.id, ...paging(query) }), {
      query: PageQuery,
      response: { 200: PostPage },
      detail: { summary: 'Your home feed: your posts and those of whom you follow, newest first' },
    })

const paging = (query: { cursor?: string; limit?: number }) => ({ cursor: query.cursor, limit: query.limit ?? 20 })

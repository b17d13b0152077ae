import type { Data } from '../../../client/src/index.ts'
import { useEffect, useState } from 'preact/hooks'
import { Avatar } from '../avatar'
import { learn } from '../people'
import { describe, hearth, unwrap } from '../session'
import { ErrorNote, Loading, Time, useAction } from '../ui'
import { PersonButton } from './profile'

export type Post = Data<'/v1/feed', 'get'>['posts'][number]
type Comment = Data<'/v1/posts/{id}/comments', 'get'>['comments'][number]

/** My home feed: my posts and those of whom I follow, newest first, with likes and comments. */
export function FeedPage() {
  const [posts, setPosts] = useState<Post[]>()
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string>()
  const [fresh, setFresh] = useState(0)
  const [body, setBody] = useState('')
  const load = async (after?: string) => {
    try {
      const page = unwrap(await hearth.api.GET('/v1/feed', { params: { query: { limit: 20, ...(after ? { cursor: after } : {}) } } }))
      learn(page.posts.map((p) => p.author))
      setPosts((list) => [...(after ? (list ?? []) : []), ...page.posts])
      setCursor(page.nextCursor)
      if (!after) setFresh(0)
    } catch (err) {
      setError(describe(err))
    }
  }
  useEffect(() => {
    document.title = 'Feed · Hearth'
    load()
    return hearth.realtime.onEvent('feed.updated', ({ count }) => setFresh((n) => n + count))
  }, [])
  const post = useAction(async () => {
    const created = unwrap(await hearth.api.POST('/v1/posts', { body: { body: body.trim() } }))
    setBody('')
    setPosts((list) => [created, ...(list ?? [])])
  })
  return (
    <section class="page narrow" aria-labelledby="feed-title">
      <h1 id="feed-title">Feed</h1>
      <form class="card stack" onSubmit={(e) => (e.preventDefault(), body.trim() && post.run())}>
        <label>
          Share something
          <textarea value={body} maxLength={4000} rows={3} onInput={(e) => setBody(e.currentTarget.value)} />
        </label>
        <ErrorNote error={post.error} />
        <button type="submit" disabled={post.busy}>
          Post
        </button>
      </form>
      {fresh > 0 && (
        <button type="button" class="banner" onClick={() => load()}>
          {fresh} new {fresh === 1 ? 'post' : 'posts'} — show
        </button>
      )}
      <ErrorNote error={error} />
      {!posts ? (
        <Loading what="your feed" />
      ) : posts.length === 0 ? (
        <p class="muted">Nothing here yet: post something, or follow people.</p>
      ) : (
        <ol class="plain posts">
          {posts.map((p) => (
            <PostCard key={p.id} post={p} />
          ))}
        </ol>
      )}
      {cursor && (
        <button type="button" onClick={() => load(cursor)}>
          Older posts
        </button>
      )}
    </section>
  )
}

/** A post: its author, text, likes and comments. */
export function PostCard({ post: initial }: { post: Post }) {
  const [post, setPost] = useState(initial)
  const [open, setOpen] = useState(false)
  const [error, setError] = useState<string>()
  const name = post.author.displayName || post.author.username
  const like = async () => {
    const liked = !post.likedByMe
    setPost((p) => ({ ...p, likedByMe: liked, likes: p.likes + (liked ? 1 : -1) }))
    try {
      unwrap(liked ? await hearth.api.PUT('/v1/posts/{id}/like', { params: { path: { id: post.id } } }) : await hearth.api.DELETE('/v1/posts/{id}/like', { params: { path: { id: post.id } } }))
    } catch (err) {
      setPost((p) => ({ ...p, likedByMe: !liked, likes: p.likes + (liked ? -1 : 1) }))
      setError(describe(err))
    }
  }
  return (
    <li class="card post" aria-label={`Post by ${name}`}>
      <div class="meta">
        <Avatar name={name} url={post.author.avatarUrl} />
        <PersonButton userId={post.authorId} />
        <Time iso={post.createdAt} />
        {post.visibility === 'followers' && <span class="tag">followers</span>}
      </div>
      <p class="body">{post.body}</p>
      <div class="row">
        <button type="button" class={post.likedByMe ? 'chip on' : 'chip'} aria-pressed={post.likedByMe} onClick={like}>
          ♥ {post.likes} <span class="visually-hidden">likes</span>
        </button>
        <button type="button" class="chip" aria-expanded={open} onClick={() => setOpen(!open)}>
          💬 {post.comments} <span class="visually-hidden">comments</span>
        </button>
      </div>
      <ErrorNote error={error} />
      {open && <Comments postId={post.id} onAdded={() => setPost((p) => ({ ...p, comments: p.comments + 1 }))} />}
    </li>
  )
}

function Comments({ postId, onAdded }: { postId: string; onAdded: () => void }) {
  const [comments, setComments] = useState<Comment[]>()
  const [body, setBody] = useState('')
  const [error, setError] = useState<string>()
  useEffect(() => {
    hearth.api.GET('/v1/posts/{id}/comments', { params: { path: { id: postId }, query: { limit: 50 } } }).then(
      (r) => setComments(unwrap(r).comments),
      (err) => setError(describe(err)),
    )
  }, [postId])
  const add = useAction(async () => {
    const comment = unwrap(await hearth.api.POST('/v1/posts/{id}/comments', { params: { path: { id: postId } }, body: { body: body.trim() } }))
    setComments((list) => [...(list ?? []), comment])
    setBody('')
    onAdded()
  })
  return (
    <div class="comments">
      <ErrorNote error={error ?? add.error} />
      <ul class="plain">
        {comments?.map((c) => (
          <li class="comment">
            <Avatar name={c.author.displayName || c.author.username} url={c.author.avatarUrl} /> <strong>{c.author.displayName || c.author.username}</strong> {c.body}{' '}
            <Time iso={c.createdAt} />
          </li>
        ))}
      </ul>
      <form class="row" onSubmit={(e) => (e.preventDefault(), body.trim() && add.run())}>
        <label class="grow">
          <span class="visually-hidden">Write a comment</span>
          <input value={body} placeholder="Write a comment" maxLength={2000} onInput={(e) => setBody(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={add.busy}>
          Comment
        </button>
      </form>
    </div>
  )
}

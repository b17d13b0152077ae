import type { Data } from '../../../client/src/index.ts'
import { useEffect, useState } from 'preact/hooks'
import { Avatar } from '../avatar'
import { openDm } from '../directory'
import { upload, waitUntilReady } from '../media'
import { learn, useName } from '../people'
import { href, Link, navigate } from '../router'
import { hearth, me, selfId, unwrap } from '../session'
import { useStore } from '../store'
import { Dialog, ErrorNote, Loading, useAction, useLoad } from '../ui'
import { PostCard } from './feed'

type Profile = Data<'/v1/users/{id}/profile', 'get'>

/** A person's name that opens their profile: follow, message, block. */
export function PersonButton({ userId, class: className }: { userId: string; class?: string }) {
  const name = useName(userId)
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" class={`person ${className ?? ''}`} onClick={() => setOpen(true)}>
        {name}
      </button>
      {open && <ProfileDialog userId={userId} onClose={() => setOpen(false)} />}
    </>
  )
}

function useProfile(userId: string) {
  const profile = useLoad(async () => {
    const p = unwrap(await hearth.api.GET('/v1/users/{id}/profile', { params: { path: { id: userId } } }))
    learn([p])
    return p
  }, [userId])
  return profile
}

function ProfileDialog({ userId, onClose }: { userId: string; onClose: () => void }) {
  const name = useName(userId)
  const profile = useProfile(userId)
  const p = profile.data
  return (
    <Dialog title={name} onClose={onClose}>
      <ErrorNote error={profile.error} />
      {!p ? (
        <Loading what="the profile" />
      ) : (
        <div class="stack">
          <div class="row">
            <Avatar name={name} url={p.avatarUrl} large />
            <Counts profile={p} />
          </div>
          <Relationship profile={p} onChange={profile.reload} onMessage={onClose} />
          <Link href={href.profile(userId)} onClick={onClose}>
            Open the profile
          </Link>
        </div>
      )}
    </Dialog>
  )
}

function Counts({ profile: p }: { profile: Profile }) {
  return (
    <p class="muted">
      @{p.username} · {p.followers} followers · {p.following} following · {p.posts} posts
      {p.relationship.followedBy && ' · follows you'}
    </p>
  )
}

/** Follow, message, block: for someone else's profile. */
function Relationship({ profile: p, onChange, onMessage }: { profile: Profile; onChange: () => void; onMessage?: () => void }) {
  const act = useAction(async (what: 'follow' | 'unfollow' | 'block' | 'unblock' | 'message') => {
    const path = { params: { path: { id: p.id } } }
    if (what === 'follow') unwrap(await hearth.api.PUT('/v1/users/{id}/follow', path))
    if (what === 'unfollow') unwrap(await hearth.api.DELETE('/v1/users/{id}/follow', path))
    if (what === 'block') unwrap(await hearth.api.PUT('/v1/users/{id}/block', path))
    if (what === 'unblock') unwrap(await hearth.api.DELETE('/v1/users/{id}/block', path))
    if (what === 'message') {
      const room = await openDm([p.id])
      onMessage?.()
      return navigate(href.room(room.id))
    }
    onChange()
  })
  if (p.id === selfId()) return null
  return (
    <>
      <div class="row">
        {p.relationship.following ? (
          <button type="button" disabled={act.busy} onClick={() => act.run('unfollow')}>
            Unfollow
          </button>
        ) : (
          <button type="button" disabled={act.busy || p.relationship.blocking} onClick={() => act.run('follow')}>
            Follow
          </button>
        )}
        <button type="button" disabled={act.busy || p.relationship.blocking} onClick={() => act.run('message')}>
          Message
        </button>
        <button type="button" class="danger" disabled={act.busy} onClick={() => act.run(p.relationship.blocking ? 'unblock' : 'block')}>
          {p.relationship.blocking ? 'Unblock' : 'Block'}
        </button>
      </div>
      <ErrorNote error={act.error} />
    </>
  )
}

/** A person's page: their picture, counts and posts; on my own, changing my avatar. */
export function ProfilePage({ userId }: { userId: string }) {
  const name = useName(userId)
  const profile = useProfile(userId)
  const posts = useLoad(async () => unwrap(await hearth.api.GET('/v1/users/{id}/posts', { params: { path: { id: userId }, query: { limit: 20 } } })).posts, [userId])
  const self = userId === selfId()
  const mine = useStore(me)
  useEffect(() => {
    document.title = `${name} · Hearth`
  }, [name])
  const p = profile.data
  // My own picture as I just set it, before the profile is read again.
  const avatarUrl = self && mine ? mine.avatarUrl : p?.avatarUrl
  return (
    <section class="page narrow" aria-labelledby="profile-title">
      <ErrorNote error={profile.error} />
      <div class="profile-head">
        <Avatar name={name} url={avatarUrl} large label={`${name}'s avatar`} />
        <div>
          <h1 id="profile-title">{name}</h1>
          {p && <Counts profile={p} />}
        </div>
      </div>
      {p && <Relationship profile={p} onChange={profile.reload} />}
      {self && <AvatarPicker />}
      <h2>Posts</h2>
      <ErrorNote error={posts.error} />
      {!posts.data ? (
        !posts.error && <Loading what="posts" />
      ) : posts.data.length === 0 ? (
        <p class="muted">No posts to show.</p>
      ) : (
        <ol class="plain posts">
          {posts.data.map((post) => (
            <PostCard key={post.id} post={post} />
          ))}
        </ol>
      )}
    </section>
  )
}

/** Uploads an image as an avatar, waits until Hearth has processed it, then makes it mine. */
function AvatarPicker() {
  const [step, setStep] = useState<string>()
  const user = useStore(me)
  const set = async (mediaId: string | null) => {
    const updated = unwrap(await hearth.api.PUT('/v1/users/me/avatar', { body: { mediaId } }))
    learn([updated])
    // Signed out while it was on the way: the answer must not bring the signed-in page back.
    if (selfId() === updated.id) me.set(updated)
  }
  const change = useAction(async (file: File) => {
    try {
      setStep('Uploading…')
      const media = await upload(file, { purpose: 'avatar' })
      setStep('Processing…')
      await waitUntilReady(media.id)
      await set(media.id)
    } finally {
      setStep(undefined)
    }
  })
  const remove = useAction(() => set(null))
  return (
    <div class="card stack">
      <h2>Your avatar</h2>
      <label>
        Choose a new avatar (an image)
        <input type="file" accept="image/png,image/jpeg,image/webp,image/gif" disabled={change.busy} onChange={(e) => {
          const file = e.currentTarget.files?.[0]
          e.currentTarget.value = ''
          if (file) change.run(file)
        }} />
      </label>
      {step && (
        <p class="muted" role="status">
          {step}
        </p>
      )}
      <ErrorNote error={change.error ?? remove.error} />
      {user?.avatarUrl && (
        <button type="button" class="link" disabled={remove.busy || change.busy} onClick={() => remove.run()}>
          Remove my avatar
        </button>
      )}
    </div>
  )
}

import { useState } from 'preact/hooks'
import { openDm } from '../directory'
import { useName } from '../people'
import { href, navigate } from '../router'
import { hearth, selfId, unwrap } from '../session'
import { Dialog, ErrorNote, Loading, useAction, useLoad } from '../ui'

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

function ProfileDialog({ userId, onClose }: { userId: string; onClose: () => void }) {
  const name = useName(userId)
  const profile = useLoad(async () => unwrap(await hearth.api.GET('/v1/users/{id}/profile', { params: { path: { id: userId } } })), [userId])
  const act = useAction(async (what: 'follow' | 'unfollow' | 'block' | 'unblock' | 'message') => {
    const path = { params: { path: { id: userId } } }
    if (what === 'follow') unwrap(await hearth.api.PUT('/v1/users/{id}/follow', path))
    if (what === 'unfollow') unwrap(await hearth.api.DELETE('/v1/users/{id}/follow', path))
    if (what === 'block') unwrap(await hearth.api.PUT('/v1/users/{id}/block', path))
    if (what === 'unblock') unwrap(await hearth.api.DELETE('/v1/users/{id}/block', path))
    if (what === 'message') {
      const room = await openDm([userId])
      onClose()
      return navigate(href.room(room.id))
    }
    profile.reload()
  })
  const p = profile.data
  const self = userId === selfId()
  return (
    <Dialog title={name} onClose={onClose}>
      <ErrorNote error={profile.error ?? act.error} />
      {!p ? (
        <Loading what="the profile" />
      ) : (
        <div class="stack">
          <p class="muted">
            @{p.username} · {p.followers} followers · {p.following} following · {p.posts} posts
            {p.relationship.followedBy && ' · follows you'}
          </p>
          {!self && (
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
          )}
        </div>
      )}
    </Dialog>
  )
}

import { useEffect, useState } from 'preact/hooks'
import { usePermissions, useMay } from '../access'
import { communities, groupOptions, loadCommunities, loadTree, useTree, type Community } from '../directory'
import { href, Link, navigate } from '../router'
import { hearth, unwrap } from '../session'
import { useStore } from '../store'
import { Choice, ErrorNote, Field, Loading, useAction, useLoad } from '../ui'

/** My communities; make one, or join one with an invite code. */
export function HomePage({ communities: list }: { communities: Community[] | undefined }) {
  const [name, setName] = useState('')
  const [code, setCode] = useState('')
  useEffect(() => {
    document.title = 'Communities · Hearth'
  }, [])
  const create = useAction(async () => {
    const community = unwrap(await hearth.api.POST('/v1/communities', { body: { name: name.trim() } }))
    await loadCommunities()
    navigate(href.community(community.id))
  })
  return (
    <section class="page" aria-labelledby="home-title">
      <h1 id="home-title">Communities</h1>
      {!list ? (
        <Loading what="your communities" />
      ) : list.length === 0 ? (
        <p class="muted">You are in no community yet.</p>
      ) : (
        <ul class="cards">
          {list.map((c) => (
            <li class="card">
              <Link href={href.community(c.id)}>
                <strong>{c.name}</strong>
              </Link>
              <span class="muted">
                {c.memberCount} {c.memberCount === 1 ? 'member' : 'members'}
              </span>
            </li>
          ))}
        </ul>
      )}
      <div class="columns">
        <form class="card stack" onSubmit={(e) => (e.preventDefault(), create.run())}>
          <h2>Start a community</h2>
          <Field label="Name" value={name} onInput={setName} required maxLength={100} />
          <ErrorNote error={create.error} />
          <button type="submit" disabled={create.busy}>
            Create
          </button>
        </form>
        <form class="card stack" onSubmit={(e) => (e.preventDefault(), code.trim() && navigate(`/app/invite/${encodeURIComponent(code.trim())}`))}>
          <h2>Join with an invite</h2>
          <Field label="Invite code" value={code} onInput={setCode} required maxLength={64} />
          <button type="submit">Continue</button>
        </form>
      </div>
    </section>
  )
}

/** An invite link: what it joins, and a button to join. */
export function InvitePage({ code }: { code: string }) {
  const invite = useLoad(async () => unwrap(await hearth.api.GET('/v1/invites/{code}', { params: { path: { code } } })), [code])
  const join = useAction(async () => {
    const membership = unwrap(await hearth.api.POST('/v1/invites/{code}/accept', { params: { path: { code } } }))
    await loadCommunities()
    navigate(href.community(membership.communityId), { replace: true })
  })
  return (
    <section class="page" aria-labelledby="invite-title">
      <h1 id="invite-title">Invitation</h1>
      <ErrorNote error={invite.error} />
      {invite.data && (
        <div class="card stack">
          <p>
            You are invited to <strong>{invite.data.community.name}</strong> ({invite.data.community.memberCount} members).
          </p>
          <ErrorNote error={join.error} />
          <button type="button" onClick={() => join.run()} disabled={join.busy}>
            Join {invite.data.community.name}
          </button>
        </div>
      )}
    </section>
  )
}

/**
 * A community: invite people (`create_invites`), add groups (nested, `manage_groups`) and rooms
 * (public or private, `manage_rooms`); each form only for who may, checked again in the group chosen.
 */
export function CommunityPage({ communityId }: { communityId: string }) {
  const community = useStore(communities)?.find((c) => c.id === communityId)
  const { tree } = useTree(communityId)
  const [roomName, setRoomName] = useState('')
  const [roomGroup, setRoomGroup] = useState('')
  const [priv, setPriv] = useState(false)
  const [groupName, setGroupName] = useState('')
  const [groupParent, setGroupParent] = useState('')
  const [invite, setInvite] = useState<string>()
  const mine = usePermissions({ communityId })
  const mayRoomThere = useMay(roomGroup ? { communityId, groupId: roomGroup } : undefined, 'manage_rooms')
  const mayGroupThere = useMay(groupParent ? { communityId, groupId: groupParent } : undefined, 'manage_groups')
  const roomRefused = !!roomGroup && mayRoomThere === false
  const groupRefused = !!groupParent && mayGroupThere === false
  useEffect(() => {
    document.title = `${community?.name ?? 'Community'} · Hearth`
  }, [community?.name])
  const addRoom = useAction(async () => {
    const room = unwrap(
      await hearth.api.POST('/v1/communities/{id}/rooms', {
        params: { path: { id: communityId } },
        body: { name: roomName.trim(), ...(roomGroup ? { groupId: roomGroup } : {}), private: priv },
      }),
    )
    setRoomName('')
    await loadTree(communityId, { fresh: true })
    navigate(href.room(room.id))
  })
  const addGroup = useAction(async () => {
    unwrap(await hearth.api.POST('/v1/communities/{id}/groups', { params: { path: { id: communityId } }, body: { name: groupName.trim(), ...(groupParent ? { parentId: groupParent } : {}) } }))
    setGroupName('')
    await loadTree(communityId, { fresh: true })
  })
  const makeInvite = useAction(async () => {
    const created = unwrap(await hearth.api.POST('/v1/communities/{id}/invites', { params: { path: { id: communityId } }, body: {} }))
    setInvite(`${location.origin}/app/invite/${created.code}`)
  })
  const groups = [['', '(top level)'] as const, ...(tree ? groupOptions(tree.groups) : []).map((g) => [g.id, g.label] as const)]
  return (
    <section class="page" aria-labelledby="community-title">
      <h1 id="community-title">{community?.name ?? 'Community'}</h1>
      {community && <p class="muted">{community.memberCount} members · choose a room on the left.</p>}
      <div class="columns">
        {mine?.has('manage_rooms') && (
          <form class="card stack" onSubmit={(e) => (e.preventDefault(), addRoom.run())}>
            <h2>New room</h2>
            <Field label="Room name" value={roomName} onInput={setRoomName} required maxLength={100} />
            <Choice label="In group" value={roomGroup} options={groups} onChange={setRoomGroup} />
            <label class="check">
              <input type="checkbox" checked={priv} onChange={(e) => setPriv(e.currentTarget.checked)} /> Private (members added by hand)
            </label>
            <NotThere refused={roomRefused} what="add a room" />
            <ErrorNote error={addRoom.error} />
            <button type="submit" disabled={addRoom.busy || roomRefused}>
              Create room
            </button>
          </form>
        )}
        {mine?.has('manage_groups') && (
          <form class="card stack" onSubmit={(e) => (e.preventDefault(), addGroup.run())}>
            <h2>New group</h2>
            <Field label="Group name" value={groupName} onInput={setGroupName} required maxLength={100} />
            <Choice label="Inside" value={groupParent} options={groups} onChange={setGroupParent} />
            <NotThere refused={groupRefused} what="add a group" />
            <ErrorNote error={addGroup.error} />
            <button type="submit" disabled={addGroup.busy || groupRefused}>
              Create group
            </button>
          </form>
        )}
        {mine?.has('create_invites') && (
          <div class="card stack">
            <h2>Invite people</h2>
            <button type="button" onClick={() => makeInvite.run()} disabled={makeInvite.busy}>
              Make an invite link
            </button>
            <ErrorNote error={makeInvite.error} />
            {invite && (
              <label>
                Share this link
                <input readOnly value={invite} onFocus={(e) => e.currentTarget.select()} />
              </label>
            )}
          </div>
        )}
      </div>
    </section>
  )
}

function NotThere({ refused, what }: { refused: boolean; what: string }) {
  return refused ? (
    <p role="alert" class="refusal">
      You may not {what} in that group: choose another, or the top level.
    </p>
  ) : null
}

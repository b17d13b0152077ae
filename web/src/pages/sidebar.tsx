import { useEffect, useState } from 'preact/hooks'
import { mayOpenSettings, usePermissions } from '../access'
import { Avatar } from '../avatar'
import { communities, dms, openDm, rooms, useTree, type Room, type TreeGroup } from '../directory'
import { people, nameOf } from '../people'
import { href, Link, navigate, type Route } from '../router'
import { hearth, me, signOut } from '../session'
import { useStore } from '../store'
import { Badge, Dialog, ErrorNote, useAction } from '../ui'
import { unread } from '../unread'
import { Icon } from '../icons'
import { useRoomTitle } from './room'

/** The community the page is in: from the route (a room's own), else the last one visited (a DM, the feed). */
function useCommunityId(where: Route): string | undefined {
  const known = useStore(rooms)
  const [last, setLast] = useState<string>()
  const now =
    'communityId' in where ? where.communityId : where.page === 'room' ? (known.get(where.roomId)?.communityId ?? undefined) : undefined
  useEffect(() => {
    if (now) setLast(now)
  }, [now])
  return now ?? last
}

/** Navigation: my places, the community's tree of groups and rooms with unread badges, and my DMs. */
export function Sidebar({ where }: { where: Route }) {
  const user = useStore(me)
  const list = useStore(communities)
  const communityId = useCommunityId(where)
  const { tree, error: treeError } = useTree(communityId)
  const mine = usePermissions(communityId ? { communityId } : undefined)
  const community = list?.find((c) => c.id === communityId)
  return (
    <nav id="sidebar" class="sidebar" aria-label="Places">
      <ul class="plain nav-list">
        <li>
          <NavLink href={href.home()} current={where.page === 'home'}>
            Communities
          </NavLink>
        </li>
        <li>
          <NavLink href={href.feed()} current={where.page === 'feed'}>
            Feed
          </NavLink>
        </li>
        <li>
          <NavLink href={href.notifications()} current={where.page === 'notifications'}>
            Notifications
          </NavLink>
        </li>
        {user?.isPlatformAdmin && (
          <li>
            <NavLink href={href.ops()} current={where.page === 'ops'}>
              Operations
            </NavLink>
          </li>
        )}
      </ul>
      {list && list.length > 0 && (
        <label class="community-picker">
          Community
          <select value={communityId ?? ''} onChange={(e) => e.currentTarget.value && navigate(href.community(e.currentTarget.value))}>
            {!communityId && <option value="">Choose…</option>}
            {list.map((c) => (
              <option value={c.id}>{c.name}</option>
            ))}
          </select>
        </label>
      )}
      {community && (
        <section aria-label={community.name}>
          <ul class="plain nav-list">
            <li>
              <NavLink href={href.community(community.id)} current={where.page === 'community'}>
                Overview
              </NavLink>
            </li>
            <li>
              <NavLink href={href.events(community.id)} current={where.page === 'events'}>
                Events
              </NavLink>
            </li>
            <li>
              <NavLink href={href.surveys(community.id)} current={where.page === 'surveys' || where.page === 'survey'}>
                Surveys
              </NavLink>
            </li>
            {mine?.has('moderate_members') && (
              <li>
                <NavLink href={href.moderation(community.id)} current={where.page === 'moderation'}>
                  Moderation
                </NavLink>
              </li>
            )}
            {mayOpenSettings(mine) && (
              <li>
                <NavLink href={href.settings(community.id)} current={where.page === 'settings'}>
                  Settings
                </NavLink>
              </li>
            )}
          </ul>
          <ErrorNote error={treeError} />
          {tree && (
            <ul class="plain tree" aria-label="Rooms">
              {tree.rooms.map((r) => (
                <RoomLink room={r} where={where} />
              ))}
              {tree.groups.map((g) => (
                <GroupItem group={g} where={where} />
              ))}
            </ul>
          )}
        </section>
      )}
      <DirectMessages where={where} />
      <div class="signed-in muted">
        <MyStatus />
        <p class="row">
          {user && <Avatar name={user.displayName || user.username} url={user.avatarUrl} />}
          <span>
            Signed in as{' '}
            {user ? (
              <Link href={href.profile(user.id)} aria-current={where.page === 'profile' && where.userId === user.id ? 'page' : undefined}>
                <strong>{user.username}</strong>
              </Link>
            ) : (
              '…'
            )}
          </span>
          <button type="button" class="link" onClick={() => signOut()}>
            Sign out
          </button>
        </p>
      </div>
    </nav>
  )
}

function NavLink({ href: to, current, children }: { href: string; current: boolean; children: string }) {
  return (
    <Link href={to} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  )
}

function GroupItem({ group, where }: { group: TreeGroup; where: Route }) {
  return (
    <li class="group">
      <details open>
        <summary>{group.name}</summary>
        <ul class="plain tree">
          {group.rooms.map((r) => (
            <RoomLink room={r} where={where} />
          ))}
          {group.groups.map((g) => (
            <GroupItem group={g} where={where} />
          ))}
        </ul>
      </details>
    </li>
  )
}

function RoomLink({ room, where }: { room: Room; where: Route }) {
  const counts = useStore(unread).get(room.id)
  const title = useRoomTitle(room)
  const current = where.page === 'room' && where.roomId === room.id
  const count = current ? 0 : (counts?.unread ?? 0)
  const mentions = current ? 0 : (counts?.mentions ?? 0)
  return (
    <li>
      <Link href={href.room(room.id)} aria-current={current ? 'page' : undefined} class={count ? 'room-link unread' : 'room-link'} data-room={room.id}>
        {room.kind === 'private' ? <Icon name="lock" /> : room.kind === 'text' ? <span aria-hidden="true">#</span> : null}
        <span class="room-name">{title}</span>
        {mentions > 0 ? <Badge count={mentions} mention label={`${mentions} mentions`} /> : <Badge count={count} label={`${count} unread`} />}
      </Link>
    </li>
  )
}

function DirectMessages({ where }: { where: Route }) {
  const list = useStore(dms)
  const [starting, setStarting] = useState(false)
  return (
    <section aria-labelledby="dm-title">
      <div class="row spread">
        <h2 id="dm-title" class="section-title">
          Direct messages
        </h2>
        <button type="button" class="icon" aria-label="New direct message" onClick={() => setStarting(true)}>
          <Icon name="plus" />
        </button>
      </div>
      <ul class="plain tree">
        {list?.map((r) => (
          <RoomLink room={r} where={where} />
        ))}
        {list?.length === 0 && <li class="muted">None yet.</li>}
      </ul>
      {starting && <NewDmDialog onClose={() => setStarting(false)} />}
    </section>
  )
}

function NewDmDialog({ onClose }: { onClose: () => void }) {
  const everyone = useStore(people)
  const self = useStore(me)
  const [chosen, setChosen] = useState<string[]>([])
  const [filter, setFilter] = useState('')
  const start = useAction(async () => {
    const room = await openDm(chosen)
    onClose()
    navigate(href.room(room.id))
  })
  const candidates = [...everyone.values()].filter((p) => p.id !== self?.id && p.username !== 'someone' && nameOf(p).toLowerCase().includes(filter.toLowerCase())).slice(0, 50)
  return (
    <Dialog title="New direct message" onClose={onClose}>
      <form class="stack" onSubmit={(e) => (e.preventDefault(), chosen.length && start.run())}>
        <label>
          Find someone from your communities
          <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        </label>
        <fieldset>
          <legend>People</legend>
          {candidates.length === 0 && <p class="muted">Open a community to meet its members.</p>}
          {candidates.map((p) => (
            <label class="check">
              <input
                type="checkbox"
                checked={chosen.includes(p.id)}
                onChange={(e) => setChosen((c) => (e.currentTarget.checked ? [...c, p.id] : c.filter((x) => x !== p.id)))}
              />{' '}
              {nameOf(p)}
            </label>
          ))}
        </fieldset>
        <ErrorNote error={start.error} />
        <button type="submit" disabled={!chosen.length || start.busy}>
          Open conversation
        </button>
      </form>
    </Dialog>
  )
}

const STATUSES = { online: 'Online', idle: 'Away', dnd: 'Do not disturb' } as const

/** What others see of me (presence); set again by the client after every reconnect. */
function MyStatus() {
  const [status, setStatus] = useState<keyof typeof STATUSES>('online')
  return (
    <label class="status-picker">
      My status
      <select
        value={status}
        onChange={(e) => {
          const next = e.currentTarget.value as keyof typeof STATUSES
          setStatus(next)
          hearth.realtime.setPresence(next).catch(() => undefined)
        }}
      >
        {Object.entries(STATUSES).map(([value, label]) => (
          <option value={value}>{label}</option>
        ))}
      </select>
    </label>
  )
}

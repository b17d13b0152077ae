import type { Data } from '../../../client/src/index.ts'
import { useEffect, useId, useState } from 'preact/hooks'
import { Avatar } from '../avatar'
import { communities, type Room } from '../directory'
import { Icon } from '../icons'
import { learn } from '../people'
import { PresenceDot } from '../presence'
import { describe, hearth, unwrap } from '../session'
import { useStore } from '../store'
import { ErrorNote, Loading, useAction, useLoad } from '../ui'
import { PersonButton } from './profile'

type Mute = Data<'/v1/notifications/mutes', 'get'>[number]
type Member = Data<'/v1/rooms/{id}/members', 'get'>['members'][number]
type MuteKind = 'room' | 'community'

const untilFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })
const DURATIONS = { '3600': 'Muted for an hour', '28800': 'Muted for 8 hours', '604800': 'Muted for a week', forever: 'Muted until I unmute' } as const

/** Beside a room: my notification settings for it and its community, and who is in it. */
export function RoomInfoPanel({ room, onClose }: { room: Room; onClose: () => void }) {
  const community = useStore(communities)?.find((c) => c.id === room.communityId)
  const mutes = useLoad(async () => unwrap(await hearth.api.GET('/v1/notifications/mutes')), [])
  return (
    <aside class="thread side" aria-labelledby="room-info-title">
      <header class="room-head">
        <h2 id="room-info-title">About this room</h2>
        <button type="button" class="icon" aria-label="Close room info" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div class="side-body stack">
        <section class="stack" aria-labelledby="mutes-title">
          <h3 id="mutes-title">Notifications</h3>
          <ErrorNote error={mutes.error} />
          {!mutes.data ? (
            !mutes.error && <Loading what="your settings" />
          ) : (
            <>
              <MuteChoice kind="room" id={room.id} label="This room" mutes={mutes.data} onChange={mutes.reload} />
              {room.communityId && <MuteChoice kind="community" id={room.communityId} label={`All of ${community?.name ?? 'the community'}`} mutes={mutes.data} onChange={mutes.reload} />}
            </>
          )}
          <p class="muted">Muted places make no mention, reply or message notifications; the room's unread count still moves.</p>
        </section>
        <Members roomId={room.id} />
      </div>
    </aside>
  )
}

/**
 * One place's setting: none of its own (what is above decides), muted for a while or until
 * unmuted, or — for a room — notifying even under a muted community.
 */
function MuteChoice({ kind, id, label, mutes, onChange }: { kind: MuteKind; id: string; label: string; mutes: Mute[]; onChange: () => void }) {
  const current = mutes.find((m) => m.kind === kind && m.id === id)
  const value = !current ? 'default' : !current.muted ? 'notify' : current.until ? 'timed' : 'forever'
  const path = { params: { path: { kind, id } } }
  const set = useAction(async (choice: string) => {
    if (choice === 'default') unwrap(await hearth.api.DELETE('/v1/notifications/mutes/{kind}/{id}', path))
    else if (choice === 'notify') unwrap(await hearth.api.PUT('/v1/notifications/mutes/{kind}/{id}', { ...path, body: { muted: false } }))
    else if (choice !== 'timed') unwrap(await hearth.api.PUT('/v1/notifications/mutes/{kind}/{id}', { ...path, body: { muted: true, ...(choice === 'forever' ? {} : { seconds: Number(choice) }) } }))
    onChange()
  })
  const selectId = useId()
  return (
    <div class="field">
      <label for={selectId}>{label}</label>
      <select id={selectId} value={value} disabled={set.busy} onChange={(e) => set.run(e.currentTarget.value)}>
        <option value="default">{kind === 'room' ? 'As the community is set' : 'Notify me'}</option>
        {value === 'timed' && current?.until && <option value="timed">Muted until {untilFormat.format(new Date(current.until))}</option>}
        {Object.entries(DURATIONS).map(([v, text]) => (
          <option value={v}>{text}</option>
        ))}
        {kind === 'room' && <option value="notify">Notify me even when the community is muted</option>}
      </select>
      <ErrorNote error={set.error} />
    </div>
  )
}

function Members({ roomId }: { roomId: string }) {
  const [members, setMembers] = useState<Member[]>()
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string>()
  const load = async (after?: string) => {
    try {
      const page = unwrap(await hearth.api.GET('/v1/rooms/{id}/members', { params: { path: { id: roomId }, query: { limit: 50, ...(after ? { cursor: after } : {}) } } }))
      learn(page.members.map((m) => ({ id: m.userId, username: m.username, displayName: m.displayName, avatarUrl: m.avatarUrl })))
      setMembers((list) => [...(after ? (list ?? []) : []), ...page.members])
      setCursor(page.nextCursor)
    } catch (err) {
      setError(describe(err))
    }
  }
  useEffect(() => {
    load()
  }, [roomId])
  return (
    <section class="stack" aria-labelledby="members-title">
      <h3 id="members-title">Members</h3>
      <ErrorNote error={error} />
      {!members ? (
        !error && <Loading what="members" />
      ) : (
        <ul class="plain members" aria-label="Room members">
          {members.map((m) => (
            <li class="member">
              <Avatar name={m.displayName || m.username} url={m.avatarUrl} />
              <PresenceDot userId={m.userId} />
              <PersonButton userId={m.userId} />
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={() => load(cursor)}>
          More members
        </button>
      )}
    </section>
  )
}

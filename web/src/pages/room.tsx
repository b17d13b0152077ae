import type { Message } from '../../../client/src/index.ts'
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks'
import { dmMembers, isWatched, loadRoom, noteDmMembers, openRoom, rooms, type Room } from '../directory'
import { learnMembers, nameOf, people, useName } from '../people'
import { href, Link } from '../router'
import { selfId } from '../session'
import { useStore } from '../store'
import { RoomTimeline, type TimelineState } from '../timeline'
import { Icon } from '../icons'
import { Loading } from '../ui'
import { markRead } from '../unread'
import { Composer } from './composer'
import { MessageItem, OutgoingItem, type MessageActions } from './message'
import { RoomInfoPanel } from './room-info'
import { PinsDialog, ReportDialog, ThreadPanel } from './room-side'

/** A room: its history (paged as you scroll up), live messages, a thread beside it, and the composer. */
export function RoomPage({ roomId, threadId }: { roomId: string; threadId?: string }) {
  return <OpenRoom key={roomId} roomId={roomId} threadId={threadId} />
}

function OpenRoom({ roomId, threadId }: { roomId: string; threadId?: string }) {
  // The room's messages are asked for at once, beside the room itself (first render).
  const timeline = useMemo(() => new RoomTimeline(roomId, { keepSubscribed: () => isWatched(roomId) }), [roomId])
  const state = useStore(timeline.state)
  const room = useStore(rooms).get(roomId)
  const [missing, setMissing] = useState(false)
  const [replyTo, setReplyTo] = useState<Message>()
  const [editing, setEditing] = useState<Message>()
  const [reporting, setReporting] = useState<Message>()
  const [showPins, setShowPins] = useState(false)
  const [showInfo, setShowInfo] = useState(false)
  // A thread opened (by a link) takes the side panel's place.
  useEffect(() => setShowInfo(false), [threadId])
  const title = useRoomTitle(room)

  // Started before the first paint: the messages are on their way while the page draws.
  useLayoutEffect(() => {
    openRoom.set(roomId)
    timeline.start()
    loadRoom(roomId).then(
      (r) => {
        if (r.communityId) learnMembers(r.communityId).catch(() => undefined)
      },
      () => setMissing(true),
    )
    return () => {
      timeline.stop()
      if (openRoom.get() === roomId) openRoom.set(undefined)
    }
  }, [timeline])

  // What is on screen while the page is visible is read.
  const last = state.messages.at(-1)?.seq
  useEffect(() => {
    if (last === undefined) return
    const mark = () => document.visibilityState === 'visible' && markRead(roomId, last)
    mark()
    document.addEventListener('visibilitychange', mark)
    return () => document.removeEventListener('visibilitychange', mark)
  }, [last])

  useEffect(() => {
    document.title = `${title} · Hearth`
  }, [title])

  const authors = useMemo(() => [...new Set(state.messages.map((m) => m.authorId))], [state.messages])
  useEffect(() => {
    if (room?.communityId === null && authors.length) noteDmMembers(roomId, authors)
  }, [authors, room])

  if (missing) {
    return (
      <section class="page" aria-labelledby="missing-title">
        <h1 id="missing-title">Room not available</h1>
        <p role="alert">This room does not exist, or you cannot see it.</p>
        <Link href={href.home()}>Back home</Link>
      </section>
    )
  }

  const actions: MessageActions = {
    reply: (m) => (setEditing(undefined), setReplyTo(m)),
    edit: (m) => (setReplyTo(undefined), setEditing(m)),
    report: setReporting,
  }

  return (
    <div class={threadId || showInfo ? 'room with-thread' : 'room'}>
      <section class="room-main" aria-labelledby="room-title">
        <header class="room-head">
          <h1 id="room-title">
            {room?.kind === 'private' ? <Icon name="lock" /> : room?.kind === 'text' ? <span aria-hidden="true"># </span> : null}
            {title}
          </h1>
          {room?.topic && <p class="muted topic">{room.topic}</p>}
          <button type="button" onClick={() => setShowPins(true)}>
            Pinned ({state.pinned.size})
          </button>
          <button type="button" class="info-button" aria-expanded={showInfo} onClick={() => setShowInfo(!showInfo)}>
            Room info
          </button>
        </header>
        <Messages timeline={timeline} state={state} actions={actions} />
        <TypingLine typing={state.typing} />
        <SeenLine state={state} />
        {room && (
          <Composer
            roomId={roomId}
            label={`Message ${room.kind === 'text' ? '# ' : ''}${title}`}
            send={(input) => timeline.send(input)}
            replyTo={replyTo}
            editing={editing}
            onDone={() => (setReplyTo(undefined), setEditing(undefined))}
            allowPolls={room.kind !== 'dm'}
          />
        )}
      </section>
      {showInfo && room && <RoomInfoPanel room={room} onClose={() => setShowInfo(false)} />}
      {threadId && room && !showInfo && <ThreadPanel room={room} rootId={threadId} timeline={timeline} state={state} actions={actions} />}
      {showPins && <PinsDialog state={state} onClose={() => setShowPins(false)} />}
      {reporting && <ReportDialog message={reporting} communityId={room?.communityId ?? null} onClose={() => setReporting(undefined)} />}
    </div>
  )
}

export function useRoomTitle(room: Room | undefined): string {
  const everyone = useStore(people)
  const members = useStore(dmMembers).get(room?.id ?? '')
  if (!room) return '…'
  if (room.kind !== 'dm' && room.kind !== 'group_dm') return room.kind === 'private' ? `${room.name ?? 'room'} (private)` : (room.name ?? 'room')
  if (room.name) return room.name
  const others = [...(members ?? [])].filter((id) => id !== selfId())
  return others.length ? others.map((id) => nameOf(everyone.get(id))).join(', ') : 'Direct message'
}

const FIRST_MESSAGES = 'hearth:first-messages'

function Messages({ timeline, state, actions }: { timeline: RoomTimeline; state: TimelineState; actions: MessageActions }) {
  const list = useRef<HTMLOListElement>(null)
  const top = useRef<HTMLLIElement>(null)
  const stick = useRef(true)
  const byId = useMemo(() => new Map(state.messages.map((m) => [m.id, m])), [state.messages])
  const threads = useMemo(() => {
    const counts = new Map<string, number>()
    for (const m of state.messages) if (m.threadRootId) counts.set(m.threadRootId, (counts.get(m.threadRootId) ?? 0) + 1)
    return counts
  }, [state.messages])

  // Older pages load when the top comes into view; the reading position stays put.
  useEffect(() => {
    const sentinel = top.current
    if (!sentinel || state.atStart) return
    const seen = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && timeline.loadOlder(), { root: list.current })
    seen.observe(sentinel)
    return () => seen.disconnect()
  }, [state.atStart, state.ready])

  const height = useRef(0)
  const sending = useRef(0)
  useLayoutEffect(() => {
    const el = list.current
    if (!el) return
    // What I send is what I want to see: back to the bottom.
    if (state.outgoing.length > sending.current) stick.current = true
    sending.current = state.outgoing.length
    if (stick.current) el.scrollTop = el.scrollHeight
    else if (el.scrollTop < 40 && height.current) el.scrollTop += el.scrollHeight - height.current
    height.current = el.scrollHeight
  }, [state.messages, state.outgoing])

  // The first render of a room's messages, for whoever measures the page (the browser tests print it).
  useLayoutEffect(() => {
    if (state.ready && !performance.getEntriesByName(FIRST_MESSAGES).length) performance.mark(FIRST_MESSAGES)
  }, [state.ready])

  if (!state.ready) return <Loading what="messages" />
  return (
    <ol
      class="messages"
      ref={list}
      aria-label="Messages"
      aria-live="polite"
      aria-relevant="additions"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60
      }}
    >
      <li ref={top} class="history-edge">
        {state.atStart ? (
          <span class="muted">The beginning of this room.</span>
        ) : (
          <button type="button" disabled={state.loadingOlder} onClick={() => timeline.loadOlder()}>
            {state.loadingOlder ? 'Loading…' : 'Load older messages'}
          </button>
        )}
      </li>
      {state.error && (
        <li class="error" role="alert">
          {state.error}
        </li>
      )}
      {state.messages.map((m) => (
        <MessageItem
          key={m.id}
          message={m}
          replied={m.replyTo ? byId.get(m.replyTo) : undefined}
          threadCount={m.threadRootId ? 0 : (threads.get(m.id) ?? 0)}
          pinned={state.pinned.has(m.id)}
          mine={state.mine}
          actions={actions}
        />
      ))}
      {state.outgoing.map((e) => (
        <OutgoingItem key={e.nonce} entry={e} />
      ))}
    </ol>
  )
}

function TypingLine({ typing }: { typing: string[] }) {
  return (
    <p class="typing muted" aria-live="polite">
      {typing.length > 0 && <TypingNames ids={typing} />}
    </p>
  )
}

function TypingNames({ ids }: { ids: string[] }) {
  const first = useName(ids[0])
  return (
    <>
      {ids.length === 1 ? `${first} is typing…` : `${first} and ${ids.length - 1} more are typing…`}
    </>
  )
}

/** Under my last message: who has read it. */
function SeenLine({ state }: { state: TimelineState }) {
  const everyone = useStore(people)
  const mine = [...state.messages].reverse().find((m) => m.authorId === selfId())
  const readers = mine ? [...state.readBy].filter(([, seq]) => seq >= mine.seq).map(([id]) => nameOf(everyone.get(id))) : []
  return (
    <p class="seen muted" aria-live="polite" data-testid="seen">
      {readers.length > 0 && `Seen by ${readers.join(', ')}`}
    </p>
  )
}

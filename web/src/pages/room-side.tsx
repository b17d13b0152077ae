import type { Message } from '../../../client/src/index.ts'
import { useEffect, useState } from 'preact/hooks'
import type { Room } from '../directory'
import { Icon } from '../icons'
import { useName } from '../people'
import { href, Link } from '../router'
import { describe, hearth, unwrap } from '../session'
import type { RoomTimeline, TimelineState } from '../timeline'
import { Choice, Dialog, ErrorNote, useAction } from '../ui'
import { Composer } from './composer'
import { MessageItem, type MessageActions } from './message'

// What opens beside a room: a thread, the pinned messages, a report.

export function ThreadPanel(props: { room: Room; rootId: string; timeline: RoomTimeline; state: TimelineState; actions: MessageActions }) {
  const [loaded, setLoaded] = useState<{ root: Message; replies: Message[] }>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    hearth.api.GET('/v1/messages/{id}/thread', { params: { path: { id: props.rootId } } }).then(
      (r) => setLoaded(unwrap(r)),
      (err) => setError(describe(err)),
    )
  }, [props.rootId])
  // The thread as loaded, joined by what arrived since (live messages of this thread).
  const live = props.state.messages.filter((m) => m.threadRootId === props.rootId)
  const root = props.state.messages.find((m) => m.id === props.rootId) ?? loaded?.root
  const replies = new Map<string, Message>()
  for (const m of [...(loaded?.replies ?? []), ...live]) replies.set(m.id, m)
  const ordered = [...replies.values()].sort((a, b) => a.seq - b.seq)
  return (
    <aside class="thread" aria-labelledby="thread-title">
      <header class="room-head">
        <h2 id="thread-title">Thread</h2>
        <Link href={href.room(props.room.id)} aria-label="Close the thread">
          <Icon name="close" />
        </Link>
      </header>
      <ErrorNote error={error} />
      <ol class="messages" aria-label="Thread messages">
        {root && <MessageItem message={root} threadCount={0} pinned={props.state.pinned.has(root.id)} mine={props.state.mine} actions={props.actions} inThread />}
        {ordered.map((m) => (
          <MessageItem key={m.id} message={m} threadCount={0} pinned={props.state.pinned.has(m.id)} mine={props.state.mine} actions={props.actions} inThread />
        ))}
      </ol>
      <Composer roomId={props.room.id} label="Reply in thread" send={(input) => props.timeline.send({ ...input, replyTo: input.replyTo ?? props.rootId })} onDone={() => undefined} />
    </aside>
  )
}

export function PinsDialog({ state, onClose }: { state: TimelineState; onClose: () => void }) {
  const pinned = state.messages.filter((m) => state.pinned.has(m.id))
  return (
    <Dialog title="Pinned messages" onClose={onClose}>
      {state.pinned.size === 0 ? (
        <p class="muted">Nothing is pinned in this room.</p>
      ) : (
        <ul class="plain">
          {pinned.map((m) => (
            <li>
              <PinnedLine message={m} />
            </li>
          ))}
          {pinned.length < state.pinned.size && <li class="muted">{state.pinned.size - pinned.length} more in older history.</li>}
        </ul>
      )}
    </Dialog>
  )
}

function PinnedLine({ message }: { message: Message }) {
  const author = useName(message.authorId)
  return (
    <>
      <strong>{author}</strong>: {message.body}
    </>
  )
}

const REASONS = ['spam', 'harassment', 'hate', 'sexual', 'violence', 'self_harm', 'misinformation', 'other'] as const

export function ReportDialog({ message, communityId, onClose }: { message: Message; communityId: string | null; onClose: () => void }) {
  const [reason, setReason] = useState<(typeof REASONS)[number]>('spam')
  const [details, setDetails] = useState('')
  const [done, setDone] = useState(false)
  const report = useAction(async () => {
    unwrap(
      await hearth.api.POST('/v1/reports', {
        body: { target: { kind: 'message', id: message.id, ...(communityId ? { communityId } : {}) }, reason, ...(details.trim() ? { details: details.trim() } : {}) },
      }),
    )
    setDone(true)
  })
  return (
    <Dialog title="Report a message" onClose={onClose}>
      {done ? (
        <p role="status">Thank you: the moderators will look at it.</p>
      ) : (
        <form class="stack" onSubmit={(e) => (e.preventDefault(), report.run())}>
          <blockquote class="quote">{message.body}</blockquote>
          <Choice label="Reason" value={reason} options={REASONS.map((r) => [r, r.replace('_', ' ')] as const)} onChange={setReason} />
          <label>
            Details (optional)
            <textarea value={details} maxLength={1000} onInput={(e) => setDetails(e.currentTarget.value)} />
          </label>
          <ErrorNote error={report.error} />
          <button type="submit" disabled={report.busy}>
            Send report
          </button>
        </form>
      )}
    </Dialog>
  )
}


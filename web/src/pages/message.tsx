import type { Message, OutboxEntry } from '../../../client/src/index.ts'
import { useEffect, useState } from 'preact/hooks'
import { PersonAvatar } from '../avatar'
import { rooms } from '../directory'
import { getMedia, isImage, placeholderOf, type MediaSummary, type MediaView } from '../media'
import { Icon } from '../icons'
import { useName } from '../people'
import { PresenceDot } from '../presence'
import { href, Link } from '../router'
import { describe, hearth, selfId, unwrap } from '../session'
import { useStore } from '../store'
import { Time } from '../ui'
import { Poll } from './poll'
import { PersonButton } from './profile'

export const REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢']

export interface MessageActions {
  reply(message: Message): void
  edit(message: Message): void
  report(message: Message): void
}

/** One committed message: author, time, quoted reply, body, attachments or poll, reactions, and its actions. */
export function MessageItem(props: {
  message: Message
  replied?: Message
  threadCount: number
  pinned: boolean
  mine: ReadonlySet<string>
  actions: MessageActions
  inThread?: boolean
}) {
  const { message: m, actions } = props
  const author = useName(m.authorId)
  const [error, setError] = useState<string>()
  const own = selfId() === m.authorId
  const deleted = m.deletedAt !== null
  const act = (fn: () => Promise<unknown>) => fn().then(() => setError(undefined), (err) => setError(describe(err)))
  const toggle = (emoji: string) => {
    const on = props.mine.has(`${m.id} ${emoji}`)
    act(() => (on ? hearth.realtime.unreact(m.id, emoji) : hearth.realtime.react(m.id, emoji)))
  }
  const pin = () =>
    act(async () =>
      unwrap(
        props.pinned
          ? await hearth.api.DELETE('/v1/rooms/{id}/pins/{messageId}', { params: { path: { id: m.roomId, messageId: m.id } } })
          : await hearth.api.PUT('/v1/rooms/{id}/pins/{messageId}', { params: { path: { id: m.roomId, messageId: m.id } } }),
      ),
    )
  return (
    <li class={`message${own ? ' own' : ''}${deleted ? ' deleted' : ''}`} data-seq={m.seq} data-id={m.id}>
      <div class="meta">
        <PersonAvatar userId={m.authorId} />
        <PresenceDot userId={m.authorId} />
        <PersonButton userId={m.authorId} class="author" />
        <Time iso={m.createdAt} />
        {m.editedAt && !deleted && <span class="muted">(edited)</span>}
        {props.pinned && <span class="tag">pinned</span>}
      </div>
      {props.replied && !props.inThread && (
        <blockquote class="quote">
          <Quoted message={props.replied} />
        </blockquote>
      )}
      {deleted ? (
        <p class="body muted">This message was deleted.</p>
      ) : m.kind === 'poll' && m.pollId ? (
        <Poll pollId={m.pollId} fallback={m.poll} />
      ) : (
        <p class="body">{m.body}</p>
      )}
      {!deleted && m.kind === 'survey' && m.surveyId && <SurveyLink roomId={m.roomId} surveyId={m.surveyId} />}
      {!deleted && m.attachments.length > 0 && <Attachments ids={m.attachments} info={(m as { attachmentInfo?: MediaSummary[] }).attachmentInfo} />}
      {m.reactions.length > 0 && (
        <div class="reactions" aria-label="Reactions">
          {m.reactions.map((r) => (
            <button type="button" class={props.mine.has(`${m.id} ${r.emoji}`) ? 'chip on' : 'chip'} aria-pressed={props.mine.has(`${m.id} ${r.emoji}`)} aria-label={`${r.emoji} ${r.count}`} onClick={() => toggle(r.emoji)}>
              {r.emoji} {r.count}
            </button>
          ))}
        </div>
      )}
      {props.threadCount > 0 && !props.inThread && (
        <Link class="thread-link" href={href.thread(m.roomId, m.threadRootId ?? m.id)}>
          {props.threadCount} {props.threadCount === 1 ? 'reply' : 'replies'} in thread
        </Link>
      )}
      {!deleted && (
        <div class="actions" role="toolbar" aria-label={`Actions on the message from ${author}`}>
          <details class="react-menu">
            <summary aria-label="Add a reaction">
              <Icon name="smile" />
            </summary>
            <div class="menu">
              {REACTIONS.map((emoji) => (
                <button type="button" aria-label={`React ${emoji}`} onClick={(e) => (toggle(emoji), (e.currentTarget.closest('details') as HTMLDetailsElement).open = false)}>
                  {emoji}
                </button>
              ))}
            </div>
          </details>
          <button type="button" onClick={() => actions.reply(m)}>
            Reply
          </button>
          {!props.inThread && <Link href={href.thread(m.roomId, m.threadRootId ?? m.id)}>Thread</Link>}
          {own && m.kind !== 'poll' && (
            <button type="button" onClick={() => actions.edit(m)}>
              Edit
            </button>
          )}
          {own && (
            <button type="button" onClick={() => confirm('Delete this message?') && act(() => hearth.realtime.remove(m.id))}>
              Delete
            </button>
          )}
          <button type="button" onClick={pin}>
            {props.pinned ? 'Unpin' : 'Pin'}
          </button>
          {!own && (
            <button type="button" onClick={() => actions.report(m)}>
              Report
            </button>
          )}
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  )
}

/** A survey announced in the room: the way to it. */
function SurveyLink({ roomId, surveyId }: { roomId: string; surveyId: string }) {
  const communityId = useStore(rooms).get(roomId)?.communityId
  return communityId ? (
    <Link class="survey-link" href={href.survey(communityId, surveyId)}>
      Open the survey
    </Link>
  ) : null
}

function Quoted({ message }: { message: Message }) {
  const author = useName(message.authorId)
  return (
    <>
      <strong>{author}</strong> {message.deletedAt ? 'deleted message' : message.body.slice(0, 140)}
    </>
  )
}

/** A send of mine not committed yet: pending (resent after reconnects) or failed, with retry. */
export function OutgoingItem({ entry }: { entry: OutboxEntry }) {
  const self = useName(selfId())
  return (
    <li class={`message own outgoing ${entry.state}`} data-nonce={entry.nonce} data-state={entry.state}>
      <div class="meta">
        <strong class="author">{self}</strong>
        <span class="muted" role="status">
          {entry.state === 'failed' ? 'Not sent' : entry.state === 'sent' ? 'Sent' : 'Sending…'}
        </span>
      </div>
      <p class="body">{entry.body}</p>
      {entry.state === 'failed' && (
        <div class="actions visible">
          <span class="error" role="alert">
            {entry.error?.message ?? entry.error?.code}
          </span>
          <button type="button" onClick={() => hearth.realtime.retry(entry.nonce)}>
            Retry
          </button>
          <button type="button" onClick={() => hearth.realtime.discard(entry.nonce)}>
            Discard
          </button>
        </div>
      )}
    </li>
  )
}

function Attachments({ ids, info }: { ids: string[]; info?: MediaSummary[] }) {
  return (
    <div class="attachments">
      {ids.map((id) => (
        <Attachment key={id} id={id} summary={info?.find((s) => s.id === id)} />
      ))}
    </div>
  )
}

/**
 * An attachment: while the server processes it, its blurred placeholder (from the thumbhash)
 * at its real size; then the image (its small variant, linking to the large one) or a link.
 */
function Attachment({ id, summary }: { id: string; summary?: MediaSummary }) {
  const [view, setView] = useState<MediaView>()
  const [error, setError] = useState<string>()
  const status = view?.status ?? summary?.status
  useEffect(() => {
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const look = async (tries: number) => {
      try {
        const media = await getMedia(id)
        if (!live) return
        setError(undefined)
        setView(media)
        if ((media.status === 'processing' || media.status === 'pending') && tries < 60) timer = setTimeout(() => look(tries + 1), 1000)
      } catch (err) {
        if (!live) return
        // Who may fetch a message's media is settled just after the message commits (the
        // server's message.created reaction): an early 404 is asked again for a few seconds.
        if (tries < 10) timer = setTimeout(() => look(tries + 1), 500)
        else setError(describe(err))
      }
    }
    look(0)
    const stop = hearth.realtime.onEvent('media.updated', (data) => {
      if ((data as { mediaId?: string }).mediaId === id || data.id === id) look(0)
    })
    return () => {
      live = false
      clearTimeout(timer)
      stop()
    }
  }, [id, summary?.status])
  const contentType = view?.contentType ?? summary?.contentType ?? ''
  const width = view?.width ?? summary?.width
  const height = view?.height ?? summary?.height
  const name = view?.filename ?? summary?.filename ?? 'attachment'
  if (error) return <p class="error">Attachment unavailable: {error}</p>
  if (status === 'failed') return <p class="error">{name} could not be processed{view?.error ? `: ${view.error}` : ''}.</p>
  if (isImage(contentType) && status === 'ready' && view) {
    const small = view.variants.find((v) => v.name === 'w400') ?? view.variants[0]
    const large = view.variants.at(-1)
    return (
      <a href={large?.url ?? view.url} target="_blank" rel="noreferrer" class="image-link">
        <img class="attachment-image" data-state="ready" src={small?.url ?? view.url} alt={name} width={small?.width ?? width} height={small?.height ?? height} loading="lazy" />
      </a>
    )
  }
  if (isImage(contentType) || status !== 'ready') {
    const placeholder = placeholderOf(view?.thumbhash ?? summary?.thumbhash)
    const box = width && height ? { aspectRatio: `${width} / ${height}` } : {}
    return (
      <div class="attachment-placeholder" data-state="processing" role="img" aria-label={`${name}, processing`} style={{ ...box, backgroundImage: placeholder ? `url(${placeholder})` : undefined }}>
        <span>Processing…</span>
      </div>
    )
  }
  return (
    <a class="file-link" href={view?.url} download={name}>
      📎 {name} ({Math.ceil((view?.size ?? summary?.size ?? 0) / 1024)} KB)
    </a>
  )
}

import type { Message } from '../../../client/src/index.ts'
import { useId, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { useRoomPermissions } from '../access'
import { Icon } from '../icons'
import { upload, type MediaView } from '../media'
import { useName } from '../people'
import { describe, hearth, unwrap } from '../session'
import { Dialog, ErrorNote, Field, useAction } from '../ui'

interface Upload {
  file: File
  preview?: string
  media?: MediaView
  error?: string
}

/**
 * Writes in a room: Enter sends, Shift+Enter breaks the line, Escape cancels a reply or
 * an edit. A send goes to the client's outbox (shown pending until committed); typing is
 * told to the room at most every 3 s; files are uploaded before the message is sent. Attaching
 * and polls are offered to who may (`attach`, `create_polls` in the room).
 */
export function Composer(props: {
  roomId: string
  label: string
  send: (input: { body: string; replyTo?: string; attachments?: string[] }) => void
  replyTo?: Message
  editing?: Message
  onDone: () => void
  allowPolls?: boolean
}) {
  const [text, setText] = useState('')
  const [uploads, setUploads] = useState<Upload[]>([])
  const [error, setError] = useState<string>()
  const [pollOpen, setPollOpen] = useState(false)
  const mine = useRoomPermissions(props.roomId)
  const lastTyping = useRef(0)
  const input = useRef<HTMLTextAreaElement>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const id = useId()
  const replyName = useName(props.replyTo?.authorId)

  // Before the next keystroke is handled: typing right after "Reply" goes into the reply.
  useLayoutEffect(() => {
    if (props.editing) setText(props.editing.body)
    if (props.editing || props.replyTo) input.current?.focus()
  }, [props.editing?.id, props.replyTo?.id])

  const typing = () => {
    if (Date.now() - lastTyping.current < 3000) return
    lastTyping.current = Date.now()
    hearth.realtime.typing(props.roomId).catch(() => undefined)
  }

  const submit = async () => {
    const body = text.trim()
    if (props.editing) {
      if (!body) return
      try {
        await hearth.realtime.edit(props.editing.id, body)
        setText('')
        props.onDone()
      } catch (err) {
        setError(describe(err))
      }
      return
    }
    if (uploads.some((u) => !u.media && !u.error)) return setError('Wait for the uploads to finish.')
    const attachments = uploads.flatMap((u) => (u.media ? [u.media.id] : []))
    if (!body && !attachments.length) return
    props.send({ body: body || uploads.map((u) => u.file.name).join(', '), replyTo: props.replyTo?.id, ...(attachments.length ? { attachments } : {}) })
    for (const u of uploads) if (u.preview) URL.revokeObjectURL(u.preview)
    setText('')
    setUploads([])
    setError(undefined)
    lastTyping.current = 0
    props.onDone()
  }

  const attach = (files: FileList | null) => {
    for (const file of Array.from(files ?? []).slice(0, 4)) {
      const entry: Upload = { file, preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined }
      setUploads((list) => [...list, entry])
      upload(file).then(
        (media) => setUploads((list) => list.map((u) => (u.file === file ? { ...u, media } : u))),
        (err) => setUploads((list) => list.map((u) => (u.file === file ? { ...u, error: describe(err) } : u))),
      )
    }
  }

  return (
    <form class="composer" onSubmit={(e) => (e.preventDefault(), submit())}>
      {(props.replyTo || props.editing) && (
        <div class="composer-context">
          <span>{props.editing ? 'Editing your message' : `Replying to ${replyName}`}</span>
          <button type="button" class="link" onClick={() => (setText(''), props.onDone())}>
            Cancel
          </button>
        </div>
      )}
      {uploads.length > 0 && (
        <ul class="uploads" aria-label="Attachments">
          {uploads.map((u) => (
            <li class="upload" data-state={u.error ? 'failed' : u.media ? 'uploaded' : 'uploading'}>
              {u.preview ? <img src={u.preview} alt="" /> : <Icon name="clip" />}
              <span>{u.file.name}</span>
              <span class={u.error ? 'error' : 'muted'}>{u.error ?? (u.media ? 'ready to send' : 'uploading…')}</span>
              <button type="button" class="icon" aria-label={`Remove ${u.file.name}`} onClick={() => setUploads((list) => list.filter((x) => x !== u))}>
                <Icon name="close" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="composer-row">
        <label for={id} class="visually-hidden">
          {props.label}
        </label>
        <textarea
          id={id}
          ref={input}
          rows={1}
          placeholder={props.label}
          value={text}
          maxLength={4000}
          onInput={(e) => {
            setText(e.currentTarget.value)
            if (e.currentTarget.value) typing()
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault()
              submit()
            } else if (e.key === 'Escape' && (props.replyTo || props.editing)) {
              setText('')
              props.onDone()
            }
          }}
        />
        {!props.editing && (
          <>
            <input ref={fileInput} type="file" class="visually-hidden" tabIndex={-1} aria-hidden="true" multiple onChange={(e) => (attach(e.currentTarget.files), (e.currentTarget.value = ''))} />
            {mine?.has('attach') && (
              <button type="button" class="icon" aria-label="Attach files" onClick={() => fileInput.current?.click()}>
                <Icon name="clip" />
              </button>
            )}
            {props.allowPolls && mine?.has('create_polls') && (
              <button type="button" class="icon" aria-label="Create a poll" onClick={() => setPollOpen(true)}>
                <Icon name="poll" />
              </button>
            )}
          </>
        )}
        <button type="submit">{props.editing ? 'Save' : 'Send'}</button>
      </div>
      <ErrorNote error={error} />
      {pollOpen && <PollDialog roomId={props.roomId} onClose={() => setPollOpen(false)} />}
    </form>
  )
}

function PollDialog({ roomId, onClose }: { roomId: string; onClose: () => void }) {
  const [question, setQuestion] = useState('')
  const [options, setOptions] = useState(['', ''])
  const [multiple, setMultiple] = useState(false)
  const [anonymous, setAnonymous] = useState(false)
  const create = useAction(async () => {
    unwrap(
      await hearth.api.POST('/v1/rooms/{id}/polls', {
        params: { path: { id: roomId } },
        body: { question: question.trim(), options: options.map((o) => o.trim()).filter(Boolean), multiple, anonymous },
      }),
    )
    onClose()
  })
  return (
    <Dialog title="New poll" onClose={onClose}>
      <form class="stack" onSubmit={(e) => (e.preventDefault(), create.run())}>
        <Field label="Question" value={question} onInput={setQuestion} required maxLength={300} />
        {options.map((o, i) => (
          <Field label={`Option ${i + 1}`} value={o} onInput={(v) => setOptions((list) => list.map((x, j) => (j === i ? v : x)))} required={i < 2} maxLength={100} />
        ))}
        {options.length < 10 && (
          <button type="button" class="link" onClick={() => setOptions((list) => [...list, ''])}>
            Add an option
          </button>
        )}
        <label class="check">
          <input type="checkbox" checked={multiple} onChange={(e) => setMultiple(e.currentTarget.checked)} /> Several choices
        </label>
        <label class="check">
          <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.currentTarget.checked)} /> Anonymous
        </label>
        <ErrorNote error={create.error} />
        <button type="submit" disabled={create.busy}>
          Create poll
        </button>
      </form>
    </Dialog>
  )
}

import type { ComponentChildren } from 'preact'
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks'
import { Icon } from './icons'
import { describe } from './session'

/** Data loaded for a page: re-run `reload` after a change; `error` says what went wrong. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string }>({})
  const [round, setRound] = useState(0)
  useEffect(() => {
    let live = true
    load().then(
      (data) => live && setState({ data }),
      (err) => live && setState((s) => ({ data: s.data, error: describe(err) })),
    )
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round])
  return { data: state.data, error: state.error, reload: useCallback(() => setRound((r) => r + 1), []) }
}

/** An action behind a button or a form: `busy` while it runs, `error` if it failed. */
export function useAction<A extends unknown[]>(act: (...args: A) => Promise<unknown>) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const run = async (...args: A) => {
    setBusy(true)
    setError(undefined)
    try {
      await act(...args)
      return true
    } catch (err) {
      setError(describe(err))
      return false
    } finally {
      setBusy(false)
    }
  }
  return { run, busy, error, setError }
}

/**
 * A row of the server's that a control changes (a switch): the change shows at once, then
 * as the server answered it — or as it was, with the error, if refused.
 */
export function useEditable<T extends object>(row: T, save: (patch: Partial<T>) => Promise<T>) {
  const [shown, setShown] = useState(row)
  useEffect(() => setShown(row), [row])
  const edit = useAction(async (patch: Partial<T>) => {
    setShown((r) => ({ ...r, ...patch }))
    try {
      setShown(await save(patch))
    } catch (err) {
      setShown(row)
      throw err
    }
  })
  return [shown, edit] as const
}

export function ErrorNote({ error }: { error: string | undefined }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  )
}

/** A list `useLoad` loads: its error, "Loading…" until it came, `empty` when there is nothing, else each item. */
export function LoadedList<T>({ list, what, empty, item }: { list: { data: T[] | undefined; error: string | undefined }; what: string; empty: string; item: (row: T) => ComponentChildren }) {
  return (
    <>
      <ErrorNote error={list.error} />
      {!list.data ? (
        !list.error && <Loading what={what} />
      ) : list.data.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <ul class="plain list">{list.data.map(item)}</ul>
      )}
    </>
  )
}

interface FieldProps {
  type?: 'text' | 'email' | 'password' | 'number' | 'search' | 'datetime-local' | 'date'
  required?: boolean
  minLength?: number
  maxLength?: number
  pattern?: string
  autoComplete?: string
  min?: number
  max?: number
  placeholder?: string
  label: string
  value: string
  onInput: (value: string) => void
  hint?: string
}

/** A labelled input: the label names it for screen readers and focuses it when clicked. */
export function Field({ label, value, onInput, hint, ...rest }: FieldProps) {
  const id = useId()
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {/* Preact types each input `type` apart; these attributes suit every type listed above. */}
      <input id={id} value={value} onInput={(e) => onInput(e.currentTarget.value)} aria-describedby={hint ? `${id}-hint` : undefined} {...(rest as { type: 'text' })} />
      {hint && (
        <small id={`${id}-hint`} class="muted">
          {hint}
        </small>
      )}
    </div>
  )
}

/** Choices for a select, in the order shown: each value and what the user reads for it. */
export type Options<V extends string> = Readonly<Record<V, string>> | readonly (readonly [value: V, label: string])[]

/** A labelled select (the label wraps it, so it names it for screen readers). */
export function Choice<V extends string>({ label, value, options, onChange }: { label: string; value: V; options: Options<V>; onChange: (value: V) => void }) {
  const pairs = (Array.isArray(options) ? options : Object.entries(options)) as readonly (readonly [V, string])[]
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value as V)}>
        {pairs.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  )
}

export function Badge({ count, mention, label }: { count: number; mention?: boolean; label: string }) {
  if (count <= 0) return null
  return (
    <span class={mention ? 'badge mention' : 'badge'} aria-label={label} title={label}>
      {count > 99 ? '99+' : count}
    </span>
  )
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function Time({ iso, full }: { iso: string; full?: boolean }) {
  const date = new Date(iso)
  const sameDay = new Date().toDateString() === date.toDateString()
  return (
    <time dateTime={iso} title={dateTimeFormat.format(date)}>
      {full || !sameDay ? dateTimeFormat.format(date) : timeFormat.format(date)}
    </time>
  )
}

/** A dialog that traps nothing but takes focus, closes on Escape, and gives focus back. */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const before = document.activeElement as HTMLElement | null
    dialog.showModal()
    return () => {
      dialog.close()
      before?.focus()
    }
  }, [])
  const id = useId()
  return (
    <dialog ref={ref} aria-labelledby={id} onCancel={(e) => (e.preventDefault(), onClose())} onClose={onClose}>
      <header class="dialog-head">
        <h2 id={id}>{title}</h2>
        <button type="button" class="icon" aria-label="Close" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {children}
    </dialog>
  )
}

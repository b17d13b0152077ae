import { HearthError, type Data, type Message } from '../../../client/src/index.ts'
import { useEffect, useId, useState } from 'preact/hooks'
import { describe, hearth, selfId, unwrap } from '../session'

type PollView = Data<'/v1/polls/{id}', 'get'>

/** A poll in a message: its options to vote on, and the counts where its visibility rule shows them (live). */
export function Poll({ pollId, fallback }: { pollId: string; fallback?: Message['poll'] }) {
  const [poll, setPoll] = useState<PollView>()
  const [choices, setChoices] = useState<string[]>([])
  const [error, setError] = useState<string>()
  const name = useId()
  useEffect(() => {
    let live = true
    // The poll's message can arrive a moment before the poll records where it was posted
    // (until then it answers 404): asked again a few times.
    const load = async (tries: number) => {
      try {
        const view = unwrap(await hearth.api.GET('/v1/polls/{id}', { params: { path: { id: pollId } } }))
        if (!live) return
        setPoll(view)
        setChoices(view.myChoices)
      } catch (err) {
        if (!live) return
        if (err instanceof HearthError && err.code === 'not_found' && tries < 8) setTimeout(() => load(tries + 1), 250)
        else setError(describe(err))
      }
    }
    load(0)
    const stop = hearth.realtime.onEvent('poll.updated', (update) => {
      if (update.id !== pollId) return
      setPoll((p) =>
        p && {
          ...p,
          closed: update.closed,
          ...(typeof update.voters === 'number' ? { voters: update.voters } : {}),
          ...(typeof update.countsVisible === 'boolean' ? { countsVisible: update.countsVisible } : {}),
          ...(Array.isArray(update.myChoices) ? { myChoices: update.myChoices as string[] } : {}),
          options: p.options.map((o) => {
            const votes = update.options.find((u) => u.id === o.id)?.votes
            return votes === undefined ? o : { ...o, votes }
          }),
        },
      )
    })
    return () => {
      live = false
      stop()
    }
  }, [pollId])
  const options = poll?.options ?? fallback?.options ?? []
  const question = poll?.question ?? fallback?.question ?? 'Poll'
  const multiple = poll?.multiple ?? fallback?.multiple ?? false
  const total = options.reduce((n, o) => n + ((o as { votes?: number }).votes ?? 0), 0)
  const vote = async () => {
    try {
      const view = unwrap(await hearth.api.PUT('/v1/polls/{id}/vote', { params: { path: { id: pollId } }, body: { choices } }))
      setPoll(view)
      setError(undefined)
    } catch (err) {
      setError(describe(err))
    }
  }
  const close = async () => {
    try {
      setPoll(unwrap(await hearth.api.POST('/v1/polls/{id}/close', { params: { path: { id: pollId } } })))
    } catch (err) {
      setError(describe(err))
    }
  }
  return (
    <form class="poll" onSubmit={(e) => (e.preventDefault(), vote())}>
      <fieldset disabled={poll?.closed}>
        <legend>
          📊 {question} {poll?.closed && <span class="tag">closed</span>}
        </legend>
        {options.map((o) => {
          const votes = (o as { votes?: number }).votes
          const share = votes === undefined ? undefined : total > 0 ? Math.round((votes / total) * 100) : 0
          return (
            <label class="poll-option">
              <input
                type={multiple ? 'checkbox' : 'radio'}
                name={name}
                checked={choices.includes(o.id)}
                onChange={(e) => setChoices((c) => (e.currentTarget.checked ? (multiple ? [...c, o.id] : [o.id]) : c.filter((x) => x !== o.id)))}
              />
              <span>{o.text}</span>
              {share !== undefined && (
                <span class="poll-bar" style={{ '--share': `${share}%` }} aria-label={`${votes} votes`}>
                  {votes}
                </span>
              )}
            </label>
          )
        })}
        <div class="row">
          <button type="submit">Vote</button>
          {poll && !poll.countsVisible && <span class="muted">Results are shown {poll.resultsVisibility === 'after_close' ? 'when it closes' : 'after you vote'}.</span>}
          {poll?.authorId === selfId() && !poll?.closed && (
            <button type="button" onClick={close}>
              Close poll
            </button>
          )}
        </div>
      </fieldset>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}

import type { Data } from '../../../client/src/index.ts'
import { useEffect, useId, useState } from 'preact/hooks'
import { href, Link } from '../router'
import { hearth, unwrap } from '../session'
import { ErrorNote, Loading, Time, useAction, useLoad } from '../ui'
import type { Survey } from './surveys'

type Question = Survey['questions'][number]
type Answer = string | number | string[]
type Results = Data<'/v1/surveys/{id}/results', 'get'>

/** One survey: answer it (each kind of question), its results where I may see them, and for its managers close and export. */
export function SurveyPage({ communityId, surveyId }: { communityId: string; surveyId: string }) {
  const loaded = useLoad(async () => unwrap(await hearth.api.GET('/v1/surveys/{id}', { params: { path: { id: surveyId } } })), [surveyId])
  const [survey, setSurvey] = useState<Survey>()
  const [resultsRound, setResultsRound] = useState(0)
  useEffect(() => setSurvey(loaded.data), [loaded.data])
  useEffect(() => {
    document.title = `${survey?.title ?? 'Survey'} · Hearth`
  }, [survey?.title])
  const close = useAction(async () => {
    setSurvey(unwrap(await hearth.api.POST('/v1/surveys/{id}/close', { params: { path: { id: surveyId } } })))
    setResultsRound((n) => n + 1)
  })
  const download = useAction(async () => {
    const { data, error, response } = await hearth.api.GET('/v1/surveys/{id}/responses.csv', { params: { path: { id: surveyId } }, parseAs: 'text' })
    const csv = unwrap({ data: data as string | undefined, error, response })
    // A link cannot carry the token: the file is fetched, then handed to the browser to save.
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }))
    const a = document.createElement('a')
    a.href = url
    a.download = `${(survey?.title ?? 'survey').replace(/[^\p{L}\p{N} _-]/gu, '').trim() || 'survey'}.csv`
    a.click()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  })
  const s = survey
  const seesResults = !!s && (s.canManage || (s.resultsForRespondents && !!s.myResponse))
  return (
    <section class="page narrow" aria-labelledby="survey-title">
      <p>
        <Link href={href.surveys(communityId)}>← All surveys</Link>
      </p>
      <ErrorNote error={loaded.error} />
      {!s ? (
        !loaded.error && <Loading what="the survey" />
      ) : (
        <>
          <h1 id="survey-title">{s.title}</h1>
          <p class="muted">
            {s.closed ? (
              <>Closed{s.closedAt && <> <Time iso={s.closedAt} full /></>}.</>
            ) : s.closesAt ? (
              <>
                Open until <Time iso={s.closesAt} full />.
              </>
            ) : (
              'Open.'
            )}{' '}
            {s.anonymous && 'Anonymous. '}
            {s.myResponse && (
              <>
                You answered <Time iso={s.myResponse.updatedAt} full />.
              </>
            )}
          </p>
          {s.description && <p class="description">{s.description}</p>}
          {s.canManage && (
            <div class="row" role="group" aria-label="Manage the survey">
              {!s.closed && (
                <button type="button" disabled={close.busy} onClick={() => confirm('Close this survey? Nobody can answer after.') && close.run()}>
                  Close survey
                </button>
              )}
              <button type="button" disabled={download.busy} onClick={() => download.run()}>
                Download responses (CSV)
              </button>
            </div>
          )}
          <ErrorNote error={close.error ?? download.error} />
          {!s.closed && <AnswerForm survey={s} onSaved={(next) => (setSurvey(next), setResultsRound((n) => n + 1))} />}
          {seesResults && <SurveyResults key={resultsRound} survey={s} />}
        </>
      )}
    </section>
  )
}

function AnswerForm({ survey, onSaved }: { survey: Survey; onSaved: (s: Survey) => void }) {
  const [answers, setAnswers] = useState<Record<string, Answer>>(() => ({ ...(survey.myResponse?.answers ?? {}) }))
  const [saved, setSaved] = useState(false)
  const set = (id: string, value: Answer) => (setSaved(false), setAnswers((a) => ({ ...a, [id]: value })))
  const send = useAction(async () => {
    const given = Object.fromEntries(
      Object.entries(answers).filter(([, v]) => !(v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'number' && Number.isNaN(v)))),
    )
    const next = unwrap(await hearth.api.PUT('/v1/surveys/{id}/response', { params: { path: { id: survey.id } }, body: { answers: given } }))
    setSaved(true)
    onSaved(next)
  })
  return (
    <form class="card stack" aria-label="Your answers" onSubmit={(e) => (e.preventDefault(), send.run())}>
      {survey.questions.map((q) => (
        <QuestionInput key={q.id} question={q} value={answers[q.id]} onChange={(v) => set(q.id, v)} />
      ))}
      <ErrorNote error={send.error} />
      {saved && (
        <p role="status" class="ok">
          Your answers were saved.
        </p>
      )}
      <button type="submit" disabled={send.busy}>
        {survey.myResponse ? 'Update my answers' : 'Send my answers'}
      </button>
    </form>
  )
}

function QuestionInput({ question: q, value, onChange }: { question: Question; value: Answer | undefined; onChange: (v: Answer) => void }) {
  const id = useId()
  const prompt = (
    <>
      {q.prompt}
      {q.required && <span class="muted"> (required)</span>}
    </>
  )
  if (q.kind === 'single' || q.kind === 'multiple') {
    const chosen = Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
    return (
      <fieldset class="question">
        <legend>{prompt}</legend>
        {q.options?.map((o) => (
          <label class="check">
            <input
              type={q.kind === 'single' ? 'radio' : 'checkbox'}
              name={id}
              checked={chosen.includes(o.id)}
              onChange={(e) => onChange(q.kind === 'single' ? o.id : e.currentTarget.checked ? [...chosen, o.id] : chosen.filter((x) => x !== o.id))}
            />{' '}
            {o.text}
          </label>
        ))}
      </fieldset>
    )
  }
  if (q.kind === 'scale') {
    const min = q.min ?? 1
    const max = q.max ?? 5
    // A short scale is a row of choices; a long one, a number.
    if (max - min <= 10) {
      return (
        <fieldset class="question">
          <legend>{prompt}</legend>
          <div class="row scale">
            {Array.from({ length: max - min + 1 }, (_, i) => min + i).map((n) => (
              <label class="check">
                <input type="radio" name={id} checked={value === n} onChange={() => onChange(n)} /> {n}
              </label>
            ))}
          </div>
        </fieldset>
      )
    }
    return (
      <label class="question">
        <span>{prompt}</span>
        <input type="number" min={min} max={max} value={typeof value === 'number' ? value : ''} onInput={(e) => onChange(e.currentTarget.valueAsNumber)} />
        <small class="muted">
          From {min} to {max}
        </small>
      </label>
    )
  }
  if (q.kind === 'date') {
    return (
      <label class="question">
        <span>{prompt}</span>
        <input type="date" value={typeof value === 'string' ? value : ''} onInput={(e) => onChange(e.currentTarget.value)} />
      </label>
    )
  }
  return (
    <label class="question">
      <span>{prompt}</span>
      <textarea value={typeof value === 'string' ? value : ''} maxLength={q.maxLength ?? 1000} rows={3} onInput={(e) => onChange(e.currentTarget.value)} />
    </label>
  )
}

function SurveyResults({ survey }: { survey: Survey }) {
  const results = useLoad(async () => unwrap(await hearth.api.GET('/v1/surveys/{id}/results', { params: { path: { id: survey.id } } })), [survey.id])
  const r = results.data
  return (
    <section class="card stack" aria-labelledby="results-title">
      <div class="row spread">
        <h2 id="results-title">Results</h2>
        <button type="button" onClick={results.reload}>
          Refresh results
        </button>
      </div>
      <ErrorNote error={results.error} />
      {!r ? (
        !results.error && <Loading what="the results" />
      ) : (
        <>
          <p>
            {r.respondents} {r.respondents === 1 ? 'respondent' : 'respondents'}
          </p>
          {r.questions.map((result) => {
            const q = survey.questions.find((x) => x.id === result.id)
            return q ? <QuestionResult key={q.id} question={q} result={result} respondents={r.respondents} /> : null
          })}
        </>
      )}
    </section>
  )
}

function QuestionResult({ question: q, result, respondents }: { question: Question; result: Results['questions'][number]; respondents: number }) {
  const bars = (rows: { label: string; count: number }[]) => (
    <ul class="plain results">
      {rows.map((row) => {
        const share = respondents ? Math.round((row.count / respondents) * 100) : 0
        return (
          <li class="result-bar" style={{ '--share': `${share}%` }}>
            <span>{row.label}</span>
            <span class="count">{row.count}</span>
          </li>
        )
      })}
    </ul>
  )
  const counts = result.counts ?? {}
  return (
    <div class="question-result" aria-label={q.prompt} role="group">
      <h3>{q.prompt}</h3>
      <p class="muted">
        {result.answers} {result.answers === 1 ? 'answer' : 'answers'}
      </p>
      {(q.kind === 'single' || q.kind === 'multiple') && bars((q.options ?? []).map((o) => ({ label: o.text, count: counts[o.id] ?? 0 })))}
      {q.kind === 'date' && bars(Object.entries(counts).sort().map(([date, count]) => ({ label: date, count })))}
      {q.kind === 'scale' && (
        <>
          <p>Mean: {result.mean === null || result.mean === undefined ? '—' : result.mean.toFixed(1)}</p>
          {bars(Object.entries(result.distribution ?? {}).sort((a, b) => Number(a[0]) - Number(b[0])).map(([value, count]) => ({ label: value, count })))}
        </>
      )}
      {q.kind === 'text' && <p class="muted">Text answers are in the CSV.</p>}
    </div>
  )
}

import type { Body, Data } from '../../../client/src/index.ts'
import { useEffect, useState } from 'preact/hooks'
import { useMay } from '../access'
import { communities, groupOptions, roomsOf, useTree } from '../directory'
import { href, Link, navigate } from '../router'
import { hearth, unwrap } from '../session'
import { useStore } from '../store'
import { Choice, ErrorNote, Field, LoadedList, Time, useAction, useLoad } from '../ui'

export type Survey = Data<'/v1/surveys/{id}', 'get'>
type NewSurvey = Body<'/v1/communities/{id}/surveys', 'post'>
type QuestionInput = NewSurvey['questions'][number]
type Kind = QuestionInput['kind']

export const KINDS: Record<Kind, string> = { single: 'One choice', multiple: 'Several choices', text: 'Text', scale: 'Scale', date: 'Date' }

/** A community's surveys, newest first; a form to start one, for who may (`create_polls`). */
export function SurveysPage({ communityId }: { communityId: string }) {
  const community = useStore(communities)?.find((c) => c.id === communityId)
  const [creating, setCreating] = useState(false)
  const mayCreate = useMay({ communityId }, 'create_polls')
  useEffect(() => {
    document.title = `Surveys · ${community?.name ?? 'Community'} · Hearth`
  }, [community?.name])
  const list = useLoad(async () => unwrap(await hearth.api.GET('/v1/communities/{id}/surveys', { params: { path: { id: communityId } } })).surveys, [communityId])
  return (
    <section class="page" aria-labelledby="surveys-title">
      <div class="row spread">
        <h1 id="surveys-title">Surveys</h1>
        {mayCreate && (
          <button type="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>
            New survey
          </button>
        )}
      </div>
      {mayCreate && creating && <NewSurveyForm communityId={communityId} />}
      <LoadedList list={list} what="surveys" empty="No surveys yet." item={(s) => <SurveyLine key={s.id} communityId={communityId} survey={s} />} />
    </section>
  )
}

function SurveyLine({ communityId, survey: s }: { communityId: string; survey: Survey }) {
  return (
    <li class="survey-line">
      <Link href={href.survey(communityId, s.id)}>
        <strong>{s.title}</strong>
      </Link>{' '}
      <span class="tag">{s.closed ? 'closed' : 'open'}</span> {s.myResponse && <span class="tag">answered</span>}{' '}
      <span class="muted">
        {s.questions.length} {s.questions.length === 1 ? 'question' : 'questions'} · <Time iso={s.createdAt} />
        {s.closesAt && !s.closed && (
          <>
            {' '}
            · closes <Time iso={s.closesAt} full />
          </>
        )}
      </span>
    </li>
  )
}

interface DraftQuestion {
  key: number
  kind: Kind
  prompt: string
  required: boolean
  /** single, multiple: one choice a line. */
  choices: string
  min: string
  max: string
  maxLength: string
}

let nextKey = 1
const blank = (): DraftQuestion => ({ key: nextKey++, kind: 'single', prompt: '', required: true, choices: '', min: '1', max: '5', maxLength: '' })

function toQuestion(q: DraftQuestion, i: number): QuestionInput {
  const base = { id: `q${i + 1}`, kind: q.kind, prompt: q.prompt.trim(), required: q.required }
  if (q.kind === 'single' || q.kind === 'multiple') return { ...base, options: q.choices.split('\n').map((c) => c.trim()).filter(Boolean) }
  if (q.kind === 'scale') return { ...base, min: Number(q.min), max: Number(q.max) }
  if (q.kind === 'text' && q.maxLength) return { ...base, maxLength: Number(q.maxLength) }
  return base
}

function NewSurveyForm({ communityId }: { communityId: string }) {
  const { tree } = useTree(communityId)
  const [title, setTitle] = useState('')
  const [description, setDescription] = useState('')
  const [questions, setQuestions] = useState<DraftQuestion[]>(() => [blank()])
  const [groupId, setGroupId] = useState('')
  const [roomId, setRoomId] = useState('')
  const [anonymous, setAnonymous] = useState(false)
  const [shareResults, setShareResults] = useState(false)
  const [closesAt, setClosesAt] = useState('')
  // A group's roles and overwrites may take `create_polls` away there.
  const mayInGroup = useMay(groupId ? { communityId, groupId } : undefined, 'create_polls')
  const refusedInGroup = !!groupId && mayInGroup === false
  const change = (key: number, patch: Partial<DraftQuestion>) => setQuestions((list) => list.map((q) => (q.key === key ? { ...q, ...patch } : q)))
  const create = useAction(async () => {
    const survey = unwrap(
      await hearth.api.POST('/v1/communities/{id}/surveys', {
        params: { path: { id: communityId } },
        body: {
          title: title.trim(),
          ...(description.trim() ? { description: description.trim() } : {}),
          questions: questions.map(toQuestion),
          ...(groupId ? { groupId } : {}),
          ...(roomId ? { roomId } : {}),
          anonymous,
          resultsForRespondents: shareResults,
          ...(closesAt ? { closesAt: new Date(closesAt).toISOString() } : {}),
          nonce: `survey-${crypto.randomUUID()}`,
        },
      }),
    )
    navigate(href.survey(communityId, survey.id))
  })
  return (
    <form class="card stack" aria-label="New survey" onSubmit={(e) => (e.preventDefault(), create.run())}>
      <Field label="Title" value={title} onInput={setTitle} required maxLength={200} />
      <label>
        Description (optional)
        <textarea value={description} maxLength={2000} rows={2} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      {questions.map((q, i) => (
        <fieldset class="stack question-draft" key={q.key}>
          <legend>Question {i + 1}</legend>
          <div class="columns tight">
            <Choice label="Kind" value={q.kind} options={KINDS} onChange={(kind) => change(q.key, { kind })} />
            <Field label="Prompt" value={q.prompt} onInput={(prompt) => change(q.key, { prompt })} required maxLength={500} />
          </div>
          {(q.kind === 'single' || q.kind === 'multiple') && (
            <label>
              Choices (one a line)
              <textarea value={q.choices} rows={3} required onInput={(e) => change(q.key, { choices: e.currentTarget.value })} />
            </label>
          )}
          {q.kind === 'scale' && (
            <div class="columns tight">
              <Field label="From" type="number" min={-1000} max={1000} value={q.min} onInput={(min) => change(q.key, { min })} required />
              <Field label="To" type="number" min={-1000} max={1000} value={q.max} onInput={(max) => change(q.key, { max })} required />
            </div>
          )}
          {q.kind === 'text' && <Field label="Longest answer (characters, optional)" type="number" min={1} max={4000} value={q.maxLength} onInput={(maxLength) => change(q.key, { maxLength })} />}
          <div class="row spread">
            <label class="check">
              <input type="checkbox" checked={q.required} onChange={(e) => change(q.key, { required: e.currentTarget.checked })} /> Required
            </label>
            {questions.length > 1 && (
              <button type="button" class="link" onClick={() => setQuestions((list) => list.filter((x) => x.key !== q.key))}>
                Remove question {i + 1}
              </button>
            )}
          </div>
        </fieldset>
      ))}
      {questions.length < 50 && (
        <button type="button" class="link" onClick={() => setQuestions((list) => [...list, blank()])}>
          Add a question
        </button>
      )}
      <div class="columns tight">
        <Choice
          label="Who is asked"
          value={groupId}
          options={[['', 'The whole community'], ...groupOptions(tree?.groups ?? []).map((g) => [g.id, g.label] as const)]}
          onChange={setGroupId}
        />
        <Choice label="Announce in room" value={roomId} options={[['', '(nowhere)'], ...(tree ? roomsOf(tree) : []).map((r) => [r.id, r.name ?? 'room'] as const)]} onChange={setRoomId} />
        <Field label="Closes (optional)" type="datetime-local" value={closesAt} onInput={setClosesAt} />
      </div>
      <label class="check">
        <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.currentTarget.checked)} /> Anonymous (the export names no one)
      </label>
      <label class="check">
        <input type="checkbox" checked={shareResults} onChange={(e) => setShareResults(e.currentTarget.checked)} /> Respondents see the results
      </label>
      {refusedInGroup && (
        <p role="alert" class="refusal">
          You may not start a survey in that group: choose another, or the whole community.
        </p>
      )}
      <ErrorNote error={create.error} />
      <button type="submit" disabled={create.busy || refusedInGroup}>
        Create survey
      </button>
    </form>
  )
}

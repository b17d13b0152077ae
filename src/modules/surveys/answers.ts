// A survey's questions and the answers to them, checked: pure functions, every refusal a
// 422 that names the question it is about.
import type { SurveyAnswers, SurveyQuestion } from '../../db/schema'
import { AppError } from '../../lib/errors'
import { SURVEY_LIMITS, type QuestionInput } from './model'

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar date written `YYYY-MM-DD`. */
export function isDate(value: string): boolean {
  const m = DATE.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

function questionError(questionId: string, message: string): AppError {
  return new AppError('validation_failed', `question "${questionId}": ${message}`, { details: { questionId } })
}

/** Turns the questions of a new survey into what is stored (option ids given). */
export function planQuestions(inputs: QuestionInput[]): SurveyQuestion[] {
  const seen = new Set<string>()
  return inputs.map((q) => {
    if (seen.has(q.id)) throw questionError(q.id, 'two questions have this id')
    // Answers are keyed by question id, and no body may carry such a key (src/lib/input.ts).
    if (Object.hasOwn(Object.prototype, q.id)) throw questionError(q.id, 'this id is reserved: choose another')
    seen.add(q.id)
    const prompt = q.prompt.trim()
    if (!prompt) throw questionError(q.id, 'the prompt is empty')
    const base = { id: q.id, kind: q.kind, prompt, required: q.required ?? false }
    const extra = (field: 'options' | 'min' | 'max' | 'maxLength') => {
      if (q[field] !== undefined) throw questionError(q.id, `${field} does not apply to a ${q.kind} question`)
    }
    switch (q.kind) {
      case 'single':
      case 'multiple': {
        ;(['min', 'max', 'maxLength'] as const).forEach(extra)
        if (!q.options) throw questionError(q.id, `a ${q.kind} question needs options`)
        const texts = q.options.map((o) => o.trim())
        if (texts.some((t) => !t)) throw questionError(q.id, 'an option is empty')
        if (new Set(texts.map((t) => t.toLowerCase())).size !== texts.length) throw questionError(q.id, 'two options are the same')
        return { ...base, options: texts.map((text, i) => ({ id: `o${i + 1}`, text })) }
      }
      case 'scale': {
        ;(['options', 'maxLength'] as const).forEach(extra)
        const min = q.min ?? 1
        const max = q.max ?? 5
        if (min >= max) throw questionError(q.id, 'min must be below max')
        if (max - min > SURVEY_LIMITS.scaleSteps) throw questionError(q.id, `a scale spans at most ${SURVEY_LIMITS.scaleSteps} steps`)
        return { ...base, min, max }
      }
      case 'text':
        ;(['options', 'min', 'max'] as const).forEach(extra)
        return { ...base, maxLength: q.maxLength ?? SURVEY_LIMITS.defaultTextLength }
      case 'date':
        ;(['options', 'min', 'max', 'maxLength'] as const).forEach(extra)
        return base
    }
  })
}

export interface AnswerProblem {
  questionId: string
  message: string
}

function problemWith(q: SurveyQuestion, value: unknown): string | undefined {
  switch (q.kind) {
    case 'single':
      if (typeof value !== 'string') return 'answer with one option id'
      if (!q.options!.some((o) => o.id === value)) return `"${value.slice(0, 64)}" is not one of its options`
      return undefined
    case 'multiple': {
      if (!Array.isArray(value)) return 'answer with a list of option ids'
      if (value.length === 0 && q.required) return 'choose at least one option'
      if (new Set(value).size !== value.length) return 'an option is chosen twice'
      const unknown = value.find((v) => !q.options!.some((o) => o.id === v))
      if (unknown !== undefined) return `"${String(unknown).slice(0, 64)}" is not one of its options`
      return undefined
    }
    case 'text':
      if (typeof value !== 'string') return 'answer with a text'
      if (q.required && !value.trim()) return 'the answer is empty'
      if (value.length > q.maxLength!) return `the answer is longer than ${q.maxLength} characters`
      return undefined
    case 'scale':
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'answer with a whole number'
      if (value < q.min! || value > q.max!) return `the answer must be from ${q.min} to ${q.max}`
      return undefined
    case 'date':
      if (typeof value !== 'string' || !isDate(value)) return 'answer with a date written YYYY-MM-DD'
      return undefined
  }
}

/**
 * The answers as they are stored (unanswered optional questions left out), or a 422
 * naming the first question at fault; `details.problems` lists every one.
 */
export function checkAnswers(questions: SurveyQuestion[], answers: Record<string, unknown>): SurveyAnswers {
  const problems: AnswerProblem[] = []
  const byId = new Map(questions.map((q) => [q.id, q]))
  for (const id of Object.keys(answers)) {
    if (!byId.has(id)) problems.push({ questionId: id.slice(0, 64), message: 'there is no such question in this survey' })
  }
  const stored: SurveyAnswers = {}
  for (const q of questions) {
    // Own keys only: a question named `constructor` is not answered by Object.prototype.
    const value = Object.hasOwn(answers, q.id) ? answers[q.id] : undefined
    const blank = (Array.isArray(value) && value.length === 0) || (q.kind === 'text' && typeof value === 'string' && !value.trim())
    const empty = value === undefined || value === null || (blank && !q.required)
    if (empty) {
      if (q.required) problems.push({ questionId: q.id, message: 'this question is required' })
      continue
    }
    const problem = problemWith(q, value)
    if (problem) problems.push({ questionId: q.id, message: problem })
    else stored[q.id] = value as SurveyAnswers[string]
  }
  if (problems.length > 0) {
    const first = problems[0]!
    throw new AppError('invalid_answer', `question "${first.questionId}": ${first.message}`, {
      details: { questionId: first.questionId, problems },
    })
  }
  return stored
}

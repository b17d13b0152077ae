import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import type { CreatePollInput } from './model'

const MAX_CLOSES_IN_MS = 366 * 86400_000
const MIN_CLOSES_IN_MS = 10_000

/** Checks a new poll against the limits and turns it into its rows (options get their ids). */
export function planPoll(body: CreatePollInput, opts: { maxOptions: number; now: number }) {
  const question = body.question.trim()
  if (!question) throw new AppError('validation_failed', 'the question is empty')
  const texts = body.options.map((o) => o.trim())
  const max = opts.maxOptions
  if (texts.length > max) throw new AppError('validation_failed', `a poll has at most ${max} options`)
  if (texts.some((t) => !t)) throw new AppError('validation_failed', 'an option is empty')
  if (new Set(texts.map((t) => t.toLowerCase())).size !== texts.length) throw new AppError('validation_failed', 'two options are the same')
  const multiple = body.multiple ?? false
  if (!multiple && body.maxChoices !== undefined && body.maxChoices !== 1) {
    throw new AppError('validation_failed', 'maxChoices needs multiple: true')
  }
  const maxChoices = multiple ? (body.maxChoices ?? texts.length) : 1
  if (maxChoices > texts.length) throw new AppError('validation_failed', 'maxChoices is more than the options')
  const options = texts.map((text) => ({ id: newId(), text }))
  let quizCorrectOptionId: string | null = null
  if (body.quiz) {
    if (multiple) throw new AppError('validation_failed', 'a quiz has one answer: it cannot be multiple choice')
    if (body.allowChange === true) throw new AppError('validation_failed', 'a quiz answer cannot be changed: leave allowChange out')
    const correct = options[body.quiz.correctOption]
    if (!correct) throw new AppError('validation_failed', 'quiz.correctOption is not the index of an option')
    quizCorrectOptionId = correct.id
  }
  let closesAt: Date | null = null
  if (body.closesAt !== undefined) {
    closesAt = new Date(body.closesAt)
    const inMs = closesAt.getTime() - opts.now
    if (Number.isNaN(inMs)) throw new AppError('validation_failed', 'closesAt is not a time')
    if (inMs < MIN_CLOSES_IN_MS) throw new AppError('validation_failed', 'closesAt must be at least 10 seconds ahead')
    if (inMs > MAX_CLOSES_IN_MS) throw new AppError('validation_failed', 'closesAt must be within a year')
  }
  return {
    options,
    row: {
      question,
      multiple,
      maxChoices,
      anonymous: body.anonymous ?? false,
      resultsVisibility: body.resultsVisibility ?? 'always',
      allowChange: body.quiz ? false : (body.allowChange ?? true),
      quizCorrectOptionId,
      quizExplanation: body.quiz?.explanation?.trim() || null,
      closesAt,
    },
  }
}

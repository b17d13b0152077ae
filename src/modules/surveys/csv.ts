// RFC 4180 CSV: CRLF between records, a field quoted when it holds a comma, a quote, CR or
// LF, a quote inside doubled.
import type { SurveyAnswers, SurveyQuestion } from '../../db/schema'

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

export const csvRecord = (fields: string[]) => fields.map(csvField).join(',')

/**
 * Free text written by respondents (or option texts by the author) that a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR at the start) gets a leading apostrophe (the OWASP advice).
 */
export const inertText = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text)

function cell(q: SurveyQuestion, value: SurveyAnswers[string] | undefined): string {
  if (value === undefined) return ''
  switch (q.kind) {
    // Option texts are written by the survey's author, any member who may create one.
    case 'single':
      return inertText(q.options!.find((o) => o.id === value)?.text ?? '')
    case 'multiple':
      return inertText((value as string[]).map((id) => q.options!.find((o) => o.id === id)?.text ?? '').join('; '))
    case 'text':
      return inertText(String(value))
    default:
      return String(value)
  }
}

/**
 * One record per response: who and when (left out of anonymous surveys, whose records
 * are also sorted by their content so their order tells nothing), then one column per
 * question, headed by its id.
 */
export function responsesCsv(
  questions: SurveyQuestion[],
  responses: { userId: string; username: string | null; answers: SurveyAnswers; updatedAt: Date }[],
  opts: { anonymous: boolean },
): string {
  const header = opts.anonymous ? questions.map((q) => q.id) : ['userId', 'username', 'submittedAt', ...questions.map((q) => q.id)]
  const rows = responses.map((r) => {
    const answers = questions.map((q) => cell(q, Object.hasOwn(r.answers, q.id) ? r.answers[q.id] : undefined))
    return opts.anonymous ? answers : [r.userId, r.username ?? '', r.updatedAt.toISOString(), ...answers]
  })
  const records = rows.map(csvRecord)
  if (opts.anonymous) records.sort()
  return [csvRecord(header), ...records].join('\r\n') + '\r\n'
}

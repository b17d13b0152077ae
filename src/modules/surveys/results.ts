import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import type { SurveyRow } from '../../db/schema'
import { rowsOf } from '../../db/tx'
import type { SurveyResults } from './model'

/**
 * Results per question, counted by the database: options and dates by value, scales as a
 * distribution over min..max with their mean; text questions only by how many answered.
 */
export async function surveyResults(db: Database, row: SurveyRow): Promise<SurveyResults> {
  const textIds = row.questions.filter((q) => q.kind === 'text').map((q) => q.id)
  const [counted, answered, total] = await Promise.all([
    db.execute(sql`
      select e.key as question, v.value, count(*)::int as n
        from survey_responses r
        cross join lateral jsonb_each(r.answers) e
        cross join lateral (
          select x from jsonb_array_elements_text(case when jsonb_typeof(e.value) = 'array' then e.value else '[]'::jsonb end) x
          union all
          select e.value #>> '{}' where jsonb_typeof(e.value) <> 'array'
        ) v(value)
       where r.survey_id = ${row.id}
         and not (e.key in (select jsonb_array_elements_text(${JSON.stringify(textIds)}::jsonb)))
       group by 1, 2`),
    db.execute(sql`
      select e.key as question, count(*)::int as n
        from survey_responses r cross join lateral jsonb_each(r.answers) e
       where r.survey_id = ${row.id} group by 1`),
    db.execute(sql`select count(*)::int as n from survey_responses where survey_id = ${row.id}`),
  ])
  const values = new Map<string, Record<string, number>>()
  for (const r of rowsOf<{ question: string; value: string; n: number }>(counted)) {
    const byValue = values.get(r.question) ?? {}
    byValue[r.value] = Number(r.n)
    values.set(r.question, byValue)
  }
  const answers = new Map(rowsOf<{ question: string; n: number }>(answered).map((r) => [r.question, Number(r.n)]))
  return {
    respondents: Number(rowsOf<{ n: number }>(total)[0]?.n ?? 0),
    questions: row.questions.map((q) => {
      const got = values.get(q.id) ?? {}
      const base = { id: q.id, kind: q.kind, answers: answers.get(q.id) ?? 0 }
      switch (q.kind) {
        case 'single':
        case 'multiple':
          return { ...base, counts: Object.fromEntries(q.options!.map((o) => [o.id, got[o.id] ?? 0])) }
        case 'scale': {
          const distribution: Record<string, number> = {}
          let sum = 0
          let n = 0
          for (let v = q.min!; v <= q.max!; v++) {
            const c = got[String(v)] ?? 0
            distribution[String(v)] = c
            sum += v * c
            n += c
          }
          return { ...base, mean: n ? sum / n : null, distribution }
        }
        case 'date':
          return { ...base, counts: got }
        case 'text':
          return base
      }
    }),
  }
}

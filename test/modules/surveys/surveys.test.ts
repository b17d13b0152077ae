import { describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { closeSurveyJob } from '../../../src/modules/surveys/processors'
import { SurveyService, surveyCloseJob } from '../../../src/modules/surveys/service'
import { newCommunity, ok, type TestUser } from '../../helpers/community'
import { pollRoom, pollsWorld } from '../polls/world'

const w = await pollsWorld()
const t = await pollRoom(w)
const { c } = t
const as = (u: TestUser) => ({ token: u.accessToken })

const questions = [
  { id: 'colour', kind: 'single', prompt: 'Favourite colour?', options: ['Red', 'Green', 'Blue'], required: true },
  { id: 'days', kind: 'multiple', prompt: 'Which days suit you?', options: ['Mon', 'Wed', 'Fri'] },
  { id: 'note', kind: 'text', prompt: 'Anything else?', maxLength: 200 },
  { id: 'happy', kind: 'scale', prompt: 'How happy are you?', min: 1, max: 5, required: true },
  { id: 'when', kind: 'date', prompt: 'Best date for the meetup?' },
]
const createSurvey = async (body: Record<string, unknown> = {}, by: TestUser = c.owner, communityId = c.id) =>
  ok(await w.http.post(`/v1/communities/${communityId}/surveys`, { title: 'Members survey', questions, ...body }, as(by)), 201).body
const respond = (surveyId: string, answers: Record<string, unknown>, by: TestUser) => w.http.put(`/v1/surveys/${surveyId}/response`, { answers }, as(by))
const valid = { colour: 'o1', happy: 4 }

/** RFC 4180, enough to read back what Hearth wrote. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      record.push(field)
      field = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else field += ch
  }
  return records
}

describe('creating a survey', () => {
  test('a manager creates one; questions get their option ids; members see it, with no response yet', async () => {
    const survey = await createSurvey()
    expect(survey).toMatchObject({ communityId: c.id, groupId: null, title: 'Members survey', anonymous: false, closed: false, canManage: true, myResponse: null })
    expect(survey.questions[0]).toEqual({
      id: 'colour',
      kind: 'single',
      prompt: 'Favourite colour?',
      required: true,
      options: [
        { id: 'o1', text: 'Red' },
        { id: 'o2', text: 'Green' },
        { id: 'o3', text: 'Blue' },
      ],
    })
    expect(survey.questions[2]).toMatchObject({ kind: 'text', maxLength: 200, required: false })
    expect(survey.questions[3]).toMatchObject({ kind: 'scale', min: 1, max: 5 })
    const seen = ok(await w.http.get(`/v1/surveys/${survey.id}`, as(t.member))).body
    expect(seen).toMatchObject({ id: survey.id, canManage: false, myResponse: null })
    expect(w.events.find((e) => e.type === 'survey.created' && e.data.surveyId === survey.id)).toMatchObject({ communityId: c.id })
  })

  test('a title of spaces only is refused as a blank room name is (422 naming /title)', async () => {
    const res = await w.http.post(`/v1/communities/${c.id}/surveys`, { title: ' \t ', questions }, as(c.owner))
    const room = await w.http.post(`/v1/communities/${c.id}/rooms`, { name: '   ' }, as(c.owner))
    expect([res.status, room.status]).toEqual([422, 422])
    expect(room.body.error).toMatchObject({ code: 'validation_failed', message: 'name is blank', details: [{ path: '/name', message: 'must not be blank' }] })
    expect(res.body.error).toMatchObject({ code: 'validation_failed', message: 'title is blank', details: [{ path: '/title', message: 'must not be blank' }] })
  })

  const refusals: [string, Record<string, unknown>[], string | undefined][] = [
    ['two questions with one id', [questions[0]!, { ...questions[1]!, id: 'colour' }], 'colour'],
    ['a single question without options', [{ id: 'q1', kind: 'single', prompt: 'Which?' }], 'q1'],
    ['a multiple question with one option', [{ id: 'q1', kind: 'multiple', prompt: 'Which?', options: ['only'] }], undefined],
    ['the same option twice', [{ id: 'q1', kind: 'single', prompt: 'Which?', options: ['a', 'A'] }], 'q1'],
    ['a scale whose min is not below its max', [{ id: 'q1', kind: 'scale', prompt: 'How?', min: 5, max: 5 }], 'q1'],
    ['a scale of more than 100 steps', [{ id: 'q1', kind: 'scale', prompt: 'How?', min: 0, max: 101 }], 'q1'],
    ['options on a scale', [{ id: 'q1', kind: 'scale', prompt: 'How?', options: ['a', 'b'] }], 'q1'],
    ['min on a text question', [{ id: 'q1', kind: 'text', prompt: 'Say?', min: 1 }], 'q1'],
    ['maxLength on a date', [{ id: 'q1', kind: 'date', prompt: 'When?', maxLength: 10 }], 'q1'],
    ['a blank prompt', [{ id: 'q1', kind: 'date', prompt: '   ' }], 'q1'],
    ['a question id that names an Object property (answers are keyed by it)', [{ id: 'constructor', kind: 'text', prompt: 'Say?' }], 'constructor'],
    ['a question id with a space', [{ id: 'q 1', kind: 'date', prompt: 'When?' }], undefined],
    ['an unknown kind', [{ id: 'q1', kind: 'ranking', prompt: 'Order?' }], undefined],
    ['no questions', [], undefined],
  ]
  test.each(refusals)('refuses %s (422, naming the question where there is one)', async (_, qs, questionId) => {
    const res = await w.http.post(`/v1/communities/${c.id}/surveys`, { title: 'Bad', questions: qs }, as(c.owner))
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('validation_failed')
    if (questionId) {
      expect(res.body.error.details.questionId).toBe(questionId)
      expect(res.body.error.message).toContain(`"${questionId}"`)
    }
  })

  test('a member without create_polls in the group may not create a survey there (403)', async () => {
    const group = await c.group('Staff')
    await c.overwrite({ group: group.id }, { role: await c.defaultRoleId() }, { deny: ['create_polls'] })
    const res = await w.http.post(`/v1/communities/${c.id}/surveys`, { title: 'Staff', questions, groupId: group.id }, as(t.member))
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('missing_permission')
  })

  test('announced in a room: a message of the survey is posted there', async () => {
    const survey = await createSurvey({ roomId: t.room.id, title: 'Announced survey' })
    expect(survey.messageId).toEqual(expect.any(String))
    const history = ok(await w.app.http.get(`/v1/rooms/${t.room.id}/messages`, as(t.member))).body.messages
    expect(history.find((m: any) => m.id === survey.messageId)).toMatchObject({
      kind: 'survey',
      surveyId: survey.id,
      body: 'Announced survey',
      nonce: `survey.${survey.id}`,
    })
  })

  test('a survey whose announcement was not posted is announced by completePending', async () => {
    const deps = (w.surveys as any).deps
    const flaky = new SurveyService({ ...deps, messages: { post: () => Promise.reject(new Error('room actor unavailable')) } })
    const body = { title: 'Pending survey', questions, roomId: t.room.id, nonce: 'pending-survey' }
    await expect(flaky.create({ userId: c.owner.id, communityId: c.id, body: body as any })).rejects.toThrow('room actor unavailable')
    const pending = ok(await w.http.get(`/v1/communities/${c.id}/surveys`, as(c.owner))).body.surveys.find((s: any) => s.title === 'Pending survey')
    expect(pending.messageId).toBeNull()
    expect(await w.surveys.completePending(0)).toBe(1)
    expect(await w.surveys.completePending(0)).toBe(0)
    expect(ok(await w.http.get(`/v1/surveys/${pending.id}`, as(c.owner))).body.messageId).toEqual(expect.any(String))
  })

  test('announcing in a room of another community is refused (422)', async () => {
    const other = await newCommunity(w.app.http)
    const room = await other.room('elsewhere')
    await other.join(c.owner)
    const res = await w.http.post(`/v1/communities/${c.id}/surveys`, { title: 'X', questions, roomId: room.id }, as(c.owner))
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('invalid_target')
  })

  test('a retry (same nonce) of a create whose close job was not queued queues it', async () => {
    const jobs = w.app.res.jobs
    const enqueue = jobs.enqueue
    jobs.enqueue = (async () => {
      throw new Error('the queue is away')
    }) as typeof enqueue
    const body = { title: 'Timed retry', questions, nonce: 'survey-timed-retry', closesAt: new Date(Date.now() + 60_000).toISOString() }
    try {
      expect((await w.http.post(`/v1/communities/${c.id}/surveys`, body, as(c.owner))).status).toBe(500)
    } finally {
      jobs.enqueue = enqueue
    }
    const survey = ok(await w.http.post(`/v1/communities/${c.id}/surveys`, body, as(c.owner)), 201).body
    const job = await jobs.queues.reminders.getJob(surveyCloseJob(survey.id).jobId)
    expect(job?.data).toEqual({ surveyId: survey.id })
  })

  test('the same nonce again returns the same survey', async () => {
    const first = await createSurvey({ nonce: 'survey-once' })
    const again = await createSurvey({ nonce: 'survey-once' })
    expect(again.id).toBe(first.id)
  })
})

describe('answering', () => {
  const bad: [string, Record<string, unknown>, string][] = [
    ['a required question left out', { happy: 3 }, 'colour'],
    ['a single answer that is not an option', { ...valid, colour: 'o9' }, 'colour'],
    ['a single answer that is a list', { ...valid, colour: ['o1'] }, 'colour'],
    ['a multiple answer that is not a list', { ...valid, days: 'o1' }, 'days'],
    ['a multiple answer with an unknown option', { ...valid, days: ['o1', 'o7'] }, 'days'],
    ['a multiple answer with an option twice', { ...valid, days: ['o1', 'o1'] }, 'days'],
    ['a text over its maxLength', { ...valid, note: 'x'.repeat(201) }, 'note'],
    ['a text that is a number', { ...valid, note: 42 }, 'note'],
    ['a scale below its min', { ...valid, happy: 0 }, 'happy'],
    ['a scale above its max', { ...valid, happy: 6 }, 'happy'],
    ['a scale that is not whole', { ...valid, happy: 2.5 }, 'happy'],
    ['a scale given as text', { ...valid, happy: '3' }, 'happy'],
    ['a date that does not exist', { ...valid, when: '2026-02-30' }, 'when'],
    ['a date in another format', { ...valid, when: '30/01/2026' }, 'when'],
    ['a date with its zeros missing', { ...valid, when: '2026-1-3' }, 'when'],
    ['an answer to a question the survey does not have', { ...valid, nope: 'x' }, 'nope'],
  ]
  let surveyId: string
  test.each(bad)('refuses %s (422 invalid_answer naming the question)', async (_, answers, questionId) => {
    surveyId ??= (await createSurvey({ title: 'Validation' })).id
    const res = await respond(surveyId, answers, t.member)
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('invalid_answer')
    expect(res.body.error.details.questionId).toBe(questionId)
    expect(res.body.error.message).toContain(`"${questionId}"`)
  })

  test('every problem is listed, the first one named', async () => {
    surveyId ??= (await createSurvey({ title: 'Validation' })).id
    const res = await respond(surveyId, { colour: 'o9', happy: 9 }, t.member)
    expect(res.body.error.details.problems.map((p: any) => p.questionId)).toEqual(['colour', 'happy'])
  })

  test('one response per member, replaced until the survey closes', async () => {
    const survey = await createSurvey({ title: 'Replace' })
    const first = ok(await respond(survey.id, { colour: 'o1', happy: 2, days: ['o1', 'o3'], note: 'hi', when: '2026-03-01' }, t.member)).body
    expect(first.myResponse.answers).toEqual({ colour: 'o1', happy: 2, days: ['o1', 'o3'], note: 'hi', when: '2026-03-01' })
    const second = ok(await respond(survey.id, { colour: 'o2', happy: 5 }, t.member)).body
    expect(second.myResponse.answers).toEqual({ colour: 'o2', happy: 5 })
    expect(second.myResponse.submittedAt).toBe(first.myResponse.submittedAt)
    const results = ok(await w.http.get(`/v1/surveys/${survey.id}/results`, as(c.owner))).body
    expect(results.respondents).toBe(1)
    expect(results.questions.find((q: any) => q.id === 'colour').counts).toEqual({ o1: 0, o2: 1, o3: 0 })

    ok(await w.http.post(`/v1/surveys/${survey.id}/close`, undefined, as(c.owner)))
    const late = await respond(survey.id, valid, t.member)
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('survey_closed')
    expect(w.events.filter((e) => e.type === 'survey.closed' && e.data.surveyId === survey.id)).toHaveLength(1)
  })

  test('the list shows each reader their own response, and only on the survey they answered', async () => {
    const answered = await createSurvey({ title: 'Listed answered' })
    const unanswered = await createSurvey({ title: 'Listed unanswered' })
    ok(await respond(answered.id, { colour: 'o3', happy: 3 }, t.member))
    const listFor = async (u: TestUser) => ok(await w.http.get(`/v1/communities/${c.id}/surveys`, as(u))).body.surveys
    const forMember = await listFor(t.member)
    expect(forMember.find((s: any) => s.id === answered.id).myResponse.answers).toEqual({ colour: 'o3', happy: 3 })
    expect(forMember.find((s: any) => s.id === unanswered.id).myResponse).toBeNull()
    expect((await listFor(c.owner)).find((s: any) => s.id === answered.id).myResponse).toBeNull()
  })

  test('the list says who manages each survey: its author and those with manage_messages where it lives, in the community or a group', async () => {
    const group = await c.group('Listed group')
    const byMember = await createSurvey({ title: 'Listed by a member' }, t.member)
    const byOwner = await createSurvey({ title: 'Listed by the owner', groupId: group.id })
    const manages = async (u: TestUser) => {
      const listed = ok(await w.http.get(`/v1/communities/${c.id}/surveys`, as(u))).body.surveys
      return [byMember, byOwner].map((s) => listed.find((l: any) => l.id === s.id)?.canManage)
    }
    expect(await manages(t.member)).toEqual([true, false])
    expect(await manages(t.voter)).toEqual([false, false])
    expect(await manages(t.moderator)).toEqual([true, true])
    expect(await manages(c.owner)).toEqual([true, true])
  })

  test('past closesAt a response is refused, and the close job closes it', async () => {
    const survey = await createSurvey({ title: 'Timed', closesAt: new Date(Date.now() + 60_000).toISOString() })
    const job = await w.app.res.jobs.queues.reminders.getJob(surveyCloseJob(survey.id).jobId)
    expect(job?.data).toEqual({ surveyId: survey.id })
    await expect(closeSurveyJob({ surveyId: survey.id }, { db: w.app.res.db, log: w.app.res.log })).rejects.toThrow('not due')
    await w.app.res.db.execute(sql`update surveys set closes_at = now() - interval '1 second' where id = ${survey.id}`)
    expect((await respond(survey.id, valid, t.member)).status).toBe(409)
    expect(await closeSurveyJob({ surveyId: survey.id }, { db: w.app.res.db, log: w.app.res.log })).toEqual({ closed: true })
    expect(ok(await w.http.get(`/v1/surveys/${survey.id}`, as(t.member))).body.closed).toBe(true)
  })

  test('a member in time-out may not answer (403 timed_out)', async () => {
    const survey = await createSurvey({ title: 'Timeout' })
    const quiet = await c.join()
    ok(await w.app.http.put(`/v1/communities/${c.id}/members/${quiet.id}/timeout`, { seconds: 600 }, as(c.owner)))
    const res = await respond(survey.id, valid, quiet)
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('timed_out')
  })

  test('a survey is closed only by its managers (403 for a member)', async () => {
    const survey = await createSurvey({ title: 'Close?' })
    expect((await w.http.post(`/v1/surveys/${survey.id}/close`, undefined, as(t.member))).status).toBe(403)
    expect(ok(await w.http.post(`/v1/surveys/${survey.id}/close`, undefined, as(t.moderator))).body.closed).toBe(true)
  })
})

describe('results', () => {
  test('counts per option, the scale mean and distribution, dates counted, text answers counted', async () => {
    const survey = await createSurvey({ title: 'Results' })
    const people = [t.member, t.voter, t.moderator, c.owner]
    const answers = [
      { colour: 'o1', days: ['o1', 'o2'], happy: 5, when: '2026-05-01', note: 'great' },
      { colour: 'o1', days: ['o2'], happy: 4, when: '2026-05-01' },
      { colour: 'o3', days: [], happy: 1, when: '2026-05-02' },
      { colour: 'o2', happy: 4 },
    ]
    for (const [i, who] of people.entries()) ok(await respond(survey.id, answers[i]!, who))
    const results = ok(await w.http.get(`/v1/surveys/${survey.id}/results`, as(c.owner))).body
    expect(results).toEqual({
      respondents: 4,
      questions: [
        { id: 'colour', kind: 'single', answers: 4, counts: { o1: 2, o2: 1, o3: 1 } },
        { id: 'days', kind: 'multiple', answers: 2, counts: { o1: 1, o2: 2, o3: 0 } },
        { id: 'note', kind: 'text', answers: 1 },
        { id: 'happy', kind: 'scale', answers: 4, mean: 3.5, distribution: { '1': 1, '2': 0, '3': 0, '4': 2, '5': 1 } },
        { id: 'when', kind: 'date', answers: 3, counts: { '2026-05-01': 2, '2026-05-02': 1 } },
      ],
    })
  })

  test('for managers only, unless the survey shares them with those who answered', async () => {
    const closed = await createSurvey({ title: 'Private results' })
    ok(await respond(closed.id, valid, t.member))
    expect((await w.http.get(`/v1/surveys/${closed.id}/results`, as(t.member))).status).toBe(403)
    expect((await w.http.get(`/v1/surveys/${closed.id}/results`, as(t.moderator))).status).toBe(200)

    const shared = await createSurvey({ title: 'Shared results', resultsForRespondents: true })
    ok(await respond(shared.id, valid, t.member))
    expect(ok(await w.http.get(`/v1/surveys/${shared.id}/results`, as(t.member))).body.respondents).toBe(1)
    expect((await w.http.get(`/v1/surveys/${shared.id}/results`, as(t.voter))).status).toBe(403)
    expect((await w.http.get(`/v1/surveys/${shared.id}/results`, as(t.outsider))).status).toBe(404)
  })
})

describe('responses.csv', () => {
  const tricky = 'Hello, "world"\r\nsecond line, and a, comma'

  test('RFC 4180: commas, quotes and newlines quoted, read back exactly', async () => {
    const survey = await createSurvey({ title: 'CSV' })
    ok(await respond(survey.id, { colour: 'o2', happy: 3, note: tricky, days: ['o1', 'o3'] }, t.member))
    ok(await respond(survey.id, { colour: 'o1', happy: 5, note: 'plain' }, t.voter))
    const res = await w.http.get(`/v1/surveys/${survey.id}/responses.csv`, as(c.owner))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toStartWith('text/csv')
    expect(res.headers.get('content-disposition')).toContain('attachment')
    expect(res.body).toContain('"Hello, ""world""\r\nsecond line, and a, comma"')
    const [header, ...rows] = parseCsv(res.body)
    expect(header).toEqual(['userId', 'username', 'submittedAt', 'colour', 'days', 'note', 'happy', 'when'])
    expect(rows).toEqual([
      [t.member.id, t.member.username, expect.any(String), 'Green', 'Mon; Fri', tricky, '3', ''],
      [t.voter.id, t.voter.username, expect.any(String), 'Red', '', 'plain', '5', ''],
    ])
  })

  test('a text that a spreadsheet would run as a formula is made inert', async () => {
    const survey = await createSurvey({ title: 'Formula' })
    ok(await respond(survey.id, { ...valid, note: '=HYPERLINK("http://evil.example","x")' }, t.member))
    const [, row] = parseCsv((await w.http.get(`/v1/surveys/${survey.id}/responses.csv`, as(c.owner))).body)
    expect(row![5]).toBe(`'=HYPERLINK("http://evil.example","x")`)
  })

  test('option texts a member wrote are made inert too (a moderator exports what any member may create)', async () => {
    const evil = [
      { id: 'pick', kind: 'single', prompt: 'Pick', options: ['=HYPERLINK("http://evil.example","x")', 'fine'] },
      { id: 'many', kind: 'multiple', prompt: 'Many', options: ['+1+1', 'ok'] },
    ]
    const survey = ok(await w.http.post(`/v1/communities/${c.id}/surveys`, { title: 'Options', questions: evil }, as(t.member)), 201).body
    ok(await respond(survey.id, { pick: 'o1', many: ['o1', 'o2'] }, t.voter))
    const [, row] = parseCsv(ok(await w.http.get(`/v1/surveys/${survey.id}/responses.csv`, as(t.moderator))).body)
    expect(row!.slice(3)).toEqual([`'=HYPERLINK("http://evil.example","x")`, `'+1+1; ok`])
  })

  test('an anonymous survey exports no user ids, names or times', async () => {
    const survey = await createSurvey({ title: 'Anonymous', anonymous: true })
    ok(await respond(survey.id, { colour: 'o2', happy: 3, note: tricky }, t.member))
    ok(await respond(survey.id, { colour: 'o1', happy: 5 }, t.voter))
    const res = await w.http.get(`/v1/surveys/${survey.id}/responses.csv`, as(c.owner))
    const [header, ...rows] = parseCsv(res.body)
    expect(header).toEqual(['colour', 'days', 'note', 'happy', 'when'])
    expect(rows).toHaveLength(2)
    for (const who of [t.member, t.voter]) {
      expect(res.body).not.toContain(who.id)
      expect(res.body).not.toContain(who.username)
    }
    expect(rows).toContainEqual(['Green', '', tricky, '3', ''])
  })

  test('for the survey’s managers only (403 for a member, 404 for an outsider)', async () => {
    const survey = await createSurvey({ title: 'Export' })
    expect((await w.http.get(`/v1/surveys/${survey.id}/responses.csv`, as(t.member))).status).toBe(403)
    expect((await w.http.get(`/v1/surveys/${survey.id}/responses.csv`, as(t.outsider))).status).toBe(404)
    expect((await w.http.get(`/v1/surveys/${survey.id}/responses.csv`, as(t.moderator))).status).toBe(200)
  })
})

describe('who sees a survey', () => {
  test('a group survey is hidden from members who cannot view the group', async () => {
    const group = await c.group('Secret')
    await c.overwrite({ group: group.id }, { role: await c.defaultRoleId() }, { deny: ['view'] })
    const survey = await createSurvey({ title: 'Group only', groupId: group.id })
    expect(survey.groupId).toBe(group.id)
    expect((await w.http.get(`/v1/surveys/${survey.id}`, as(t.member))).status).toBe(404)
    expect((await respond(survey.id, valid, t.member)).status).toBe(404)
    const listed = ok(await w.http.get(`/v1/communities/${c.id}/surveys`, as(t.member))).body.surveys
    expect(listed.some((s: any) => s.id === survey.id)).toBe(false)
    expect(ok(await w.http.get(`/v1/communities/${c.id}/surveys`, as(c.owner))).body.surveys.some((s: any) => s.id === survey.id)).toBe(true)
  })

  test('an outsider gets 404 everywhere', async () => {
    const survey = await createSurvey({ title: 'Outsider' })
    expect((await w.http.get(`/v1/surveys/${survey.id}`, as(t.outsider))).status).toBe(404)
    expect((await respond(survey.id, valid, t.outsider)).status).toBe(404)
    expect((await w.http.get(`/v1/communities/${c.id}/surveys`, as(t.outsider))).status).toBe(404)
    expect((await w.http.post(`/v1/communities/${c.id}/surveys`, { title: 'X', questions }, as(t.outsider))).status).toBe(404)
  })
})

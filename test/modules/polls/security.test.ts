import { describe, expect, test } from 'bun:test'
import { ok, type TestUser } from '../../helpers/community'
import { pollRoom, pollsWorld } from './world'

const w = await pollsWorld()
const t = await pollRoom(w)
const { c } = t
const as = (u: TestUser) => ({ token: u.accessToken })
const { poll } = await t.create({ question: 'Secure?', options: ['a', 'b'] })
const survey = ok(
  await w.http.post(`/v1/communities/${c.id}/surveys`, { title: 'S', questions: [{ id: 'q', kind: 'date', prompt: 'When?' }] }, as(c.owner)),
  201,
).body

const routes: { method: string; path: string; body?: unknown }[] = [
  { method: 'POST', path: `/v1/rooms/${t.room.id}/polls`, body: { question: 'Q?', options: ['a', 'b'] } },
  { method: 'GET', path: `/v1/polls/${poll.id}` },
  { method: 'PUT', path: `/v1/polls/${poll.id}/vote`, body: { choices: [poll.options[0].id] } },
  { method: 'POST', path: `/v1/polls/${poll.id}/close` },
  { method: 'GET', path: `/v1/polls/${poll.id}/voters` },
  { method: 'POST', path: `/v1/communities/${c.id}/surveys`, body: { title: 'S', questions: [{ id: 'q', kind: 'date', prompt: 'When?' }] } },
  { method: 'GET', path: `/v1/communities/${c.id}/surveys` },
  { method: 'GET', path: `/v1/surveys/${survey.id}` },
  { method: 'PUT', path: `/v1/surveys/${survey.id}/response`, body: { answers: { q: '2026-01-01' } } },
  { method: 'POST', path: `/v1/surveys/${survey.id}/close` },
  { method: 'GET', path: `/v1/surveys/${survey.id}/results` },
  { method: 'GET', path: `/v1/surveys/${survey.id}/responses.csv` },
]

describe('without a valid token', () => {
  test.each(routes)('$method $path with no token is 401', async ({ method, path, body }) => {
    const res = await w.http.request(method, path, body)
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('unauthorized')
  })

  test.each(routes)('$method $path with a bad token is 401', async ({ method, path, body }) => {
    const res = await w.http.request(method, path, body, { token: `${t.member.accessToken.slice(0, -4)}AAAA` })
    expect(res.status).toBe(401)
  })
})

describe("another community's user", () => {
  test.each(routes)('$method $path is 404 (nothing is told about what exists)', async ({ method, path, body }) => {
    const res = await w.http.request(method, path, body, as(t.outsider))
    expect(res.status).toBe(404)
    expect(JSON.stringify(res.body)).not.toContain('Secure?')
  })

  test('their vote counts for nothing', async () => {
    await w.http.put(`/v1/polls/${poll.id}/vote`, { choices: [poll.options[0].id] }, as(t.outsider))
    expect(ok(await t.get(poll.id, t.member)).body.voters).toBe(0)
  })
})

describe('members without the right', () => {
  test('no create_polls in the room: 403', async () => {
    const room = await c.room('no-polls')
    await c.overwrite({ room: room.id }, { role: await c.defaultRoleId() }, { deny: ['create_polls'] })
    const res = await w.http.post(`/v1/rooms/${room.id}/polls`, { question: 'Q?', options: ['a', 'b'] }, as(t.member))
    expect(res.status).toBe(403)
    expect(res.body.error).toMatchObject({ code: 'missing_permission', details: { permission: 'create_polls' } })
  })

  test('a private room they are not in: 404 for its polls', async () => {
    const room = await c.room('private', { private: true })
    const created = ok(await w.http.post(`/v1/rooms/${room.id}/polls`, { question: 'Private?', options: ['a', 'b'] }, as(c.owner)), 201).body
    expect((await t.get(created.poll.id, t.member)).status).toBe(404)
    expect((await t.vote(created.poll.id, [created.poll.options[0].id], t.member)).status).toBe(404)
    expect((await w.http.post(`/v1/rooms/${room.id}/polls`, { question: 'Q?', options: ['a', 'b'] }, as(t.member))).status).toBe(404)
  })

  test('a member in time-out reads the poll but may not vote (403 timed_out)', async () => {
    const quiet = await c.join()
    ok(await w.app.http.put(`/v1/communities/${c.id}/members/${quiet.id}/timeout`, { seconds: 600 }, as(c.owner)))
    expect((await t.get(poll.id, quiet)).status).toBe(200)
    const res = await t.vote(poll.id, [poll.options[0].id], quiet)
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('timed_out')
    expect((await w.http.post(`/v1/rooms/${t.room.id}/polls`, { question: 'Q?', options: ['a', 'b'] }, as(quiet))).status).toBe(403)
  })

  test('a member who left no longer sees the poll, and their vote stays counted once', async () => {
    const leaver = await c.join()
    ok(await t.vote(poll.id, [poll.options[1].id], leaver))
    ok(await w.app.http.delete(`/v1/communities/${c.id}/members/${leaver.id}`, as(leaver)), 204)
    expect((await t.get(poll.id, leaver)).status).toBe(404)
    expect((await t.vote(poll.id, [poll.options[0].id], leaver)).status).toBe(404)
    expect(ok(await t.get(poll.id, t.member)).body.options.map((o: any) => o.votes)).toEqual([0, 1])
  })
})

describe('odd input is a 4xx', () => {
  const cases: { name: string; method: string; path: string; body?: unknown }[] = [
    { name: 'a poll id that is not a uuid', method: 'GET', path: '/v1/polls/not-a-uuid' },
    { name: 'a poll id in upper case', method: 'GET', path: `/v1/polls/${poll.id.toUpperCase()}` },
    { name: 'a choice that is not a uuid', method: 'PUT', path: `/v1/polls/${poll.id}/vote`, body: { choices: ['one'] } },
    { name: '21 choices', method: 'PUT', path: `/v1/polls/${poll.id}/vote`, body: { choices: Array.from({ length: 21 }, () => poll.options[0].id) } },
    { name: 'choices that are not a list', method: 'PUT', path: `/v1/polls/${poll.id}/vote`, body: { choices: poll.options[0].id } },
    { name: 'a voters cursor this list never gave', method: 'GET', path: `/v1/polls/${poll.id}/voters?cursor=abc` },
    { name: 'a voters option of another poll', method: 'GET', path: `/v1/polls/${poll.id}/voters?option=${survey.id}` },
    { name: 'a voters limit of 0', method: 'GET', path: `/v1/polls/${poll.id}/voters?limit=0` },
    { name: '50 answers', method: 'PUT', path: `/v1/surveys/${survey.id}/response`, body: { answers: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`q${i}`, 1])) } },
    { name: 'an answer that is an object', method: 'PUT', path: `/v1/surveys/${survey.id}/response`, body: { answers: { q: { date: '2026-01-01' } } } },
    { name: 'a text answer over 4000 characters', method: 'PUT', path: `/v1/surveys/${survey.id}/response`, body: { answers: { q: 'x'.repeat(4001) } } },
  ]
  test.each(cases)('$name: 422', async ({ method, path, body }) => {
    const res = await w.http.request(method, path, body, as(c.owner))
    expect(res.status).toBe(422)
  })

  test('a body that is not JSON: 400', async () => {
    const res = await w.http.request('PUT', `/v1/polls/${poll.id}/vote`, undefined, { ...as(c.owner), raw: '{"choices": [' })
    expect(res.status).toBe(400)
  })
})

import { describe, expect, test } from 'bun:test'
import { eq, isNull } from 'drizzle-orm'
import { polls } from '../../../src/db/schema'
import { PollService } from '../../../src/modules/polls/service'
import { ok } from '../../helpers/community'
import { eventually } from '../../helpers/wait'
import { pollRoom, pollsWorld } from './world'

const w = await pollsWorld()
const t = await pollRoom(w)
const inAMinute = () => new Date(Date.now() + 60_000).toISOString()
const options = (n: number) => Array.from({ length: n }, (_, i) => `option ${i + 1}`)

describe('creating a poll', () => {
  test('answers the poll and its message of kind poll, in the room history at its seq', async () => {
    const created = await t.create({ question: ' Lunch? ', options: ['Pizza', 'Sushi'] })
    expect(created.poll).toMatchObject({
      question: 'Lunch?',
      roomId: t.room.id,
      multiple: false,
      maxChoices: 1,
      anonymous: false,
      resultsVisibility: 'always',
      allowChange: true,
      quiz: false,
      closed: false,
      myChoices: [],
      countsVisible: true,
      options: [
        { text: 'Pizza', votes: 0 },
        { text: 'Sushi', votes: 0 },
      ],
    })
    expect(created.message).toMatchObject({ kind: 'poll', pollId: created.poll.id, body: 'Lunch?', seq: created.poll.seq })
    expect(created.message.poll).toEqual({
      id: created.poll.id,
      roomId: t.room.id,
      authorId: t.c.owner.id,
      question: 'Lunch?',
      options: created.poll.options.map((o: any) => ({ id: o.id, text: o.text })),
      multiple: false,
      maxChoices: 1,
      anonymous: false,
      resultsVisibility: 'always',
      allowChange: true,
      quiz: false,
      closesAt: null,
    })
    const history = ok(await w.app.http.get(`/v1/rooms/${t.room.id}/messages?after=${created.poll.seq - 1}`, t.as(t.member))).body.messages
    expect(history[0]).toEqual(created.message)
    expect(history[0]).toMatchObject({ id: created.poll.messageId, seq: created.poll.seq, kind: 'poll', pollId: created.poll.id })
    expect(ok(await w.http.get(`/v1/messages/${created.message.id}`, t.as(t.member))).body.poll).toEqual(created.message.poll)
    expect(w.events.find((e) => e.type === 'poll.created' && e.data.pollId === created.poll.id)).toMatchObject({
      roomId: t.room.id,
      data: { messageId: created.poll.messageId, seq: created.poll.seq },
    })
  })

  test('the same nonce again returns the same poll and posts no second message', async () => {
    const body = { question: 'Once?', options: ['yes', 'no'], nonce: 'poll-retry-1' }
    const first = await t.create(body)
    const again = await t.create(body)
    expect(again.poll.id).toBe(first.poll.id)
    expect(again.message.id).toBe(first.message.id)
    const history = ok(await w.app.http.get(`/v1/rooms/${t.room.id}/messages?after=${first.poll.seq}`, t.as(t.member))).body.messages
    expect(history).toEqual([])
  })

  test('a poll is readable as soon as its message is: right when the message commits, before the poll records it', async () => {
    const deps = (w.polls as any).deps
    const seen: number[] = []
    // The app's own PollService answers the GET (over HTTP) while this one is between the message's commit and recording it.
    const watched = new PollService({
      ...deps,
      messages: {
        ...deps.messages,
        post: async (input: any) => {
          const ack = await deps.messages.post(input)
          seen.push((await t.get(input.pollId, t.member)).status)
          seen.push((await t.vote(input.pollId, [], t.member)).status)
          return ack
        },
        acknowledged: (userId: string, id: string) => deps.messages.acknowledged(userId, id),
        requireUnblocked: async () => {},
      },
    })
    const created = await watched.create({ userId: t.c.owner.id, roomId: t.room.id, body: { question: 'Right away?', options: ['a', 'b'] } })
    expect(seen).toEqual([200, 200])
    expect(ok(await t.get(created.poll.id, t.member)).body).toMatchObject({ id: created.poll.id, messageId: created.message.id, seq: created.message.seq })
    watched.stop()
  })

  test('right when a subscriber gets the message.created of a poll, and right after the create answers, GET /v1/polls/:id is 200', async () => {
    const socket = await w.socket(t.member.accessToken)
    await socket.request('subscribe', { roomId: t.room.id })
    const posting = w.http.post(`/v1/rooms/${t.room.id}/polls`, { question: 'Live?', options: ['a', 'b'] }, t.as(t.c.owner))
    const frame = await socket.event('message.created', 5000, (f) => f.data.message.kind === 'poll' && f.data.message.body === 'Live?')
    expect((await t.get(frame.data.message.pollId, t.member)).status).toBe(200)
    const created = ok(await posting, 201).body
    expect(ok(await t.get(created.poll.id, t.member)).body.messageId).toBe(frame.data.message.id)
    socket.close()
  })

  test('a poll whose message could not be posted stays hidden until a retry or completePending posts it', async () => {
    const deps = (w.polls as any).deps
    let down = true
    const flaky = new PollService({
      ...deps,
      messages: {
        post: (input: any) => (down ? Promise.reject(new Error('room actor unavailable')) : deps.messages.post(input)),
        acknowledged: (userId: string, id: string) => deps.messages.acknowledged(userId, id),
        requireUnblocked: async () => {},
      },
    })
    const body = { question: 'Pending?', options: ['a', 'b'], nonce: 'pending-1' }
    await expect(flaky.create({ userId: t.c.owner.id, roomId: t.room.id, body })).rejects.toThrow('room actor unavailable')
    await expect(flaky.create({ userId: t.c.owner.id, roomId: t.room.id, body: { ...body, nonce: 'pending-2' } })).rejects.toThrow()
    const pending = (await w.app.res.db.select({ id: polls.id }).from(polls).where(isNull(polls.messageId))).map((r) => r.id)
    expect(pending).toHaveLength(2)
    for (const id of pending) {
      expect((await t.get(id, t.c.owner)).status).toBe(404)
      expect(w.events.some((e) => e.type === 'poll.created' && e.data.pollId === id)).toBe(false)
    }
    down = false
    const retried = await flaky.create({ userId: t.c.owner.id, roomId: t.room.id, body })
    expect(ok(await t.get(retried.poll.id, t.member)).body.question).toBe('Pending?')
    expect(pending).toContain(retried.poll.id)
    expect(await flaky.completePending(0)).toBe(1)
    expect(await flaky.completePending(0)).toBe(0)
    for (const id of pending) expect(w.events.filter((e) => e.type === 'poll.created' && e.data.pollId === id)).toHaveLength(1)
    flaky.stop()
  })

  test('a repeatable job of the api queue posts the polls left pending for a minute', async () => {
    const scheduler = await w.app.res.jobs.queues.api.getJobScheduler('polls.complete-pending')
    expect(scheduler).toMatchObject({ name: 'polls.complete-pending', every: 60_000 })
    const deps = (w.polls as any).deps
    const broken = new PollService({ ...deps, messages: { post: () => Promise.reject(new Error('room actor unavailable')), acknowledged: () => {}, requireUnblocked: async () => {} } })
    const body = { question: 'Left pending?', options: ['a', 'b'], nonce: 'pending-job' }
    await expect(broken.create({ userId: t.c.owner.id, roomId: t.room.id, body })).rejects.toThrow('room actor unavailable')
    broken.stop()
    const [row] = await w.app.res.db.update(polls).set({ createdAt: new Date(Date.now() - 120_000) }).where(eq(polls.nonce, 'pending-job')).returning({ id: polls.id })
    await w.app.res.jobs.enqueue({ queue: 'api', name: 'polls.complete-pending', data: {} })
    const posted = await eventually('the pending poll posted', async () => {
      const res = await t.get(row!.id, t.member)
      return res.status === 200 ? res.body : undefined
    })
    expect(posted.question).toBe('Left pending?')
  })

  test('live, the poll message arrives as message.created of kind poll, in seq order with the rest', async () => {
    const socket = await w.socket(t.member.accessToken)
    expect((await socket.request('subscribe', { roomId: t.room.id })).op).toBe('ack')
    const created = await t.create({ question: 'Live?', options: ['a', 'b'] })
    const after = ok(await w.http.post(`/v1/rooms/${t.room.id}/messages`, { body: 'after the poll', nonce: 'after-live' }, t.as(t.member)), 201).body
    const frames = await eventually('both message.created', async () => {
      const got = socket.frames.filter((f) => f.op === 'event' && f.type === 'message.created' && [created.message.id, after.id].includes(f.data.message.id))
      return got.length === 2 ? got : undefined
    })
    expect(frames.map((f) => f.seq)).toEqual([created.message.seq, after.seq])
    expect(frames[0].data.message).toMatchObject({ kind: 'poll', pollId: created.poll.id, body: 'Live?' })
    // A live event leaves out what is the default: no kind is a text message.
    expect(frames[1].data.message.kind ?? 'text').toBe('text')
    expect(frames[1].data.message).not.toHaveProperty('pollId')
    socket.close()
  })

  test('a poll message cannot be edited (422 invalid_target); it can be deleted like any message', async () => {
    const created = await t.create({ question: 'Edit me?', options: ['a', 'b'] })
    const res = await w.http.patch(`/v1/messages/${created.message.id}`, { body: 'changed' }, t.as(t.c.owner))
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('invalid_target')
    expect(ok(await w.http.get(`/v1/messages/${created.message.id}`, t.as(t.member))).body.body).toBe('Edit me?')
  })

  test.each(['poll.x', 'survey.1'])('a client nonce like %s is refused (the server names its poll messages so), over REST and WebSocket', async (nonce) => {
    const res = await w.http.post(`/v1/rooms/${t.room.id}/messages`, { body: 'sneaky', nonce }, t.as(t.member))
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('validation_failed')
    const socket = await w.socket(t.member.accessToken)
    const answer = await socket.request('send', { roomId: t.room.id, body: 'sneaky', nonce })
    expect(answer).toMatchObject({ op: 'error', code: 'validation_failed' })
    socket.close()
  })

  const refusals: [string, Record<string, unknown>][] = [
    ['one option', { options: ['only'] }],
    ['more options than POLL_MAX_OPTIONS (10)', { options: options(11) }],
    ['more than 20 options', { options: options(21) }],
    ['a question over 300 characters', { question: 'q'.repeat(301) }],
    ['an empty question', { question: '   ' }],
    ['an option over 100 characters', { options: ['a', 'b'.repeat(101)] }],
    ['a blank option', { options: ['a', '  '] }],
    ['the same option twice', { options: ['Tea', 'tea'] }],
    ['maxChoices without multiple', { maxChoices: 2 }],
    ['maxChoices above the options', { multiple: true, maxChoices: 3 }],
    ['an unknown resultsVisibility', { resultsVisibility: 'sometimes' }],
    ['a multiple-choice quiz', { multiple: true, quiz: { correctOption: 0 } }],
    ['a quiz that allows changes', { allowChange: true, quiz: { correctOption: 0 } }],
    ['a quiz answer that is not an option', { quiz: { correctOption: 2 } }],
    ['closesAt in the past', { closesAt: new Date(Date.now() - 1000).toISOString() }],
    ['closesAt in 2 seconds', { closesAt: new Date(Date.now() + 2000).toISOString() }],
    ['closesAt beyond a year', { closesAt: new Date(Date.now() + 400 * 86400_000).toISOString() }],
    ['closesAt that is not a time', { closesAt: 'tomorrow' }],
  ]
  test.each(refusals)('refuses %s (422)', async (_, change) => {
    const res = await w.http.post(`/v1/rooms/${t.room.id}/polls`, { question: 'Q?', options: ['a', 'b'], ...change }, t.as(t.c.owner))
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('validation_failed')
  })

  test('POLL_MAX_OPTIONS raises the limit up to 20', async () => {
    const wide = new PollService({
      ...(w.polls as any).deps,
      config: { polls: { ...w.app.res.config.polls, maxOptions: 20 } },
    })
    const created = await wide.create({ userId: t.c.owner.id, roomId: t.room.id, body: { question: 'Twenty?', options: options(20) } })
    expect(created.poll.options).toHaveLength(20)
    wide.stop()
  })
})

describe('voting, by the options of the poll', () => {
  const cases: {
    name: string
    poll: Record<string, unknown>
    steps: { choose: number[]; status: number; code?: string; mine?: number[] }[]
  }[] = [
    {
      name: 'single choice: a vote can be changed and taken back',
      poll: {},
      steps: [
        { choose: [0], status: 200, mine: [0] },
        { choose: [1], status: 200, mine: [1] },
        { choose: [], status: 200, mine: [] },
      ],
    },
    {
      name: 'single choice: two options are refused',
      poll: {},
      steps: [{ choose: [0, 1], status: 422, code: 'validation_failed' }],
    },
    {
      name: 'allowChange false: the same vote again changes nothing, another is refused, so is taking it back',
      poll: { allowChange: false },
      steps: [
        { choose: [0], status: 200, mine: [0] },
        { choose: [0], status: 200, mine: [0] },
        { choose: [1], status: 409, code: 'already_voted' },
        { choose: [], status: 422, code: 'validation_failed' },
      ],
    },
    {
      name: 'multiple with maxChoices 2: two are fine, three are refused',
      poll: { multiple: true, maxChoices: 2, options: ['a', 'b', 'c'] },
      steps: [
        { choose: [0, 2], status: 200, mine: [0, 2] },
        { choose: [0, 1, 2], status: 422, code: 'validation_failed' },
        { choose: [1], status: 200, mine: [1] },
      ],
    },
    {
      name: 'multiple without maxChoices: every option at once',
      poll: { multiple: true, options: ['a', 'b', 'c'] },
      steps: [{ choose: [0, 1, 2], status: 200, mine: [0, 1, 2] }],
    },
    {
      name: 'the same option twice is refused',
      poll: { multiple: true },
      steps: [{ choose: [0, 0], status: 422, code: 'validation_failed' }],
    },
    {
      name: 'quiz: the answer stands (no change, no taking back)',
      poll: { quiz: { correctOption: 1, explanation: 'Because.' } },
      steps: [
        { choose: [0], status: 200, mine: [0] },
        { choose: [1], status: 409, code: 'already_voted' },
        { choose: [], status: 422, code: 'validation_failed' },
        { choose: [0], status: 200, mine: [0] },
      ],
    },
  ]

  test.each(cases)('$name', async ({ poll, steps }) => {
    const created = await t.create({ question: 'Which?', options: ['a', 'b'], ...poll })
    const ids: string[] = created.poll.options.map((o: any) => o.id)
    for (const step of steps) {
      const res = await t.vote(created.poll.id, step.choose.map((i) => ids[i]!), t.voter)
      expect(res.status).toBe(step.status)
      if (step.code) expect(res.body.error.code).toBe(step.code)
      if (step.mine) {
        expect(res.body.myChoices).toEqual(step.mine.map((i) => ids[i]!).sort())
        const counts = res.body.options.map((o: any) => o.votes)
        expect(counts).toEqual(ids.map((_, i) => (step.mine!.includes(i) ? 1 : 0)))
        expect(res.body.voters).toBe(step.mine.length > 0 ? 1 : 0)
      }
    }
  })

  test('an option of another poll is refused (422)', async () => {
    const a = await t.create({ question: 'A?', options: ['a', 'b'] })
    const b = await t.create({ question: 'B?', options: ['c', 'd'] })
    const res = await t.vote(a.poll.id, [b.poll.options[0].id], t.voter)
    expect(res.status).toBe(422)
  })

  test('a quiz shows its answer and explanation to a voter, not before', async () => {
    const created = await t.create({ question: '2+2?', options: ['3', '4'], quiz: { correctOption: 1, explanation: 'Arithmetic.' } })
    expect(created.poll.quiz).toBe(true)
    const before = ok(await t.get(created.poll.id, t.member)).body
    expect(before.correctOption).toBeUndefined()
    expect(before.explanation).toBeUndefined()
    expect(created.message.poll.correctOption).toBeUndefined()
    expect(JSON.stringify(created.message)).not.toContain('Arithmetic')
    const answered = ok(await t.vote(created.poll.id, [created.poll.options[0].id], t.member)).body
    expect(answered).toMatchObject({ correctOption: created.poll.options[1].id, explanation: 'Arithmetic.' })
  })

  test('DMs and group DMs have polls too: their members create and vote, others cannot see them', async () => {
    const dm = ok(await w.app.http.post('/v1/dms', { userIds: [t.member.id, t.voter.id] }, t.as(t.c.owner)), 201).body
    const created = ok(await w.http.post(`/v1/rooms/${dm.id}/polls`, { question: 'Group DM?', options: ['y', 'n'] }, t.as(t.member)), 201).body
    expect(ok(await t.vote(created.poll.id, [created.poll.options[0].id], t.voter)).body.options[0].votes).toBe(1)
    expect((await t.get(created.poll.id, t.moderator)).status).toBe(404)
    expect((await t.vote(created.poll.id, [created.poll.options[0].id], t.moderator)).status).toBe(404)
  })
})

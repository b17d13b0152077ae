import { describe, expect, test } from 'bun:test'
import { createLogger } from '../../../src/lib/log'
import { ok } from '../../helpers/community'
import { eventually } from '../../helpers/wait'
import { pollRoom, pollsWorld } from './world'

// Everything the app logs, to look for voter ids in it.
const logLines: string[] = []
const w = await pollsWorld({ LOG_LEVEL: 'debug' }, { log: createLogger('debug', {}, (line) => logLines.push(line)) })
const t = await pollRoom(w)

// The room as a non-voting member sees it live, and the voter's own sockets.
const memberSocket = await w.socket(t.member.accessToken)
expect((await memberSocket.request('subscribe', { roomId: t.room.id })).op).toBe('ack')
const voterSocket = await w.socket(t.voter.accessToken)
expect((await voterSocket.request('subscribe', { roomId: t.room.id })).op).toBe('ack')
const outsiderSocket = await w.socket(t.outsider.accessToken)
expect((await outsiderSocket.request('subscribe', { roomId: t.room.id })).op).toBe('error')

type Visibility = 'always' | 'after_vote' | 'after_close'
const combos: { visibility: Visibility; anonymous: boolean }[] = (['always', 'after_vote', 'after_close'] as const).flatMap((visibility) => [
  { visibility, anonymous: false },
  { visibility, anonymous: true },
])

/** Who sees counts while the poll is open, by rule: [voter, non-voter, moderator]. */
const seesCountsOpen: Record<Visibility, [boolean, boolean, boolean]> = {
  always: [true, true, true],
  after_vote: [true, false, false],
  after_close: [false, false, false],
}

const pollUpdates = (frames: any[], pollId: string) => frames.filter((f) => f.op === 'event' && f.type === 'poll.updated' && f.data.id === pollId)

describe.each(combos)('resultsVisibility $visibility, anonymous $anonymous', ({ visibility, anonymous }) => {
  let pollId: string
  let optionIds: string[]

  test('while open: counts only for whom the rule allows, over REST', async () => {
    const created = await t.create({ question: `${visibility} ${anonymous}?`, options: ['x', 'y'], resultsVisibility: visibility, anonymous })
    pollId = created.poll.id
    optionIds = created.poll.options.map((o: any) => o.id)
    expect(created.message.poll).not.toHaveProperty('voters')
    expect(created.message.poll.options[0]).not.toHaveProperty('votes')

    const voted = ok(await t.vote(pollId, [optionIds[0]!], t.voter)).body
    const [voter, nonVoter, moderator] = seesCountsOpen[visibility]
    expect(voted.countsVisible).toBe(voter)
    expect(voted.options[0].votes).toBe(voter ? 1 : undefined)
    expect(voted.myChoices).toEqual([optionIds[0]])

    for (const [who, sees] of [
      [t.voter, voter],
      [t.member, nonVoter],
      [t.moderator, moderator],
    ] as const) {
      const view = ok(await t.get(pollId, who)).body
      expect(view.countsVisible).toBe(sees)
      expect(view.options.every((o: any) => (sees ? typeof o.votes === 'number' : o.votes === undefined))).toBe(true)
      expect(view.voters).toBe(sees ? 1 : undefined)
      // The version counts committed changes: it goes with the counts.
      expect(view.version === undefined).toBe(!sees)
      expect(view.myChoices).toEqual(who === t.voter ? [optionIds[0]] : [])
      expect(JSON.stringify(view).includes(t.voter.id)).toBe(false)
    }
    expect((await t.get(pollId, t.outsider)).status).toBe(404)
  })

  test('while open: the voters list is refused for anonymous polls, and until the results show', async () => {
    const [voter, nonVoter, moderator] = seesCountsOpen[visibility]
    for (const [who, sees] of [
      [t.voter, voter],
      [t.member, nonVoter],
      [t.moderator, moderator],
      [t.c.owner, nonVoter],
    ] as const) {
      const res = await w.http.get(`/v1/polls/${pollId}/voters`, t.as(who))
      if (anonymous || !sees) {
        expect(res.status).toBe(403)
        expect(JSON.stringify(res.body)).not.toContain(t.voter.id)
      } else {
        expect(res.status).toBe(200)
        expect(res.body.voters).toEqual([{ userId: t.voter.id, choices: [optionIds[0]], votedAt: expect.any(String) }])
      }
    }
    expect((await w.http.get(`/v1/polls/${pollId}/voters`, t.as(t.outsider))).status).toBe(404)
  })

  test('while open: the room hears counts only if every reader may see them, else nothing; the voter hears theirs at once', async () => {
    const own = await eventually('the voter’s own poll.updated', async () =>
      pollUpdates(voterSocket.frames, pollId).find((f) => f.data.audience === 'you'),
    )
    expect(own.data.myChoices).toEqual([optionIds[0]])
    expect(own.data.countsVisible).toBe(visibility !== 'after_close')
    if (visibility === 'after_vote') expect(own.data.options[0].votes).toBe(1)
    if (visibility === 'always') {
      const frame = await eventually('a poll.updated on the room', async () => pollUpdates(memberSocket.frames, pollId)[0])
      expect(frame.data).toMatchObject({ audience: 'room', countsVisible: true, voters: 1 })
      expect(frame.data.options.map((o: any) => o.votes)).toEqual([1, 0])
      expect(frame.data).not.toHaveProperty('myChoices')
    } else {
      // A push per vote would tell the room that someone voted.
      await Bun.sleep(w.app.res.config.polls.liveIntervalMs * 2)
      expect(pollUpdates(memberSocket.frames, pollId)).toEqual([])
    }
    expect(pollUpdates(memberSocket.frames, pollId).some((f) => f.data.audience === 'you')).toBe(false)
  })

  test('after close: everyone who can see the room sees the counts; the outsider still sees nothing', async () => {
    ok(await w.http.post(`/v1/polls/${pollId}/close`, undefined, t.as(t.c.owner)))
    for (const who of [t.voter, t.member, t.moderator]) {
      const view = ok(await t.get(pollId, who)).body
      expect(view).toMatchObject({ closed: true, countsVisible: true, voters: 1 })
      expect(view.options.map((o: any) => o.votes)).toEqual([1, 0])
    }
    const closed = await eventually('the closing poll.updated', async () =>
      pollUpdates(memberSocket.frames, pollId).find((f) => f.data.closed),
    )
    expect(closed.data).toMatchObject({ audience: 'room', closed: true, countsVisible: true, voters: 1 })
    expect((await t.get(pollId, t.outsider)).status).toBe(404)
    expect(pollUpdates(outsiderSocket.frames, pollId)).toEqual([])
  })

  if (anonymous) {
    test('no voter id in any push, domain event or log line about this poll', async () => {
      const pushes = w.pushes.filter((p) => (p.event.data as any)?.id === pollId)
      expect(pushes.length).toBeGreaterThan(0)
      for (const p of pushes) expect(JSON.stringify(p.event)).not.toContain(t.voter.id)
      for (const e of w.events.filter((e) => e.data.pollId === pollId)) expect(JSON.stringify(e)).not.toContain(t.voter.id)
      expect(logLines.filter((line) => line.includes(t.voter.id))).toEqual([])
      expect(logLines.some((line) => line.includes('/polls/:id/vote'))).toBe(true)
    })
  }
})

test('a reader who votes on an after_vote poll gets the counts in the vote answer, others still not', async () => {
  const created = await t.create({ question: 'Peek?', options: ['x', 'y'], resultsVisibility: 'after_vote' })
  const ids = created.poll.options.map((o: any) => o.id)
  ok(await t.vote(created.poll.id, [ids[1]], t.voter))
  expect(ok(await t.get(created.poll.id, t.member)).body.countsVisible).toBe(false)
  const mine = ok(await t.vote(created.poll.id, [ids[0]], t.member)).body
  expect(mine).toMatchObject({ countsVisible: true, voters: 2 })
  expect(mine.options.map((o: any) => o.votes)).toEqual([1, 1])
  // Taking the vote back takes the counts away again.
  const back = ok(await t.vote(created.poll.id, [], t.member)).body
  expect(back.countsVisible).toBe(false)
  expect(back.options[0].votes).toBeUndefined()
})

test('an after_vote poll’s per-voter pushes skip a voter who can no longer see the room', async () => {
  const leaver = await t.c.join()
  const created = await t.create({ question: 'Who hears?', options: ['x', 'y'], resultsVisibility: 'after_vote' })
  const pollId = created.poll.id
  const ids = created.poll.options.map((o: any) => o.id)
  ok(await t.vote(pollId, [ids[0]], leaver))
  ok(await w.app.http.delete(`/v1/communities/${t.c.id}/members/${leaver.id}`, t.as(leaver)), 204)
  const before = w.updates('user', leaver.id).filter((d) => d.id === pollId).length
  ok(await t.vote(pollId, [ids[1]], t.voter))
  // The voter who stayed hears the new counts on their own channel...
  await eventually('the staying voter’s push', async () => w.updates('user', t.voter.id).find((d) => d.id === pollId && d.voters === 2))
  await Bun.sleep(w.app.res.config.polls.liveIntervalMs * 2)
  // ...the one who left hears nothing more of a room they cannot see.
  expect(w.updates('user', leaver.id).filter((d) => d.id === pollId).length).toBe(before)
})

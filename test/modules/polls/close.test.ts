import { describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { pollEvents } from '../../../src/modules/polls/events'
import { closePollJob, NotDueYet } from '../../../src/modules/polls/processors'
import { PollService, pollCloseJob } from '../../../src/modules/polls/service'
import { ok } from '../../helpers/community'
import { eventually } from '../../helpers/wait'
import { pollJobsModule } from './job-processors'
import { pollRoom, pollsWorld } from './world'

const w = await pollsWorld({ JOB_WORKERS: '1' }, { jobs: { modules: [pollJobsModule] } })
const t = await pollRoom(w)
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString()
const closeAs = (pollId: string, who: { accessToken: string }) => w.http.post(`/v1/polls/${pollId}/close`, undefined, { token: who.accessToken })
/** Moves a poll's closesAt into the past, as if its time had come and its job were late. */
const timePasses = (pollId: string) => w.app.res.db.execute(sql`update polls set closes_at = now() - interval '1 second' where id = ${pollId}`)

describe('closing by hand', () => {
  test('its author closes it; closing again changes nothing; a vote after is refused (409 poll_closed)', async () => {
    const { poll } = await t.create({ question: 'Close me?', options: ['a', 'b'], resultsVisibility: 'after_close' })
    ok(await t.vote(poll.id, [poll.options[0].id], t.voter))
    const closed = ok(await closeAs(poll.id, t.c.owner)).body
    expect(closed).toMatchObject({ closed: true, countsVisible: true, voters: 1 })
    expect(Date.parse(closed.closedAt)).toBeLessThanOrEqual(Date.now())
    const again = ok(await closeAs(poll.id, t.c.owner)).body
    expect(again.closedAt).toBe(closed.closedAt)
    expect(w.events.filter((e) => e.type === 'poll.closed' && e.data.pollId === poll.id)).toHaveLength(1)
    const late = await t.vote(poll.id, [poll.options[1].id], t.member)
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('poll_closed')
    expect(ok(await t.get(poll.id, t.member)).body.options.map((o: any) => o.votes)).toEqual([1, 0])
  })

  test('a moderator (manage_messages) closes it', async () => {
    const { poll } = await t.create({ question: 'Mod?', options: ['a', 'b'] })
    expect(ok(await closeAs(poll.id, t.moderator)).body.closed).toBe(true)
  })

  test('another member may not (403 missing_permission)', async () => {
    const { poll } = await t.create({ question: 'Mine?', options: ['a', 'b'] })
    const res = await closeAs(poll.id, t.member)
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('missing_permission')
  })

  test('an outsider gets 404', async () => {
    const { poll } = await t.create({ question: 'Hidden?', options: ['a', 'b'] })
    expect((await closeAs(poll.id, t.outsider)).status).toBe(404)
  })
})

describe('closing by time', () => {
  test('closesAt schedules a delayed job with a deterministic id', async () => {
    const { poll } = await t.create({ question: 'Timed?', options: ['a', 'b'], closesAt: inSeconds(60) })
    const job = await w.app.res.jobs.queues.reminders.getJob(pollCloseJob(poll.id).jobId)
    expect(job?.name).toBe('polls.close')
    expect(job?.data).toEqual({ pollId: poll.id })
    expect(job!.opts.delay!).toBeGreaterThan(50_000)
    expect(job!.opts.delay!).toBeLessThanOrEqual(60_000)
    expect(await job!.isDelayed()).toBe(true)
  })

  test('past closesAt, a vote is refused even before the job ran (the clock says closed)', async () => {
    const { poll } = await t.create({ question: 'Soon?', options: ['a', 'b'], closesAt: inSeconds(30), resultsVisibility: 'after_close' })
    ok(await t.vote(poll.id, [poll.options[0].id], t.voter))
    const later = new PollService({ ...(w.polls as any).deps, now: () => Date.now() + 31_000 })
    await expect(later.vote({ userId: t.member.id, pollId: poll.id, choices: [poll.options[1].id] })).rejects.toMatchObject({ code: 'poll_closed' })
    const view = await later.get({ userId: t.member.id, pollId: poll.id })
    expect(view).toMatchObject({ closed: true, closedAt: poll.closesAt, countsVisible: true, voters: 1 })
    later.stop()
  })

  test('past closesAt, the database refuses the vote too (a node whose clock or cache lags)', async () => {
    const { poll } = await t.create({ question: 'Lagging?', options: ['a', 'b'], closesAt: inSeconds(30) })
    await timePasses(poll.id)
    const res = await t.vote(poll.id, [poll.options[0].id], t.voter)
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('poll_closed')
  })

  test('the job, run by a worker thread when due, closes the poll', async () => {
    const { poll } = await t.create({ question: 'Job?', options: ['a', 'b'], closesAt: inSeconds(60) })
    ok(await t.vote(poll.id, [poll.options[1].id], t.voter))
    await timePasses(poll.id)
    await (await w.app.res.jobs.queues.reminders.getJob(pollCloseJob(poll.id).jobId))!.promote()
    await eventually('the job closed the poll', async () => {
      const rows = await w.app.res.db.execute(sql`select closed_at from polls where id = ${poll.id}`)
      return (rows as any)[0]?.closed_at
    })
    expect(ok(await t.get(poll.id, t.member)).body).toMatchObject({ closed: true, voters: 1 })
  })

  test('the job pushes the final state to the room; one that runs early fails (to be retried)', async () => {
    const { poll } = await t.create({ question: 'Push?', options: ['a', 'b'], closesAt: inSeconds(60), resultsVisibility: 'after_close' })
    ok(await t.vote(poll.id, [poll.options[0].id], t.voter))
    const pushed: any[] = []
    const live = { toRoom: (roomId: string, e: any) => pushed.push({ roomId, ...e }), toUser: () => {} }
    await expect(closePollJob({ pollId: poll.id }, { db: w.app.res.db, live })).rejects.toBeInstanceOf(NotDueYet)
    expect(pushed).toEqual([])
    await timePasses(poll.id)
    expect(await closePollJob({ pollId: poll.id }, { db: w.app.res.db, live })).toEqual({ closed: true })
    expect(pushed).toEqual([
      {
        roomId: t.room.id,
        type: 'poll.updated',
        data: expect.objectContaining({ id: poll.id, closed: true, countsVisible: true, voters: 1, options: [{ id: poll.options[0].id, votes: 1 }, { id: poll.options[1].id, votes: 0 }] }),
      },
    ])
    // A second run (a retry after a crash) finds it closed and does nothing.
    expect(await closePollJob({ pollId: poll.id }, { db: w.app.res.db, live })).toEqual({ closed: false })
    expect(pushed).toHaveLength(1)
  })
})

describe('a deleted poll message', () => {
  test('closes and hides the poll', async () => {
    const { poll, message } = await t.create({ question: 'Delete me?', options: ['a', 'b'] })
    ok(await t.vote(poll.id, [poll.options[0].id], t.voter))
    await w.app.services.messages.remove(t.moderator.id, message.id)
    await w.polls.onMessageDeleted(message.id)
    // The same, heard again as a domain event: nothing more happens.
    await pollEvents(w.polls)['message.deleted']({ id: 'e1', type: 'message.deleted', data: { messageId: message.id } })
    expect((await t.get(poll.id, t.voter)).status).toBe(404)
    expect((await t.vote(poll.id, [poll.options[1].id], t.voter)).status).toBe(404)
    expect((await closeAs(poll.id, t.c.owner)).status).toBe(404)
    expect((await w.http.get(`/v1/polls/${poll.id}/voters`, t.as(t.c.owner))).status).toBe(404)
    expect((await w.polls.definitions([poll.id])).size).toBe(0)
    expect(w.events.filter((e) => e.type === 'poll.closed' && e.data.pollId === poll.id).map((e) => e.data.reason)).toEqual(['deleted'])
  })

  test('a message that carries no poll is ignored', async () => {
    const ack = await w.app.services.messages.send(t.member.id, t.room.id, { nonce: 'plain-1', body: 'just text' })
    await w.polls.onMessageDeleted(ack.messageId)
  })
})

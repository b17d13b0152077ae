import { describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { pollReactions } from '../../../src/modules/polls/events'
import { closePollJob, NotDueYet } from '../../../src/modules/polls/processors'
import { PollService, pollCloseJob } from '../../../src/modules/polls/service'
import { ok } from '../../helpers/community'
import { eventually } from '../../helpers/wait'
import { pollRoom, pollsWorld } from './world'

// The worker threads run every feature's processors and reactions (the close job, the message.deleted reaction).
const w = await pollsWorld({ JOB_WORKERS: '1', EVENTS_RELAY_INTERVAL_MS: '100' }, { jobs: {} })
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

  test('a close in a worker thread reaches the room: poll.closed is relayed and the final state pushed; one that runs early fails (to be retried)', async () => {
    const socket = await w.socket(t.member.accessToken)
    expect((await socket.request('subscribe', { roomId: t.room.id })).op).toBe('ack')
    const { poll } = await t.create({ question: 'Push?', options: ['a', 'b'], closesAt: inSeconds(60), resultsVisibility: 'after_close' })
    ok(await t.vote(poll.id, [poll.options[0].id], t.voter))
    const ctx = { db: w.app.res.db, log: w.app.res.log }
    await expect(closePollJob({ pollId: poll.id }, ctx)).rejects.toBeInstanceOf(NotDueYet)
    await timePasses(poll.id)
    expect(await closePollJob({ pollId: poll.id }, ctx)).toEqual({ closed: true })
    const frame = await eventually('the closing poll.updated at a member', async () =>
      socket.frames.find((f) => f.op === 'event' && f.type === 'poll.updated' && f.data.id === poll.id),
    )
    expect(frame.data).toMatchObject({ audience: 'room', closed: true, countsVisible: true, voters: 1 })
    expect(frame.data.options).toEqual([{ id: poll.options[0].id, votes: 1 }, { id: poll.options[1].id, votes: 0 }])
    expect(w.events.filter((e) => e.type === 'poll.closed' && e.data.pollId === poll.id).map((e) => e.data.reason)).toEqual(['time'])
    // A second run (a retry after a crash) finds it closed and does nothing.
    expect(await closePollJob({ pollId: poll.id }, ctx)).toEqual({ closed: false })
    await Bun.sleep(300)
    expect(w.events.filter((e) => e.type === 'poll.closed' && e.data.pollId === poll.id)).toHaveLength(1)
    expect(socket.frames.filter((f) => f.op === 'event' && f.type === 'poll.updated' && f.data.id === poll.id)).toHaveLength(1)
    socket.close()
  })
})

describe('a deleted poll message', () => {
  test('hides the poll at once, and the message.deleted reaction closes it (once, however often it is heard)', async () => {
    const { poll, message } = await t.create({ question: 'Delete me?', options: ['a', 'b'] })
    ok(await t.vote(poll.id, [poll.options[0].id], t.voter))
    ok(await w.http.delete(`/v1/messages/${message.id}`, t.as(t.moderator)), 204)
    // Hidden from the moment the delete commits.
    expect((await t.get(poll.id, t.voter)).status).toBe(404)
    expect((await t.vote(poll.id, [poll.options[1].id], t.voter)).status).toBe(404)
    expect((await closeAs(poll.id, t.c.owner)).status).toBe(404)
    expect((await w.http.get(`/v1/polls/${poll.id}/voters`, t.as(t.c.owner))).status).toBe(404)
    const history = ok(await w.http.get(`/v1/rooms/${t.room.id}/messages`, t.as(t.member))).body.messages
    const tombstone = history.find((m: any) => m.id === message.id)
    expect(tombstone).toMatchObject({ kind: 'poll', pollId: poll.id, body: '' })
    expect(tombstone).not.toHaveProperty('poll')
    // The reaction, in a worker thread, closes and hides the poll row itself.
    const closed = await eventually('poll.closed (deleted)', async () =>
      w.events.find((e) => e.type === 'poll.closed' && e.data.pollId === poll.id),
    )
    expect(closed.data.reason).toBe('deleted')
    const [row] = (await w.app.res.db.execute(sql`select closed_at, deleted_at from polls where id = ${poll.id}`)) as any
    expect(row.closed_at).not.toBeNull()
    expect(row.deleted_at).not.toBeNull()
    // The same event heard again: nothing more happens.
    const event = { id: crypto.randomUUID(), type: 'message.deleted' as const, at: new Date().toISOString(), roomId: t.room.id, data: { messageId: message.id, roomId: t.room.id, kind: 'poll' as const } }
    await pollReactions['message.deleted']!.handle(event, { db: w.app.res.db, log: w.app.res.log } as any)
    await Bun.sleep(300)
    expect(w.events.filter((e) => e.type === 'poll.closed' && e.data.pollId === poll.id)).toHaveLength(1)
    expect((await w.polls.definitions([poll.id])).size).toBe(0)
  })

  test('the reaction wants only messages of kind poll; a text message is ignored', async () => {
    const ack = await w.messages.send(t.member.id, t.room.id, { nonce: 'plain-1', body: 'just text' })
    const event = { id: crypto.randomUUID(), type: 'message.deleted' as const, at: new Date().toISOString(), data: { messageId: ack.messageId, roomId: t.room.id, kind: 'text' as const } }
    expect(pollReactions['message.deleted']!.wants!(event)).toBe(false)
    await pollReactions['message.deleted']!.handle(event, { db: w.app.res.db, log: w.app.res.log } as any)
  })
})

// Reminders as the real BullMQ delayed jobs of the `reminders` queue, after each kind of
// edit; the processor's re-check; the sweep, scheduled and run in the worker threads;
// reminders and waitlist promotions delivered as notifications, stored and live.
import { describe, expect, test } from 'bun:test'
import { and, eq } from 'drizzle-orm'
import { notifications } from '../../../src/db/schema'
import { EventAccess } from '../../../src/modules/events/access'
import { ExpansionCache } from '../../../src/modules/events/expansion-cache'
import { checkReminder, REMINDER_SWEEP_EVERY_MS, reminderNotificationId } from '../../../src/modules/events/processors'
import { ProducerReminderQueue, ReminderPlanner, reminderJobId, type ReminderJob } from '../../../src/modules/events/reminders'
import { newCommunity, ok } from '../../helpers/community'
import { eventually } from '../../helpers/wait'
import { WsClient } from '../../helpers/ws'
import { as, createEvent, enc, startEvents } from './helpers'

const HORIZON = 30 * 3_600_000
const h = await startEvents({ env: { CALENDAR_REMINDER_HORIZON_HOURS: '30' }, jobs: true })
const w = await newCommunity(h.app.http)
const member = await w.join()
const queue = h.app.res.jobs.queues.reminders
const ports = { access: new EventAccess(h.app.hearth.core.permissions), cache: new ExpansionCache() }

/** The user's stored notifications of a type about a target, once there are some. */
const notificationsOf = (userId: string, type: string, targetId: string) =>
  eventually(
    `a ${type} notification`,
    async () => {
      const found = await h.app.res.db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, userId), eq(notifications.type, type), eq(notifications.targetId, targetId)))
      return found.length ? found : undefined
    },
    15_000,
  )

const HOUR = 3_600_000
/** A whole minute about `hours` from now, as a UTC instant and as local time in Etc/UTC. */
function inHours(hours: number) {
  const t = Math.ceil((Date.now() + hours * HOUR) / 60_000) * 60_000
  return { at: t, iso: new Date(t).toISOString(), local: new Date(t).toISOString().slice(0, 16) }
}

/** The reminder jobs queued for a series: id -> {state, fireAt, startAt}. */
async function jobsOf(seriesId: string) {
  const jobs = await queue.getJobs(['delayed', 'waiting', 'active'])
  const mine = jobs.filter((j) => j?.id?.startsWith(`reminder.${seriesId}.`))
  return new Map(mine.map((j) => [j.id!, { fireAt: j.timestamp + (j.opts.delay ?? 0), startAt: (j.data as ReminderJob).startAt }]))
}
const idFor = (seriesId: string, originalStart: string, minutes: number, userId = member.id) =>
  reminderJobId({ seriesId, originalStart, userId, minutesBefore: minutes })

/** A daily series starting ~3 h from now: occurrences at +3 h, +27 h, +51 h, +75 h; the first two are inside the 30 h horizon. */
async function dailySeries(minutes = [10, 60]) {
  const first = inHours(3)
  const ev = await createEvent(h, w.id, w.owner, { start: first.local, timeZone: 'Etc/UTC', rrule: 'FREQ=DAILY;COUNT=4' })
  ok(await h.http.put(`/v1/events/${ev.id}/reminders`, { minutesBefore: minutes }, as(member)))
  const day = (n: number) => new Date(first.at + n * 24 * HOUR).toISOString()
  return { ev, day }
}

describe('queued reminders', () => {
  test('setting reminders queues one delayed job per occurrence inside the horizon, with deterministic ids', async () => {
    const { ev, day } = await dailySeries()
    const jobs = await jobsOf(ev.id)
    expect([...jobs.keys()].sort()).toEqual(
      [idFor(ev.id, day(0), 10), idFor(ev.id, day(0), 60), idFor(ev.id, day(1), 10), idFor(ev.id, day(1), 60)].sort(),
    )
    // BullMQ keeps a delay, counted from when the job was added: a few ms of slack.
    expect(Math.abs(jobs.get(idFor(ev.id, day(0), 60))!.fireAt - (Date.parse(day(0)) - 60 * 60_000))).toBeLessThan(1000)
    expect(ok(await h.http.get(`/v1/events/${ev.id}/reminders`, as(member))).body).toEqual({ eventId: ev.id, minutesBefore: [10, 60] })
  })

  test('moving one occurrence moves its jobs', async () => {
    const { ev, day } = await dailySeries([10])
    const moved = inHours(5)
    ok(await h.http.patch(`/v1/events/${ev.id}/occurrences/${enc(day(0))}`, { scope: 'this', start: moved.local }, as(w.owner)))
    const jobs = await jobsOf(ev.id)
    const job = jobs.get(idFor(ev.id, day(0), 10))!
    expect(job.startAt).toBe(moved.iso)
    expect(Math.abs(job.fireAt - (moved.at - 10 * 60_000))).toBeLessThan(1000)
    expect(jobs.get(idFor(ev.id, day(1), 10))!.startAt).toBe(day(1))
  })

  test('cancelling one occurrence removes its jobs', async () => {
    const { ev, day } = await dailySeries([10])
    expect((await h.http.delete(`/v1/events/${ev.id}/occurrences/${enc(day(1))}?scope=this`, as(w.owner))).status).toBe(204)
    expect([...(await jobsOf(ev.id)).keys()]).toEqual([idFor(ev.id, day(0), 10)])
  })

  test('declining one occurrence removes its job; going again brings it back', async () => {
    const { ev, day } = await dailySeries([10])
    ok(await h.http.put(`/v1/events/${ev.id}/occurrences/${enc(day(0))}/rsvp`, { status: 'declined' }, as(member)))
    expect([...(await jobsOf(ev.id)).keys()]).toEqual([idFor(ev.id, day(1), 10)])
    ok(await h.http.put(`/v1/events/${ev.id}/occurrences/${enc(day(0))}/rsvp`, { status: 'going' }, as(member)))
    expect((await jobsOf(ev.id)).has(idFor(ev.id, day(0), 10))).toBe(true)
  })

  test('declining the whole series removes every job', async () => {
    const { ev } = await dailySeries([10])
    ok(await h.http.put(`/v1/events/${ev.id}/rsvp`, { status: 'declined' }, as(member)))
    expect((await jobsOf(ev.id)).size).toBe(0)
  })

  test('a new time for the whole series replaces every job (the occurrences have new names)', async () => {
    const { ev, day } = await dailySeries([10])
    const later = inHours(4)
    ok(await h.http.patch(`/v1/events/${ev.id}`, { scope: 'all', start: later.local }, as(w.owner)))
    const next = (n: number) => new Date(later.at + n * 24 * HOUR).toISOString()
    expect([...(await jobsOf(ev.id)).keys()].sort()).toEqual([idFor(ev.id, next(0), 10), idFor(ev.id, next(1), 10)].sort())
    expect((await jobsOf(ev.id)).has(idFor(ev.id, day(0), 10))).toBe(false)
  })

  test('splitting the series moves the jobs of later occurrences to the new series', async () => {
    const { ev, day } = await dailySeries([10])
    const res = ok(await h.http.patch(`/v1/events/${ev.id}/occurrences/${enc(day(1))}`, { scope: 'following', title: 'New era' }, as(w.owner)))
    const next = res.body.event.id
    expect([...(await jobsOf(ev.id)).keys()]).toEqual([idFor(ev.id, day(0), 10)])
    expect([...(await jobsOf(next)).keys()]).toEqual([idFor(next, day(1), 10)])
    expect(ok(await h.http.get(`/v1/events/${next}/reminders`, as(member))).body.minutesBefore).toEqual([10])
  })

  test('ending the series early removes the jobs after the end', async () => {
    const { ev, day } = await dailySeries([10])
    expect((await h.http.delete(`/v1/events/${ev.id}/occurrences/${enc(day(1))}?scope=following`, as(w.owner))).status).toBe(204)
    expect([...(await jobsOf(ev.id)).keys()]).toEqual([idFor(ev.id, day(0), 10)])
  })

  test('deleting the series removes every job', async () => {
    const { ev } = await dailySeries([10])
    expect((await h.http.delete(`/v1/events/${ev.id}`, as(w.owner))).status).toBe(204)
    expect((await jobsOf(ev.id)).size).toBe(0)
  })

  test('clearing the reminders removes every job', async () => {
    const { ev } = await dailySeries([10, 60])
    ok(await h.http.put(`/v1/events/${ev.id}/reminders`, { minutesBefore: [] }, as(member)))
    expect((await jobsOf(ev.id)).size).toBe(0)
  })

  test('the sweep queues the reminders that entered the horizon since', async () => {
    const { ev, day } = await dailySeries([10])
    // The sweep as a worker thread runs it (adding through its job context), a day later.
    const tomorrow = new ReminderPlanner({
      db: h.app.res.db,
      cache: ports.cache,
      queue: new ProducerReminderQueue(h.app.res.jobs),
      log: h.app.res.log,
      horizonMs: HORIZON,
      now: () => Date.now() + 24 * HOUR,
    })
    await tomorrow.extendHorizon()
    expect((await jobsOf(ev.id)).has(idFor(ev.id, day(2), 10))).toBe(true)
  })

  test('the sweep is scheduled hourly when the app starts', async () => {
    const schedulers = await h.app.res.jobs.queues.maintenance.getJobSchedulers()
    expect(schedulers.map((s) => [s.key, s.name, Number(s.every)])).toContainEqual(['reminder-sweep', 'reminder.sweep', REMINDER_SWEEP_EVERY_MS])
  })

  test('a sweep run by the worker threads queues a reminder job that is missing', async () => {
    const { ev, day } = await dailySeries([10])
    await queue.remove(idFor(ev.id, day(1), 10))
    expect((await jobsOf(ev.id)).has(idFor(ev.id, day(1), 10))).toBe(false)
    await h.app.res.jobs.enqueue({ queue: 'maintenance', name: 'reminder.sweep', data: {} })
    await eventually('the job queued again', async () => ((await jobsOf(ev.id)).has(idFor(ev.id, day(1), 10)) ? true : undefined), 15_000)
    expect((await jobsOf(ev.id)).get(idFor(ev.id, day(1), 10))!.startAt).toBe(day(1))
  })
})

describe('firing', () => {
  test('the processor re-checks: a moved, cancelled or declined occurrence gets no reminder', async () => {
    const { ev, day } = await dailySeries([10])
    const job = (n: number): ReminderJob => ({ seriesId: ev.id, originalStart: day(n), userId: member.id, minutesBefore: 10, startAt: day(n), title: 'x' })
    expect('notification' in (await checkReminder(job(0), h.app.res, ports))).toBe(true)

    ok(await h.http.patch(`/v1/events/${ev.id}/occurrences/${enc(day(0))}`, { scope: 'this', start: inHours(6).local }, as(w.owner)))
    expect(await checkReminder(job(0), h.app.res, ports)).toEqual({ skip: 'occurrence moved' })

    expect((await h.http.delete(`/v1/events/${ev.id}/occurrences/${enc(day(1))}?scope=this`, as(w.owner))).status).toBe(204)
    expect(await checkReminder(job(1), h.app.res, ports)).toEqual({ skip: 'occurrence cancelled' })

    ok(await h.http.put(`/v1/events/${ev.id}/occurrences/${enc(day(2))}/rsvp`, { status: 'declined' }, as(member)))
    expect(await checkReminder(job(2), h.app.res, ports)).toEqual({ skip: 'declined' })
  })

  test('a due reminder reaches the user as an event.reminder notification, stored and on their socket (through the worker threads)', async () => {
    const { ev, day } = await dailySeries([10])
    const socket = await WsClient.open(h.app.wsUrl, member.accessToken)
    await socket.request('ping')
    const data: ReminderJob = { seriesId: ev.id, originalStart: day(0), userId: member.id, minutesBefore: 10, startAt: day(0), title: 'Weekly sync' }
    // The planned job is 3 hours away; the same job, due now, is what the queue would run then.
    await queue.remove(idFor(ev.id, day(0), 10))
    await queue.add('reminder.fire', data, { jobId: idFor(ev.id, day(0), 10), delay: 50, removeOnComplete: true })
    const rows = await notificationsOf(member.id, 'event.reminder', ev.id)
    expect(rows[0]!.data).toMatchObject({ eventId: ev.id, originalStart: day(0), minutesBefore: 10 })
    const pushed = await socket.event('notification.created', 10_000, (e: any) => e.data.type === 'event.reminder' && e.data.targetId === ev.id)
    expect(pushed.data).toMatchObject({ type: 'event.reminder', targetType: 'event', targetId: ev.id, data: { eventId: ev.id, start: day(0) } })
    socket.close()
  }, 30_000)

  test('a reminder job run twice notifies once', async () => {
    const { ev, day } = await dailySeries([10])
    const data: ReminderJob = { seriesId: ev.id, originalStart: day(1), userId: member.id, minutesBefore: 10, startAt: day(1), title: 'Weekly sync' }
    await queue.remove(idFor(ev.id, day(1), 10))
    const runs = [await queue.add('reminder.fire', data, { delay: 10 }), await queue.add('reminder.fire', data, { delay: 10 })]
    await eventually('both runs done', async () => ((await Promise.all(runs.map((j) => j.getState()))).every((s) => s === 'completed') ? true : undefined), 15_000)
    const notify = await h.app.res.jobs.queues.notifications.getJob(reminderNotificationId(data))
    await eventually('the notification job done', async () => ((await notify?.getState()) === 'completed' ? true : undefined), 15_000)
    const rows = await notificationsOf(member.id, 'event.reminder', ev.id)
    expect(rows.map((r) => r.count)).toEqual([1])
  }, 30_000)

  test('whoever a decline moves off the waitlist is told, stored and on their socket', async () => {
    const ev = await createEvent(h, w.id, w.owner, { start: inHours(5).local, timeZone: 'Etc/UTC', capacity: 1 })
    const first = new Date(Date.parse(`${inHours(5).local}:00Z`)).toISOString()
    const waiting = await w.join()
    const socket = await WsClient.open(h.app.wsUrl, waiting.accessToken)
    await socket.request('ping')
    ok(await h.http.put(`/v1/events/${ev.id}/occurrences/${enc(first)}/rsvp`, { status: 'going' }, as(member)))
    expect(ok(await h.http.put(`/v1/events/${ev.id}/occurrences/${enc(first)}/rsvp`, { status: 'going' }, as(waiting))).body.status).toBe('waitlisted')
    ok(await h.http.put(`/v1/events/${ev.id}/occurrences/${enc(first)}/rsvp`, { status: 'declined' }, as(member)))
    const [row] = await notificationsOf(waiting.id, 'event.rsvp_promoted', ev.id)
    expect(row!.data).toMatchObject({ eventId: ev.id, originalStart: first, title: 'Weekly sync', communityId: w.id })
    const pushed = await socket.event('notification.created', 10_000, (e: any) => e.data.type === 'event.rsvp_promoted')
    expect(pushed.data.targetId).toBe(ev.id)
    socket.close()
  }, 30_000)
})

describe('waitlist promotions and who may see the event', () => {
  test('one who takes a free seat by answering going themselves is not told of their own promotion; one seated by another\'s decline is', async () => {
    const ev = await createEvent(h, w.id, w.owner, { start: inHours(7).local, timeZone: 'Etc/UTC', capacity: 1 })
    const first = new Date(Date.parse(`${inHours(7).local}:00Z`)).toISOString()
    const answer = (u: typeof member, status: string) => h.http.put(`/v1/events/${ev.id}/occurrences/${enc(first)}/rsvp`, { status }, as(u))
    const [seated, waiting] = [await w.join(), await w.join()]
    expect(ok(await answer(seated, 'going')).body.status).toBe('going')
    expect(ok(await answer(waiting, 'going')).body.status).toBe('waitlisted')
    // Timed out when the seat frees: passed over, their place kept; back, they answer going and take it.
    ok(await h.http.put(`/v1/communities/${w.id}/members/${waiting.id}/timeout`, { seconds: 600 }, as(w.owner)))
    ok(await answer(seated, 'declined'))
    expect((await h.http.delete(`/v1/communities/${w.id}/members/${waiting.id}/timeout`, as(w.owner))).status).toBe(204)
    expect(ok(await answer(waiting, 'going')).body.status).toBe('going')
    const promoted = h.recorded.find((e) => e.type === 'event.waitlist.promoted' && e.data.eventId === ev.id)
    expect(promoted?.data.userIds).toEqual([waiting.id])
    // The seated one declines again after the other took the seat; they answer going: waitlisted, then a decline seats them, and they are told.
    expect(ok(await answer(seated, 'going')).body.status).toBe('waitlisted')
    ok(await answer(waiting, 'declined'))
    await notificationsOf(seated.id, 'event.rsvp_promoted', ev.id)
    await Bun.sleep(300)
    const toldWaiting = await h.app.res.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, waiting.id), eq(notifications.type, 'event.rsvp_promoted'), eq(notifications.targetId, ev.id)))
    expect(toldWaiting).toEqual([])
  }, 30_000)

  test('one promoted who can no longer see the event (out of its private room) is not told its title', async () => {
    const room = await w.room(`seats-${Date.now()}`, { private: true })
    const [going, stays, left] = [await w.join(), await w.join(), await w.join()]
    for (const u of [going, stays, left]) ok(await h.http.post(`/v1/rooms/${room.id}/members`, { userId: u.id }, as(w.owner)), 201)
    const ev = await createEvent(h, w.id, w.owner, { title: 'Secret tasting', roomId: room.id, start: inHours(6).local, timeZone: 'Etc/UTC', capacity: 1 })
    const first = new Date(Date.parse(`${inHours(6).local}:00Z`)).toISOString()
    const answer = (u: typeof member) => h.http.put(`/v1/events/${ev.id}/occurrences/${enc(first)}/rsvp`, { status: 'going' }, as(u))
    expect(ok(await answer(going)).body.status).toBe('going')
    expect(ok(await answer(left)).body.status).toBe('waitlisted')
    expect(ok(await answer(stays)).body.status).toBe('waitlisted')
    expect((await h.http.delete(`/v1/rooms/${room.id}/members/${left.id}`, as(w.owner))).status).toBe(204)
    // Three more seats: the one in line who still sees the event is promoted; the other's place is dropped.
    ok(await h.http.patch(`/v1/events/${ev.id}`, { scope: 'all', capacity: 4 }, as(w.owner)))
    const promoted = h.recorded.find((e) => e.type === 'event.waitlist.promoted' && e.data.eventId === ev.id)
    expect(promoted?.data.userIds).toEqual([stays.id])
    await notificationsOf(stays.id, 'event.rsvp_promoted', ev.id)
    await Bun.sleep(300)
    const told = await h.app.res.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, left.id), eq(notifications.type, 'event.rsvp_promoted')))
    expect(told).toEqual([])
  }, 30_000)
})

// Who reads an endpoint's delivery log sees of a private room's (or group's) delivery only
// what they could see anyway: the row, not what the receiver answered (receivers often
// echo what they were sent). The receivers here echo every request's body.
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq, sql } from 'drizzle-orm'
import { webhookDeliveries } from '../../../src/db/schema'
import { deliverEvents, WebhookDeliveries } from '../../../src/modules/webhooks/deliveries'
import { canViewWith } from '../../../src/modules/webhooks/places'
import { permissionsFor } from '../../../src/modules/permissions/service'
import { ok, type TestUser } from '../../helpers/community'
import { eventually } from '../../helpers/wait'
import { newEndpoint, receiver, requestsAt, startWebhooksApp } from './harness'

const h = await startWebhooksApp()
// A test's waits (10 s each, saying where a delivery stopped) must end before the test does:
// with bun's 5 s, CI once stopped one with no more than 'timed out'.
setDefaultTimeout(30_000)

/** A receiver answering each request with the body it was sent. */
function echoReceiver() {
  const rx = receiver((_, n) => new Response(rx.received[n - 1]!.body))
  return rx
}

/** An endpoint made by the community's owner, and a member holding `manage_webhooks` who is not in the private room. */
async function ownerEndpointAndManager(events = ['message.created']) {
  const rx = echoReceiver()
  const e = await newEndpoint(h, rx.url, events)
  const manager = await e.w.join()
  await e.w.grant(manager, (await e.w.role('hooks', ['manage_webhooks'])).id)
  return { rx, e, manager }
}

type Delivery = { id: string; eventType: string; status: string; attempts: number; hidden: boolean; attemptLog: { responseExcerpt: string | null }[] }

/** The endpoint's log as `user` reads it, once `count` deliveries have succeeded. */
async function logAs(e: Awaited<ReturnType<typeof newEndpoint>>, user: TestUser, count: number) {
  return eventually('the log', async () => {
    const page = ok(await h.http.get(`/v1/webhooks/${e.id}/deliveries?status=succeeded`, e.w.as(user))).body
    return page.deliveries.length >= count && { page, deliveries: page.deliveries as Delivery[] }
  })
}

const excerpts = (d: Delivery) => d.attemptLog.map((a) => a.responseExcerpt)

describe('the delivery log', () => {
  test("a manager who cannot view a private room sees its delivery's row, not what the receiver echoed", async () => {
    const { rx, e, manager } = await ownerEndpointAndManager()
    const staff = await e.w.room('staff', { private: true })
    ok(await h.http.post(`/v1/rooms/${staff.id}/messages`, { body: 'staff only', nonce: 'l-1' }, e.w.as(e.w.owner)), 201)
    await requestsAt(h, rx, e.id, 1)
    const { page, deliveries } = await logAs(e, manager, 1)
    expect(deliveries[0]).toMatchObject({ id: rx.received[0]!.headers['webhook-id'], eventType: 'message.created', status: 'succeeded', attempts: 1, lastStatusCode: 200, hidden: true })
    expect(excerpts(deliveries[0]!)).toEqual([null])
    expect(JSON.stringify(page)).not.toContain('staff only')
  })

  test('the owner, who can view the private room, sees what the receiver echoed', async () => {
    const { rx, e } = await ownerEndpointAndManager()
    const staff = await e.w.room('staff', { private: true })
    ok(await h.http.post(`/v1/rooms/${staff.id}/messages`, { body: 'staff only', nonce: 'l-2' }, e.w.as(e.w.owner)), 201)
    await requestsAt(h, rx, e.id, 1)
    const { deliveries } = await logAs(e, e.w.owner, 1)
    expect(deliveries[0]!.hidden).toBe(false)
    expect(excerpts(deliveries[0]!)[0]).toContain('staff only')
  })

  test("a public room's delivery shows what the receiver echoed to the owner and to the manager", async () => {
    const { rx, e, manager } = await ownerEndpointAndManager()
    const lobby = await e.w.room('lobby')
    ok(await h.http.post(`/v1/rooms/${lobby.id}/messages`, { body: 'for all', nonce: 'l-3' }, e.w.as(e.w.owner)), 201)
    await requestsAt(h, rx, e.id, 1)
    for (const reader of [e.w.owner, manager]) {
      const { deliveries } = await logAs(e, reader, 1)
      expect(deliveries[0]!.hidden).toBe(false)
      expect(excerpts(deliveries[0]!)[0]).toContain('for all')
    }
  })

  test("a manager who cannot view a private group sees its survey's delivery row, not what the receiver echoed", async () => {
    const { rx, e, manager } = await ownerEndpointAndManager(['survey.created'])
    const staff = await e.w.group('staff')
    await e.w.overwrite({ group: staff.id }, { role: await e.w.defaultRoleId() }, { deny: ['view'] })
    const questions = [{ id: 'q', kind: 'text', prompt: 'Anything?' }]
    ok(await h.http.post(`/v1/communities/${e.w.id}/surveys`, { title: 'staff survey', questions, groupId: staff.id }, e.w.as(e.w.owner)), 201)
    await requestsAt(h, rx, e.id, 1)
    const { page, deliveries } = await logAs(e, manager, 1)
    expect(deliveries[0]).toMatchObject({ eventType: 'survey.created', hidden: true })
    expect(excerpts(deliveries[0]!)).toEqual([null])
    expect(JSON.stringify(page)).not.toContain('staff survey')
    const owners = await logAs(e, e.w.owner, 1)
    expect(excerpts(owners.deliveries[0]!)[0]).toContain('staff survey')
  })

  test('such a manager may send a hidden delivery again: the receiver gets it, the answer and the log still hide it', async () => {
    const { rx, e, manager } = await ownerEndpointAndManager()
    const staff = await e.w.room('staff', { private: true })
    ok(await h.http.post(`/v1/rooms/${staff.id}/messages`, { body: 'staff only', nonce: 'l-4' }, e.w.as(e.w.owner)), 201)
    await requestsAt(h, rx, e.id, 1)
    const [first] = (await logAs(e, manager, 1)).deliveries
    const retried = await h.http.post(`/v1/webhooks/${e.id}/deliveries/${first!.id}/retry`, undefined, e.w.as(manager))
    expect(retried.status).toBe(202)
    expect(retried.body).toEqual({ id: first!.id })
    await requestsAt(h, rx, e.id, 2, 'the second attempt')
    expect(rx.received[1]!.body).toBe(rx.received[0]!.body)
    const { page, deliveries } = await eventually('the log', async () => {
      const got = await logAs(e, manager, 1)
      return got.deliveries[0]!.attempts === 2 && got
    })
    expect(excerpts(deliveries[0]!)).toEqual([null, null])
    expect(JSON.stringify(page)).not.toContain('staff only')
  })

  test('a delivery made before Hearth recorded where its event happened is hidden, even from the owner', async () => {
    const rx = echoReceiver()
    const e = await newEndpoint(h, rx.url)
    await e.send('message.created', { text: 'from long ago' })
    await requestsAt(h, rx, e.id, 1)
    await h.app.res.db.update(webhookDeliveries).set({ placeKind: 'unknown', placeId: null }).where(eq(webhookDeliveries.endpointId, e.id))
    const { page, deliveries } = await logAs(e, e.w.owner, 1)
    expect(deliveries[0]!.hidden).toBe(true)
    expect(JSON.stringify(page)).not.toContain('from long ago')
  })

  test('a page asks whether the reader can view each place once, however many of its deliveries came from there', async () => {
    const { rx, e, manager } = await ownerEndpointAndManager()
    const staff = await e.w.room('staff', { private: true })
    const lobby = await e.w.room('lobby')
    for (const [i, room] of [staff, staff, staff, lobby, lobby].entries()) {
      ok(await h.http.post(`/v1/rooms/${room.id}/messages`, { body: `m${i}`, nonce: `l-5-${i}` }, e.w.as(e.w.owner)), 201)
    }
    await requestsAt(h, rx, e.id, 5, 'the deliveries')
    await logAs(e, manager, 5)
    const asked: string[] = []
    const canView = canViewWith(permissionsFor(h.app.res))
    const deliveries = new WebhookDeliveries({
      db: h.app.res.db,
      jobs: h.app.res.jobs,
      endpoints: h.webhooks.endpoints,
      canView: (userId, scope) => {
        asked.push(scope.kind === 'room' ? scope.roomId : scope.groupId)
        return canView(userId, scope)
      },
    })
    const page = await deliveries.list({ userId: manager.id, endpointId: e.id, limit: 30 })
    expect(asked.sort()).toEqual([staff.id, lobby.id].sort())
    expect(page.deliveries.map((d) => d.hidden).sort()).toEqual([false, false, true, true, true])
  })
})

describe('who may point an endpoint elsewhere', () => {
  test("a manager who moves the owner's endpoint to their own receiver gets from then on only what they can view", async () => {
    const { e, manager } = await ownerEndpointAndManager()
    const mine = receiver()
    ok(await h.http.patch(`/v1/webhooks/${e.id}`, { url: mine.url }, e.w.as(manager)))
    const staff = await e.w.room('staff', { private: true })
    ok(await h.http.post(`/v1/rooms/${staff.id}/messages`, { body: 'staff only', nonce: 'm-1' }, e.w.as(e.w.owner)), 201)
    const lobby = await e.w.room('lobby')
    ok(await h.http.post(`/v1/rooms/${lobby.id}/messages`, { body: 'for all', nonce: 'm-2' }, e.w.as(e.w.owner)), 201)
    await eventually('the public message', async () => mine.received.length >= 1)
    await Bun.sleep(300)
    expect(mine.received.map((r) => JSON.parse(r.body).data.message.body)).toEqual(['for all'])
  })

  test("a manager who changes only the endpoint's filter leaves it reading what its creator can view", async () => {
    const { rx, e, manager } = await ownerEndpointAndManager()
    ok(await h.http.patch(`/v1/webhooks/${e.id}`, { events: ['message.*'] }, e.w.as(manager)))
    const staff = await e.w.room('staff', { private: true })
    ok(await h.http.post(`/v1/rooms/${staff.id}/messages`, { body: 'staff only', nonce: 'm-3' }, e.w.as(e.w.owner)), 201)
    await eventually('the private message', async () => rx.received.length === 1)
    expect(JSON.parse(rx.received[0]!.body).data.message.body).toBe('staff only')
  })
})

describe('deliveries decided before the endpoint was moved', () => {
  test("a manager who moves the endpoint while an event's delivery is being decided for the owner does not get it", async () => {
    const { e, manager } = await ownerEndpointAndManager()
    const staff = await e.w.room('staff', { private: true })
    const mine = receiver()
    const canView = canViewWith(permissionsFor(h.app.res))
    // The owner is asked (and may view the room); the manager's PATCH commits before the row is written.
    const deps = {
      db: h.app.res.db,
      jobs: h.app.res.jobs,
      canView: async (userId: string, scope: Parameters<typeof canView>[1]) => {
        const answer = await canView(userId, scope)
        ok(await h.http.patch(`/v1/webhooks/${e.id}`, { url: mine.url }, e.w.as(manager)))
        return answer
      },
    }
    const event = { id: crypto.randomUUID(), type: 'message.created' as const, at: new Date().toISOString(), communityId: e.w.id, roomId: staff.id, data: { text: 'staff only' } as never }
    expect(await deliverEvents(deps, [event])).toBe(1)
    const [d] = await eventually('the delivery finished', async () => {
      const page = await e.deliveries()
      return page.deliveries[0]?.status !== 'pending' && page.deliveries
    })
    expect(mine.received).toHaveLength(0)
    expect(d).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^not sent: /) })
  })

  test("a manager who moves the owner's endpoint and recovers its failed deliveries gets only those they can view", async () => {
    const since = new Date().toISOString()
    const down = receiver(() => new Response('down', { status: 500 }))
    const e = await newEndpoint(h, down.url, ['message.created'])
    const manager = await e.w.join()
    await e.w.grant(manager, (await e.w.role('hooks', ['manage_webhooks'])).id)
    const staff = await e.w.room('staff', { private: true })
    const lobby = await e.w.room('lobby')
    ok(await h.http.post(`/v1/rooms/${staff.id}/messages`, { body: 'staff only', nonce: 'r-1' }, e.w.as(e.w.owner)), 201)
    ok(await h.http.post(`/v1/rooms/${lobby.id}/messages`, { body: 'for all', nonce: 'r-2' }, e.w.as(e.w.owner)), 201)
    // Three attempts each (200 ms apart), then failed.
    await eventually('both failed', async () => (await e.deliveries('?status=failed')).deliveries.length === 2, 10_000)
    const mine = receiver()
    ok(await h.http.patch(`/v1/webhooks/${e.id}`, { url: mine.url }, e.w.as(manager)))
    const recovered = await h.http.post(`/v1/webhooks/${e.id}/recover`, { since }, e.w.as(manager))
    expect([recovered.status, recovered.body]).toEqual([202, { count: 2 }])
    await eventually('the public one', async () => mine.received.length >= 1)
    const log = await eventually('both finished again', async () => {
      const page = await e.deliveries()
      return page.deliveries.every((d: { status: string }) => d.status !== 'pending') && page.deliveries
    })
    expect(mine.received.map((r) => JSON.parse(r.body).data.message.body)).toEqual(['for all'])
    const privateOne = log.find((d: { status: string }) => d.status === 'failed')
    expect(privateOne.lastError).toMatch(/^not sent: /)
  })
})

describe('deliveries logged before Hearth recorded their place', () => {
  /** The statements of migration 0025 that give `unknown` deliveries their place back. */
  const backfill = async () => {
    const text = await Bun.file(new URL('../../../drizzle/0025_delivery_decided_for.sql', import.meta.url)).text()
    for (const statement of text.split('--> statement-breakpoint').filter((s) => /"place_kind" =/.test(s))) {
      await h.app.res.db.execute(sql.raw(statement))
    }
  }

  test("get back the place Hearth records now, from the event's type, its body or what it names (a deleted calendar event's stay unknown)", async () => {
    const rx = receiver()
    const e = await newEndpoint(h, rx.url, ['message.*', 'room.*', 'member.*', 'survey.*', 'event.*'])
    const staff = await e.w.room('staff', { private: true })
    const group = await e.w.group('team')
    const sent = ok(await h.http.post(`/v1/rooms/${staff.id}/messages`, { body: 'staff only', nonce: 'b-1' }, e.w.as(e.w.owner)), 201).body
    ok(await h.http.patch(`/v1/messages/${sent.id}`, { body: 'edited' }, e.w.as(e.w.owner)))
    expect((await h.http.delete(`/v1/messages/${sent.id}`, e.w.as(e.w.owner))).status).toBe(204)
    await e.w.join()
    const questions = [{ id: 'q', kind: 'text', prompt: 'Anything?' }]
    const teamSurvey = ok(await h.http.post(`/v1/communities/${e.w.id}/surveys`, { title: 'team survey', questions, groupId: group.id }, e.w.as(e.w.owner)), 201).body
    ok(await h.http.post(`/v1/surveys/${teamSurvey.id}/close`, undefined, e.w.as(e.w.owner)))
    ok(await h.http.post(`/v1/communities/${e.w.id}/surveys`, { title: 'open survey', questions }, e.w.as(e.w.owner)), 201)
    const calendar = async (title: string, groupId?: string) =>
      ok(await h.http.post(`/v1/communities/${e.w.id}/events`, { title, start: '2030-03-04T10:00', timeZone: 'UTC', groupId }, e.w.as(e.w.owner)), 201).body
    await calendar('open meeting')
    const teamMeeting = await calendar('team meeting', group.id)
    ok(await h.http.patch(`/v1/events/${teamMeeting.id}`, { title: 'team meeting, moved', scope: 'all' }, e.w.as(e.w.owner)))
    const gone = await calendar('cancelled meeting', group.id)
    expect((await h.http.delete(`/v1/events/${gone.id}`, e.w.as(e.w.owner))).status).toBe(204)
    const places = () =>
      h.app.res.db
        .select({ id: webhookDeliveries.id, eventType: webhookDeliveries.eventType, placeKind: webhookDeliveries.placeKind, placeId: webhookDeliveries.placeId })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, e.id))
        .orderBy(webhookDeliveries.id)
    const recorded = await eventually('the deliveries', async () => {
      const rows = await places()
      const types = new Set(rows.map((r) => r.eventType))
      const want = ['room.created', 'message.created', 'message.updated', 'message.deleted', 'member.joined', 'survey.created', 'survey.closed', 'event.created', 'event.updated', 'event.deleted']
      return want.every((t) => types.has(t)) && rows.filter((r) => r.eventType === 'event.created').length === 3 && rows
    })
    expect(new Set(recorded.map((r) => r.placeKind))).toEqual(new Set(['room', 'group', 'community']))
    await h.app.res.db.update(webhookDeliveries).set({ placeKind: 'unknown', placeId: null }).where(eq(webhookDeliveries.endpointId, e.id))
    await backfill()
    // The deleted meeting's row is gone: its deliveries (created, deleted) cannot be placed.
    const goneIds = new Set(recorded.filter((r) => r.eventType === 'event.deleted').map((r) => r.id))
    const createdGone = (await h.app.res.db.select({ id: webhookDeliveries.id, body: webhookDeliveries.body }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, e.id)))
      .filter((d) => JSON.parse(d.body).data.eventId === gone.id)
    for (const d of createdGone) goneIds.add(d.id)
    expect(goneIds.size).toBe(2)
    const expected = recorded.map((r) => (goneIds.has(r.id) ? { ...r, placeKind: 'unknown' as const, placeId: null } : r))
    expect(await places()).toEqual(expected)
  })

  test('one the backfill cannot place still goes again when its own creator fixes the endpoint and recovers it', async () => {
    const since = new Date().toISOString()
    const down = receiver(() => new Response('down', { status: 500 }))
    const e = await newEndpoint(h, down.url)
    await e.send('message.created', { text: 'from long ago' })
    await eventually('failed', async () => (await e.deliveries('?status=failed')).deliveries.length === 1, 10_000)
    await h.app.res.db.update(webhookDeliveries).set({ placeKind: 'unknown', placeId: null }).where(eq(webhookDeliveries.endpointId, e.id))
    const up = receiver()
    ok(await h.http.patch(`/v1/webhooks/${e.id}`, { url: up.url, description: 'fixed' }, e.w.as(e.w.owner)))
    expect(ok(await h.http.post(`/v1/webhooks/${e.id}/recover`, { since }, e.w.as(e.w.owner)), 202).body).toEqual({ count: 1 })
    await eventually('sent again', async () => up.received.length === 1)
    expect(JSON.parse(up.received[0]!.body).data.text).toBe('from long ago')
  })
})

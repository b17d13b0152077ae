// The events the contract promises about who is where: member.joined, member.left and
// room.updated, to the sockets that can see the community or the room — and no others.
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { communities, communityMembers } from '../../src/db/schema'
import { communityTopic, userTopic } from '../../src/realtime/fanout'
import { startTestApp } from '../helpers/app'
import { newCommunity, ok } from '../helpers/community'
import { registerUser } from '../helpers/http'
import { WsClient } from '../helpers/ws'

setDefaultTimeout(20_000)
const app = await startTestApp()
const { http } = app

/** A socket that has finished setting up (a ping answered): it hears its communities' topics. */
async function socketOf(token: string) {
  const ws = await WsClient.open(app.wsUrl, token)
  await ws.request('ping')
  return ws
}

describe('community membership', () => {
  test('a join and a leave reach the members, not people of another community', async () => {
    const w = await newCommunity(http)
    const elsewhere = await newCommunity(http)
    const watcher = await socketOf(w.owner.accessToken)
    const stranger = await socketOf(elsewhere.owner.accessToken)
    const joiner = await w.join()
    const joined = await watcher.event('member.joined')
    expect(joined.data).toMatchObject({ communityId: w.id, userId: joiner.id, via: 'invite' })
    ok(await http.delete(`/v1/communities/${w.id}/members/${joiner.id}`, w.as(joiner)), 204)
    const left = await watcher.event('member.left')
    expect(left.data).toMatchObject({ communityId: w.id, userId: joiner.id, reason: 'left' })
    await Bun.sleep(200)
    expect(stranger.events('member.joined').length + stranger.events('member.left').length).toBe(0)
  })
})

describe('a community joined with a socket open', () => {
  test("the joiner's socket hears of the join once, then the community's events, without reconnecting; after leaving, no more", async () => {
    const w = await newCommunity(http)
    const newcomer = await registerUser(http)
    const ws = await socketOf(newcomer.accessToken)
    await w.join(newcomer)
    const mine = await ws.event('member.joined', 5000, (f) => f.data.userId === newcomer.id)
    expect(mine.data).toMatchObject({ communityId: w.id, userId: newcomer.id, via: 'invite' })
    // Another member joins: the newcomer's open socket hears it, as the owner's does.
    const next = await w.join()
    expect((await ws.event('member.joined', 5000, (f) => f.data.userId === next.id)).data).toMatchObject({ communityId: w.id, userId: next.id })
    await Bun.sleep(200)
    expect(ws.events('member.joined').filter((f) => f.data.userId === newcomer.id).length).toBe(1)
    // Gone from the community: its events stop reaching the socket.
    ok(await http.delete(`/v1/communities/${w.id}/members/${newcomer.id}`, w.as(newcomer)), 204)
    await Bun.sleep(300)
    const later = await w.join()
    await Bun.sleep(300)
    expect(ws.events('member.joined').some((f) => f.data.userId === later.id)).toBe(false)
  })
})

describe('presence of one who joins while online', () => {
  test('the community hears them online at once, not at their next connect', async () => {
    const w = await newCommunity(http)
    const watcher = await socketOf(w.owner.accessToken)
    const newcomer = await registerUser(http)
    await socketOf(newcomer.accessToken) // online before they join
    await w.join(newcomer)
    const seen = await watcher.event('presence.updated', 5000, (f) => f.data.userId === newcomer.id)
    expect(seen.data).toEqual({ userId: newcomer.id, status: 'online' })
  })

  test('a community too large for presence broadcasts does not hear them', async () => {
    const w = await newCommunity(http)
    await app.res.db.update(communities).set({ memberCount: app.res.config.presenceBroadcastMaxMembers + 1 }).where(eq(communities.id, w.id))
    const watcher = await socketOf(w.owner.accessToken)
    const newcomer = await registerUser(http)
    await socketOf(newcomer.accessToken)
    await w.join(newcomer)
    await watcher.event('member.joined', 5000, (f) => f.data.userId === newcomer.id)
    await Bun.sleep(300)
    expect(watcher.events('presence.updated').some((f) => f.data.userId === newcomer.id)).toBe(false)
  })

  test('one who joins while offline is not announced', async () => {
    const w = await newCommunity(http)
    const watcher = await socketOf(w.owner.accessToken)
    const absent = await w.join()
    await watcher.event('member.joined', 5000, (f) => f.data.userId === absent.id)
    await Bun.sleep(300)
    expect(watcher.events('presence.updated').some((f) => f.data.userId === absent.id)).toBe(false)
  })
})

describe("a join reaching a node (cluster: the community's channel and the joiner's own are two)", () => {
  const joined = (communityId: string, userId: string) => ({ type: 'member.joined', data: { communityId, userId, via: 'invite' } })

  test("the joiner's socket hears its join once when its own copy comes first, then the community's events", async () => {
    const w = await newCommunity(http)
    const newcomer = await registerUser(http)
    const ws = await socketOf(newcomer.accessToken)
    // Joined on another node: the membership is stored, and its two copies reach this node in this order.
    await app.res.db.insert(communityMembers).values({ communityId: w.id, userId: newcomer.id })
    const { fanout } = app.hearth.realtime
    fanout.deliver(userTopic(newcomer.id), joined(w.id, newcomer.id))
    fanout.deliver(communityTopic(w.id), joined(w.id, newcomer.id))
    await ws.event('member.joined', 5000, (f) => f.data.userId === newcomer.id)
    const next = await w.join()
    await ws.event('member.joined', 5000, (f) => f.data.userId === next.id)
    expect(ws.events('member.joined').filter((f) => f.data.userId === newcomer.id).length).toBe(1)
  })

  test('a join whose own copy arrives after the joiner left again does not start their socket on the community', async () => {
    const w = await newCommunity(http)
    const gone = await registerUser(http)
    const ws = await socketOf(gone.accessToken)
    const owner = await socketOf(w.owner.accessToken)
    app.hearth.realtime.fanout.deliver(userTopic(gone.id), joined(w.id, gone.id))
    const later = await w.join()
    await owner.event('member.joined', 5000, (f) => f.data.userId === later.id)
    await Bun.sleep(200)
    expect(ws.events('member.joined').some((f) => f.data.userId === later.id)).toBe(false)
  })

  test("a join and a leave the community's topic carries after the leave's permission change reached the node leave the socket off the community", async () => {
    const w = await newCommunity(http)
    const gone = await registerUser(http)
    const ws = await socketOf(gone.accessToken)
    const owner = await socketOf(w.owner.accessToken)
    // Joined and left on other nodes: this node re-checked the socket (nothing to drop yet) before the two came.
    const { fanout } = app.hearth.realtime
    fanout.deliver(communityTopic(w.id), joined(w.id, gone.id))
    fanout.deliver(communityTopic(w.id), { type: 'member.left', data: { communityId: w.id, userId: gone.id, reason: 'left' } })
    const later = await w.join()
    await owner.event('member.joined', 5000, (f) => f.data.userId === later.id)
    await Bun.sleep(200)
    expect(ws.events('member.joined').some((f) => f.data.userId === later.id)).toBe(false)
  })
})

describe('rooms', () => {
  test('a room changed reaches its subscribers as room.updated', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const member = await w.join()
    const ws = await socketOf(member.accessToken)
    await ws.request('subscribe', { roomId: room.id })
    ok(await http.patch(`/v1/rooms/${room.id}`, { topic: 'new topic' }, w.as(w.owner)))
    const updated = await ws.event('room.updated')
    expect(updated.data.room).toMatchObject({ id: room.id, topic: 'new topic' })
  })

  test("a private room's new member is announced to its members and to them, never to the rest", async () => {
    const w = await newCommunity(http)
    const hidden = await w.room('staff', { private: true })
    const insider = await w.join()
    ok(await http.post(`/v1/rooms/${hidden.id}/members`, { userId: insider.id }, w.as(w.owner)), 201)
    const outsiderMember = await w.join()
    const newcomer = await w.join()
    const insiderWs = await socketOf(insider.accessToken)
    await insiderWs.request('subscribe', { roomId: hidden.id })
    const newcomerWs = await socketOf(newcomer.accessToken)
    const restWs = await socketOf(outsiderMember.accessToken)
    ok(await http.post(`/v1/rooms/${hidden.id}/members`, { userId: newcomer.id }, w.as(w.owner)), 201)
    expect((await insiderWs.event('member.joined', 5000, (f) => f.roomId === hidden.id)).data).toEqual({ roomId: hidden.id, userId: newcomer.id })
    expect((await newcomerWs.event('member.joined', 5000, (f) => f.roomId === hidden.id)).data).toEqual({ roomId: hidden.id, userId: newcomer.id })
    ok(await http.delete(`/v1/rooms/${hidden.id}/members/${newcomer.id}`, w.as(w.owner)), 204)
    expect((await newcomerWs.event('member.left', 5000, (f) => f.roomId === hidden.id)).data).toEqual({ roomId: hidden.id, userId: newcomer.id })
    await Bun.sleep(200)
    expect(restWs.frames.filter((f) => f.roomId === hidden.id)).toEqual([])
  })

  test('nobody outside a community hears of its rooms', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const stranger = await registerUser(http)
    const ws = await socketOf(stranger.accessToken)
    ok(await http.patch(`/v1/rooms/${room.id}`, { name: 'renamed' }, w.as(w.owner)))
    await Bun.sleep(300)
    expect(ws.events('room.updated')).toEqual([])
  })
})

import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { startHearthCluster, type HearthCluster, type HearthNode } from '../helpers/cluster-procs'
import { newCommunity } from '../helpers/community'
import { WsClient } from '../helpers/ws'
import { eventually } from '../helpers/wait'

setDefaultTimeout(30_000)

// Three Hearth processes (CLUSTER=redis) on one database and one Redis prefix.
let cluster: HearthCluster
let a: HearthNode, b: HearthNode, c: HearthNode
let world: Awaited<ReturnType<typeof newCommunity>>
const sockets: WsClient[] = []

async function open(node: HearthNode, token: string, path?: string) {
  const ws = await WsClient.open(node.wsUrl, token, path)
  sockets.push(ws)
  return ws
}

beforeAll(async () => {
  // Node A also runs the job consumers (ROLE=all, as `bun start` does); B and C serve only.
  cluster = await startHearthCluster(['node-a', 'node-b', 'node-c'], {}, { 'node-a': { ROLE: 'all' } })
  ;[a, b, c] = cluster.nodes as [HearthNode, HearthNode, HearthNode]
  world = await newCommunity(a.http)
}, 60_000)

afterAll(async () => {
  for (const ws of sockets) ws.close()
  await cluster?.stop()
}, 30_000)

/** A new room whose owner (as every node sees it) is `owner`. */
async function roomOwnedBy(owner: HearthNode | undefined, name: string) {
  for (let i = 0; i < 40; i++) {
    const room = await world.room(`${name}-${i}`)
    const seen = await Promise.all(cluster.nodes.filter((n) => n.proc.exitCode === null && !n.proc.killed).map((n) => n.status(room.id)))
    const owners = new Set(seen.map((s) => s.owner))
    if (owners.size === 1 && (!owner || owners.has(owner.nodeId))) return room.id as string
  }
  throw new Error(`no room landed on ${owner?.nodeId}`)
}

describe('three nodes', () => {
  test("a mention's notification, made by the jobs on A, reaches the mentioned user's socket on C", async () => {
    const roomId = await roomOwnedBy(b, 'mentions')
    const bob = await world.join()
    const onC = await open(c, bob.accessToken)
    const onB = await open(b, world.owner.accessToken)
    await onB.request('send', { roomId, nonce: 'mention-1', body: `over to you @${bob.username}` })
    const note = await onC.event('notification.created', 15_000)
    expect(note.data).toMatchObject({ type: 'mention', targetId: roomId, actors: [world.owner.id] })
    const unread = await onC.event('unread.updated', 5000, (f) => f.roomId === roomId)
    expect(unread.data).toMatchObject({ unread: 1, mentions: 1 })
  })

  test('a message sent on A reaches subscribers on B and C; the ring owner served it', async () => {
    const roomId = await roomOwnedBy(undefined, 'general')
    const [onB, onC, onA] = [await open(b, world.owner.accessToken), await open(c, world.owner.accessToken), await open(a, world.owner.accessToken)]
    await onB.request('subscribe', { roomId })
    await onC.request('subscribe', { roomId })
    const ack = await onA.request('send', { roomId, nonce: 'hello-1', body: 'hello from A' })
    expect(await (await fetch(`${a.url}/metrics`)).text()).toContain('hearth_cluster_members{node="node-a"} 3')
    expect(ack).toMatchObject({ op: 'ack', seq: 1 })
    for (const ws of [onB, onC]) {
      const event = await ws.event('message.created', 5000, (f) => f.roomId === roomId)
      expect(event).toMatchObject({ seq: 1, data: { message: { body: 'hello from A' } } })
    }
    const owners = new Set((await Promise.all(cluster.nodes.map((n) => n.status(roomId)))).map((s) => s.owner))
    expect(owners.size).toBe(1)
    const [state] = await cluster.sql`select owner_node from room_state where room_id = ${roomId}`
    expect(state!.owner_node).toBe([...owners][0])
  })

  test('typing, read receipts and unread counts cross nodes', async () => {
    const roomId = await roomOwnedBy(undefined, 'ephemeral')
    const onB = await open(b, world.owner.accessToken)
    const reader = await world.join()
    const onC = await open(c, reader.accessToken)
    await onB.request('subscribe', { roomId })
    await onC.request('subscribe', { roomId })
    await onC.request('typing', { roomId })
    expect(await onB.event('typing', 5000, (f) => f.roomId === roomId)).toMatchObject({ data: { userId: reader.id } })
    const ack = await onB.request('send', { roomId, nonce: 'r-1', body: 'read me' })
    await onC.event('message.created', 5000, (f) => f.roomId === roomId)
    const readerOnA = await open(a, reader.accessToken)
    await onC.request('read', { roomId, seq: ack.seq })
    expect(await onB.event('receipt.read', 5000, (f) => f.roomId === roomId)).toMatchObject({ data: { userId: reader.id, seq: ack.seq } })
    expect(await readerOnA.event('unread.updated', 5000, (f) => f.roomId === roomId)).toMatchObject({ data: { unread: 0 } })
  })

  test('a permission change made through A revokes a live subscription on B', async () => {
    const roomId = await roomOwnedBy(undefined, 'revoked')
    const member = await world.join()
    const onB = await open(b, member.accessToken)
    expect(await onB.request('subscribe', { roomId })).toMatchObject({ op: 'ack' })
    await world.overwrite({ room: roomId }, { member: member.id }, { deny: ['view'] })
    expect(await onB.event('subscription.revoked', 5000)).toMatchObject({ roomId })
  })

  test('a node without sockets in a room receives none of its traffic', async () => {
    const roomId = await roomOwnedBy(a, 'quiet')
    const onB = await open(b, world.owner.accessToken)
    await onB.request('subscribe', { roomId })
    const sender = await open(a, world.owner.accessToken)
    const before = await Promise.all(cluster.nodes.map((n) => n.status()))
    for (let i = 0; i < 20; i++) await sender.request('send', { roomId, nonce: `q-${i}`, body: `quiet ${i}` })
    await onB.waitForEvents('message.created', 20, 5000, roomId)
    const after = await Promise.all(cluster.nodes.map((n) => n.status()))
    const received = cluster.nodes.map((n, i) => after[i]!.roomMessagesReceived - before[i]!.roomMessagesReceived)
    console.log(`room channel messages received for 20 sends: A=${received[0]} B=${received[1]} C=${received[2]}`)
    expect(received[0]).toBe(0)
    expect(received[2]).toBe(0)
    expect(received[1]).toBeGreaterThanOrEqual(20)
  })

  test('on Fly, a room socket opened on a machine that does not own the room is replayed to the owner', async () => {
    const roomId = await roomOwnedBy(c, 'replayed')
    const res = await fetch(`${a.url}/v1/rooms/${roomId}/ws?token=${world.owner.accessToken}`, { redirect: 'manual' })
    expect(res.headers.get('fly-replay')).toBe(`instance=${c.machineId}`)
    const replayed = await fetch(`${a.url}/v1/rooms/${roomId}/ws`, { redirect: 'manual', headers: { 'fly-replay-src': 'instance=x' } })
    expect(replayed.headers.get('fly-replay')).toBeNull()
    const onOwner = await open(c, world.owner.accessToken, `/v1/rooms/${roomId}/ws`)
    expect(await onOwner.request('subscribe', { roomId })).toMatchObject({ op: 'ack', roomId })
  })

  test('SIGTERM: sockets close with 4012, the rooms are served by the others at once', async () => {
    const roomId = await roomOwnedBy(c, 'handover')
    const onC = await open(c, world.owner.accessToken)
    await onC.request('subscribe', { roomId })
    const onA = await open(a, world.owner.accessToken)
    await onA.request('subscribe', { roomId })
    await onA.request('send', { roomId, nonce: 'h-1', body: 'before' })
    c.proc.kill('SIGTERM')
    expect(await onC.closed(10_000)).toBe(4012)
    await cluster.settle(['node-a', 'node-b'], 5000)
    const ack = await onA.request('send', { roomId, nonce: 'h-2', body: 'after' })
    expect(ack).toMatchObject({ op: 'ack', seq: 2 })
    await onA.waitForEvents('message.created', 2, 5000, roomId)
    expect(await c.proc.exited).toBe(0)
  })

  test('SIGKILL: the dead node\'s rooms serve again on another node once its lease expires; nothing acked is lost', async () => {
    const roomId = await roomOwnedBy(b, 'failover')
    const onA = await open(a, world.owner.accessToken)
    await onA.request('subscribe', { roomId })
    // Carol's only socket is on B.
    const carol = await world.join()
    await open(b, carol.accessToken)
    await onA.event('presence.updated', 5000, (f) => f.data.userId === carol.id && f.data.status === 'online')
    for (let i = 0; i < 5; i++) await onA.request('send', { roomId, nonce: `f-${i}`, body: `f ${i}` })
    const killedAt = performance.now()
    b.proc.kill('SIGKILL')
    const ack = await onA.request('send', { roomId, nonce: 'f-5', body: 'after the kill' }, 15_000)
    const recoveryMs = Math.round(performance.now() - killedAt)
    console.log(`failover: first send after SIGKILL acked in ${recoveryMs} ms (lease 3000 ms)`)
    expect(ack).toMatchObject({ op: 'ack', seq: 6 })
    expect(recoveryMs).toBeLessThan(3000 + 5000)
    const history = await a.http.get(`/v1/rooms/${roomId}/messages?limit=100`, { token: world.owner.accessToken })
    expect(history.body.messages.map((m: any) => m.seq)).toEqual([1, 2, 3, 4, 5, 6])
    await eventually('a alone', async () => (await a.status()).members.join() === 'node-a', 5000)
    // A sees that B is gone and takes B's users offline, instead of leaving them online for the presence TTL.
    await onA.event('presence.updated', 5000, (f) => f.data.userId === carol.id && f.data.status === 'offline')
    const [state] = (await a.http.get(`/v1/presence?userIds=${carol.id}`, { token: world.owner.accessToken })).body
    expect(state).toMatchObject({ status: 'offline', lastSeenAt: expect.any(String) })
  })
})

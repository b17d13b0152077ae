import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { newId } from '../src/lib/ids'
import type { RoomEvent } from '../rooms'
import { openRoomsTestbed, type RoomsTestbed } from './helpers/rooms'
import { routerContract } from './helpers/router-contract'
import { startInProcessNode, type InProcessNode } from './helpers/cluster'
import { eventually } from './helpers/wait'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

// Two nodes in one process (separate connections, leases and RoomHosts) on one database:
// the contract runs against node A, which owns about half of the rooms it is given.
routerContract('RedisRouter (two nodes)', async () => {
  const bed = await openRoomsTestbed({}, { manualClose: true })
  const prefix = `test:${crypto.randomUUID().slice(0, 8)}:`
  const a = await startInProcessNode(bed.resources, { nodeId: 'contract-a', prefix })
  const b = await startInProcessNode(bed.resources, { nodeId: 'contract-b', prefix })
  await eventually('both nodes on the ring', async () => a.membership.live().length === 2 && b.membership.live().length === 2)
  return {
    router: a.router,
    users: await bed.createUsers(3),
    async close() {
      await a.stop()
      await b.stop()
      await bed.close()
    },
  }
})

routerContract('RedisRouter (two nodes, plain pub/sub)', async () => {
  const bed = await openRoomsTestbed({}, { manualClose: true })
  const prefix = `test:${crypto.randomUUID().slice(0, 8)}:`
  const a = await startInProcessNode(bed.resources, { nodeId: 'plain-a', prefix, sharded: false })
  const b = await startInProcessNode(bed.resources, { nodeId: 'plain-b', prefix, sharded: false })
  await eventually('both nodes on the ring', async () => a.membership.live().length === 2 && b.membership.live().length === 2)
  return {
    router: a.router,
    users: await bed.createUsers(3),
    async close() {
      await a.stop()
      await b.stop()
      await bed.close()
    },
  }
})

describe('RedisRouter across nodes', () => {
  let bed: RoomsTestbed
  let a: InProcessNode
  let b: InProcessNode
  let users: string[]
  beforeAll(async () => {
    bed = await openRoomsTestbed({}, { manualClose: true })
    const prefix = `test:${crypto.randomUUID().slice(0, 8)}:`
    a = await startInProcessNode(bed.resources, { nodeId: 'x-a', prefix })
    b = await startInProcessNode(bed.resources, { nodeId: 'x-b', prefix })
    await eventually('both nodes on the ring', async () => a.membership.live().length === 2 && b.membership.live().length === 2)
    users = await bed.createUsers(2)
  })
  afterAll(async () => {
    await a.stop().catch(() => {})
    await b.stop().catch(() => {})
    await bed.close()
  })

  const roomOwnedBy = (node: InProcessNode) => {
    for (;;) {
      const roomId = newId()
      if (a.router.ownerOf(roomId) === node.nodeId && b.router.ownerOf(roomId) === node.nodeId) return roomId
    }
  }

  test('both nodes agree on owners; a command sent on either runs on the owner', async () => {
    const roomId = roomOwnedBy(b)
    const before = b.router.stats.served
    const ack = await a.router.send({ type: 'send', roomId, authorId: users[0]!, nonce: 'n1', body: 'hi' })
    expect(ack.seq).toBe(1)
    expect(ack.createdAt).toBeInstanceOf(Date)
    expect(b.router.stats.served).toBe(before + 1)
    expect(b.host.actor({ roomId })).toBeDefined()
    expect(a.host.actor({ roomId })).toBeUndefined()
    expect((await b.router.send({ type: 'send', roomId, authorId: users[0]!, nonce: 'n1', body: 'hi' })).duplicate).toBe(true)
  })

  test('a node with no subscriber in a room receives none of its traffic', async () => {
    const roomId = roomOwnedBy(a)
    const heard: RoomEvent[] = []
    const off = a.router.subscribe(roomId, (e) => heard.push(e))
    const bBefore = b.bus.received.room
    for (let i = 0; i < 20; i++) await b.router.send({ type: 'send', roomId, authorId: users[1]!, nonce: `t${i}`, body: 'x' })
    await eventually('a hears its 20 events', async () => heard.length === 20)
    expect(b.bus.received.room - bBefore).toBe(0)
    off()
  })

  test('when the owner leaves, the other node takes its rooms over with a higher epoch and continues the seqs', async () => {
    const roomId = roomOwnedBy(b)
    for (let i = 0; i < 3; i++) await a.router.send({ type: 'send', roomId, authorId: users[0]!, nonce: `h${i}`, body: 'x' })
    const oldEpoch = b.host.actor({ roomId })!.epoch
    await b.stop()
    await eventually('a alone on the ring', async () => a.membership.live().join() === 'x-a')
    const ack = await a.router.send({ type: 'send', roomId, authorId: users[0]!, nonce: 'h3', body: 'x' })
    expect(ack.seq).toBe(4)
    expect(a.host.actor({ roomId })!.epoch).toBeGreaterThan(oldEpoch)
  })
})

describe('ownership epochs', () => {
  let bed: RoomsTestbed
  let a: InProcessNode
  let b: InProcessNode
  let users: string[]
  beforeAll(async () => {
    bed = await openRoomsTestbed({}, { manualClose: true })
    const prefix = `test:${crypto.randomUUID().slice(0, 8)}:`
    a = await startInProcessNode(bed.resources, { nodeId: 'e-a', prefix })
    b = await startInProcessNode(bed.resources, { nodeId: 'e-b', prefix })
    await eventually('both nodes on the ring', async () => a.membership.live().length === 2 && b.membership.live().length === 2)
    users = await bed.createUsers(1)
  })
  afterAll(async () => {
    await a.stop()
    await b.stop()
    await bed.close()
  })

  test('a stale owner cannot commit: its actor is fenced by the epoch check, and the router recovers', async () => {
    let roomId = newId()
    while (a.router.ownerOf(roomId) !== 'e-b') roomId = newId()
    const send = (nonce: string) => ({ type: 'send' as const, roomId, authorId: users[0]!, nonce, body: nonce })
    await a.router.send(send('one'))
    const stale = b.host.actor({ roomId })!
    // Node A takes the room behind the ring's back (as a node with a stale view would).
    expect((await a.host.send(send('two'))).seq).toBe(2)
    expect(a.host.actor({ roomId })!.epoch).toBeGreaterThan(stale.epoch)
    const refused = await b.host.send(send('three')).catch((e) => e)
    expect(refused).toMatchObject({ code: 'conflict', details: { reason: 'stale_epoch' } })
    expect(stale.isClosed).toBe(true)
    // Through the router the same send lands on the ring's owner, which takes the room back.
    expect((await a.router.send(send('three'))).seq).toBe(3)
    expect(b.host.actor({ roomId })!.epoch).toBeGreaterThan(a.host.actor({ roomId })?.epoch ?? 0)
  })
})

import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { newId } from '../../src/lib/ids'
import type { RoomEvent } from '../../rooms'
import { openRoomsTestbed } from '../helpers/rooms'
import { routerContract } from '../helpers/router-contract'
import { startInProcessNode, type InProcessNode } from '../helpers/cluster'
import { eventually } from '../helpers/wait'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

/** Two nodes in one process (separate connections, leases and RoomHosts) on one database. */
async function twoNodes(tag: string, users: number, opts: { sharded?: boolean } = {}) {
  const bed = await openRoomsTestbed({}, { manualClose: true })
  const prefix = `test:${crypto.randomUUID().slice(0, 8)}:`
  const a = await startInProcessNode(bed.resources, { nodeId: `${tag}-a`, prefix, ...opts })
  const b = await startInProcessNode(bed.resources, { nodeId: `${tag}-b`, prefix, ...opts })
  await eventually('both nodes on the ring', async () => a.membership.live().length === 2 && b.membership.live().length === 2)
  return {
    bed,
    a,
    b,
    users: await bed.createUsers(users),
    async close() {
      await a.stop().catch(() => {})
      await b.stop().catch(() => {})
      await bed.close()
    },
  }
}

// The contract runs against node A, which owns about half of the rooms it is given.
routerContract('RedisRouter (two nodes)', async () => {
  const nodes = await twoNodes('contract', 3)
  return { router: nodes.a.router, users: nodes.users, close: nodes.close }
})

routerContract('RedisRouter (two nodes, plain pub/sub)', async () => {
  const nodes = await twoNodes('plain', 3, { sharded: false })
  return { router: nodes.a.router, users: nodes.users, close: nodes.close }
})

describe('RedisRouter across nodes', () => {
  let nodes: Awaited<ReturnType<typeof twoNodes>>
  let a: InProcessNode
  let b: InProcessNode
  let users: string[]
  beforeAll(async () => {
    nodes = await twoNodes('x', 2)
    ;({ a, b, users } = nodes)
  })
  afterAll(() => nodes.close())

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
  let nodes: Awaited<ReturnType<typeof twoNodes>>
  let a: InProcessNode
  let b: InProcessNode
  let users: string[]
  beforeAll(async () => {
    nodes = await twoNodes('e', 1)
    ;({ a, b, users } = nodes)
  })
  afterAll(() => nodes.close())

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

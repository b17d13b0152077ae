import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { HashRing, hash32 } from '../../src/cluster/ring'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const rooms = Array.from({ length: 20_000 }, (_, i) => `room-${i}-${hash32(String(i)).toString(36)}`)

function moved(a: HashRing, b: HashRing): number {
  let n = 0
  for (const r of rooms) if (a.owner(r) !== b.owner(r)) n++
  return n / rooms.length
}

describe('HashRing', () => {
  test('the same members give the same owners, whatever their order', () => {
    const a = new HashRing(['n1', 'n2', 'n3'])
    const b = new HashRing(['n3', 'n1', 'n2', 'n1'])
    expect(rooms.slice(0, 1000).map((r) => a.owner(r))).toEqual(rooms.slice(0, 1000).map((r) => b.owner(r)))
    expect(a.sameAs(b)).toBe(true)
  })

  test('an empty ring owns nothing; a one-node ring owns everything', () => {
    expect(new HashRing([]).owner('x')).toBeUndefined()
    expect(new Set(rooms.slice(0, 100).map((r) => new HashRing(['solo']).owner(r)))).toEqual(new Set(['solo']))
  })

  test('rooms spread evenly over the nodes', () => {
    const ring = new HashRing(['a', 'b', 'c', 'd'])
    const counts = new Map<string, number>()
    for (const r of rooms) counts.set(ring.owner(r)!, (counts.get(ring.owner(r)!) ?? 0) + 1)
    for (const n of counts.values()) expect(Math.abs(n / rooms.length - 0.25)).toBeLessThan(0.06)
  })

  test.each([2, 3, 4, 5, 8])('adding a node to %i moves about 1/(N+1) of the rooms, all to the new node', (n) => {
    const nodes = Array.from({ length: n }, (_, i) => `node-${i}`)
    const before = new HashRing(nodes)
    const after = new HashRing([...nodes, 'newcomer'])
    const share = moved(before, after)
    expect(Math.abs(share - 1 / (n + 1))).toBeLessThan(0.06)
    for (const r of rooms) if (before.owner(r) !== after.owner(r)) expect(after.owner(r)).toBe('newcomer')
  })

  test.each([3, 4, 5, 8])('removing one of %i nodes moves only its rooms (about 1/N)', (n) => {
    const nodes = Array.from({ length: n }, (_, i) => `node-${i}`)
    const before = new HashRing(nodes)
    const after = new HashRing(nodes.filter((x) => x !== 'node-1'))
    expect(Math.abs(moved(before, after) - 1 / n)).toBeLessThan(0.06)
    for (const r of rooms) if (before.owner(r) !== 'node-1') expect(after.owner(r)).toBe(before.owner(r)!)
  })
})

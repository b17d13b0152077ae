/** FNV-1a over UTF-8, then murmur3's finalizer so nearby keys spread over the whole circle. */
export function hash32(text: string): number {
  let h = 0x811c9dc5
  const bytes = new TextEncoder().encode(text)
  for (const b of bytes) {
    h ^= b
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * Placement of rooms on live nodes: a consistent-hash ring with `vnodes` points per node.
 * Built only from the member list, so every node computes the same owner for a room;
 * adding or removing one of N nodes moves about 1/N of the rooms.
 */
export class HashRing {
  readonly members: readonly string[]
  private readonly points: Uint32Array
  private readonly owners: string[]

  constructor(members: Iterable<string>, readonly vnodes = 128) {
    this.members = [...new Set(members)].sort()
    const all: { at: number; node: string }[] = []
    for (const node of this.members) {
      for (let i = 0; i < vnodes; i++) all.push({ at: hash32(`${node}#${i}`), node })
    }
    // Ties (rare) go to the smaller node id, the same way on every node.
    all.sort((a, b) => a.at - b.at || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
    this.points = Uint32Array.from(all.map((p) => p.at))
    this.owners = all.map((p) => p.node)
  }

  get size(): number {
    return this.members.length
  }

  /** The node that owns `key` (a room id), or undefined on an empty ring. */
  owner(key: string): string | undefined {
    if (this.owners.length === 0) return undefined
    const h = hash32(key)
    let lo = 0
    let hi = this.points.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.points[mid]! < h) lo = mid + 1
      else hi = mid
    }
    return this.owners[lo === this.points.length ? 0 : lo]
  }

  /** Same members, same placement. */
  sameAs(other: HashRing): boolean {
    return this.vnodes === other.vnodes && this.members.join('\n') === other.members.join('\n')
  }
}

import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { ClusterBus } from '../../src/cluster/bus'
import { Membership } from '../../src/cluster/membership'
import { createLogger } from '../../src/lib/log'
import { Redis } from '../../src/lib/redis'
import { TEST_REDIS_URL } from '../helpers/app'
import { eventually } from '../helpers/wait'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const prefix = `test:${crypto.randomUUID().slice(0, 8)}:`
const log = createLogger('silent')
const opened: { bus: ClusterBus; redis: Redis; membership: Membership }[] = []

async function node(nodeId: string, machineId?: string) {
  const redis = await new Redis({ url: TEST_REDIS_URL, prefix, log }).connect()
  const bus = new ClusterBus({ redis, log })
  await bus.start()
  const membership = new Membership({ bus, log }, { nodeId, machineId, leaseMs: 1500, heartbeatMs: 500, pollMs: 250 })
  const n = { bus, redis, membership }
  opened.push(n)
  return n
}

async function kill(n: { bus: ClusterBus; redis: Redis; membership: Membership }) {
  // Like SIGKILL: stop renewing without giving the lease up.
  ;(n.membership as any).joined = false
  await n.bus.close()
}

afterAll(async () => {
  for (const n of opened) {
    await n.membership.leave().catch(() => {})
    await n.bus.close()
    await n.redis.close()
  }
})

describe('Membership', () => {
  test('every node sees a join within a second, and a graceful leave at once', async () => {
    const a = await node('a', 'machine-a')
    await a.membership.join()
    expect(a.membership.live()).toEqual(['a'])
    const b = await node('b')
    const seenAt = Date.now()
    await b.membership.join()
    await eventually('a to see b', async () => a.membership.live().includes('b'), 1000)
    expect(Date.now() - seenAt).toBeLessThan(1000)
    expect(b.membership.live()).toEqual(['a', 'b'])
    expect(await b.membership.machineOf('a')).toBe('machine-a')
    await b.membership.leave()
    await eventually('a to see b leave', async () => !a.membership.live().includes('b'), 500)
  }, 10_000)

  test('a node that stops renewing is dropped within about a second of its lease expiring', async () => {
    const c = await node('c')
    await c.membership.join()
    const [a] = opened
    await eventually('a to see c', async () => a!.membership.live().includes('c'), 1000)
    const changes: string[][] = []
    a!.membership.onChange((m) => changes.push(m))
    const killedAt = Date.now()
    await kill(c)
    await eventually('a to see c die', async () => !a!.membership.live().includes('c'), 4000)
    const after = Date.now() - killedAt
    // The lease (1.5 s) may have been renewed just before the kill.
    expect(after).toBeLessThan(1500 + 1000)
    expect(changes.at(-1)).toEqual(['a'])
  }, 10_000)
})

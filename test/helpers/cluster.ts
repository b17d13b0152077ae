import { ClusterBus } from '../../src/cluster/bus'
import { Membership } from '../../src/cluster/membership'
import { RedisRouter } from '../../src/cluster/redis-router'
import { createLogger } from '../../src/lib/log'
import { Redis } from '../../src/lib/redis'
import { RoomHost, type RoomResources } from '../../rooms'
import { TEST_REDIS_URL } from './app'

export interface InProcessNode {
  nodeId: string
  router: RedisRouter
  host: RoomHost
  bus: ClusterBus
  membership: Membership
  /** Leaves the cluster and closes its connections. */
  stop(): Promise<void>
}

/** A cluster node inside the test process: its own Redis connections, lease, RoomHost and RedisRouter. */
export async function startInProcessNode(resources: RoomResources, opts: { nodeId: string; prefix: string; /** false: plain pub/sub, as on Redis before 7 */ sharded?: boolean }): Promise<InProcessNode> {
  const log = createLogger('silent')
  const redis = await new Redis({ url: TEST_REDIS_URL, prefix: opts.prefix, log }).connect()
  const bus = new ClusterBus({ redis, log })
  await bus.start()
  if (opts.sharded === false) bus.sharded = false
  const membership = new Membership({ bus, log }, { nodeId: opts.nodeId, leaseMs: 3000, heartbeatMs: 1000, pollMs: 250 })
  const host = new RoomHost({ ...resources, config: { ...resources.config, nodeId: opts.nodeId } })
  const router = new RedisRouter({ bus, membership, host, log }, { requestTimeoutMs: 2000, sendDeadlineMs: 8000, vnodes: 64 })
  await router.start()
  await membership.join()
  return {
    nodeId: opts.nodeId,
    router,
    host,
    bus,
    membership,
    async stop() {
      await membership.leave()
      await router.stop()
      await bus.close()
      await redis.close()
    },
  }
}

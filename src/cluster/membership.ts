import type { Logger } from '../lib/log'
import type { ClusterBus } from './bus'

export interface MembershipOptions {
  nodeId: string
  /** Fly machine of this node, for fly-replay. */
  machineId?: string
  leaseMs: number
  heartbeatMs: number
  /** How often live members are read (deaths are only seen by reading). */
  pollMs: number
}

// Renews (or only reads) leases on Redis's clock, so nodes' clocks need not agree.
// KEYS: members zset, machines hash. ARGV: node id ('' = read only), lease ms, machine id.
const LEASE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[1] ~= '' then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
end
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
if #dead > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  redis.call('HDEL', KEYS[2], unpack(dead))
end
return redis.call('ZRANGE', KEYS[1], 0, -1)
`

/**
 * This node's lease in Redis and the list of live nodes. A lease lives `leaseMs` unless
 * renewed (every `heartbeatMs`). Joins and graceful leaves are announced on a channel;
 * deaths are found by polling. Listeners hear the sorted member list on every change.
 */
export class Membership {
  private members: string[] = []
  private readonly listeners = new Set<(members: string[]) => void>()
  private readonly timers: ReturnType<typeof setInterval>[] = []
  private joined = false
  private reading: Promise<void> | undefined

  constructor(
    private readonly res: { bus: ClusterBus; log: Logger },
    readonly options: MembershipOptions,
  ) {}

  get nodeId(): string {
    return this.options.nodeId
  }

  /** Live node ids, sorted. */
  live(): string[] {
    return this.members
  }

  onChange(listener: (members: string[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Takes the lease, listens for others' changes, and starts the heartbeat and polling. */
  async join(): Promise<void> {
    const { bus } = this.res
    await bus.subscribe(bus.channel('members'), () => void this.refresh())
    this.joined = true
    await this.renew()
    await bus.publish(bus.channel('members'), JSON.stringify({ joined: this.nodeId }))
    this.timers.push(setInterval(() => void this.renew(), this.options.heartbeatMs))
    this.timers.push(setInterval(() => void this.refresh(), this.options.pollMs))
    for (const t of this.timers) t.unref?.()
  }

  /** Gives the lease up at once (graceful stop), so others need not wait for it to expire. */
  async leave(): Promise<void> {
    for (const t of this.timers.splice(0)) clearInterval(t)
    if (!this.joined) return
    this.joined = false
    const { bus } = this.res
    const client = bus.redis.client
    await client.zRem(this.key('members'), this.nodeId).catch(() => {})
    await client.hDel(this.key('machines'), this.nodeId).catch(() => {})
    await bus.publish(bus.channel('members'), JSON.stringify({ left: this.nodeId })).catch(() => {})
    await this.run('')
  }

  /** The Fly machine of a live node (when nodes run on Fly). */
  async machineOf(nodeId: string): Promise<string | undefined> {
    return (await this.res.bus.redis.client.hGet(this.key('machines'), nodeId)) ?? undefined
  }

  /** Reads the live members now (also run on a timer and on every announcement). */
  refresh(): Promise<void> {
    this.reading ??= this.run('').finally(() => (this.reading = undefined))
    return this.reading
  }

  private renew(): Promise<void> {
    return this.joined ? this.run(this.nodeId) : Promise.resolve()
  }

  private key(name: string): string {
    return this.res.bus.channel(name)
  }

  private async run(nodeId: string) {
    try {
      const members = (await this.res.bus.redis.client.eval(LEASE_SCRIPT, {
        keys: [this.key('members'), this.key('machines')],
        arguments: [nodeId, String(this.options.leaseMs), this.options.machineId ?? ''],
      })) as string[]
      this.update([...members].sort())
    } catch (err) {
      this.res.log.debug('membership refresh failed', { error: String(err) })
    }
  }

  private update(members: string[]) {
    if (members.join('\n') === this.members.join('\n')) return
    const before = new Set(this.members)
    this.members = members
    this.res.log.info('cluster members changed', {
      members,
      joined: members.filter((m) => !before.has(m)),
      left: [...before].filter((m) => !members.includes(m)),
    })
    for (const listener of this.listeners) listener(members)
  }
}

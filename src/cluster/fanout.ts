import type { Logger } from '../lib/log'
import type { PermissionService } from '../modules/permissions/service'
import { userChannel } from '../realtime/user-channel'
import { Fanout, roomTopic, type OutboundEvent } from '../realtime/fanout'
import type { ClusterBus } from './bus'
import type { RedisRouter } from './redis-router'

/**
 * The Fanout of a cluster node: events that are not room commits (typing, receipts,
 * presence, unread counts, pins) go through Redis and come back to every node with
 * sockets on the topic, this one included. Rooms use the room's channel (only nodes with
 * sockets in the room hear it), users their user channel (only nodes with the user's
 * sockets), communities one broadcast channel.
 */
export class ClusterFanout extends Fanout {
  constructor(private readonly res: { bus: ClusterBus; router: RedisRouter; log: Logger }) {
    super()
    res.router.onEphemeral((roomId, event) => this.deliver(roomTopic(roomId), event))
  }

  private get communities() {
    return this.res.bus.channel('communities')
  }

  async start(): Promise<void> {
    await this.res.bus.subscribe(this.communities, (text) => {
      const { topic, event } = JSON.parse(text) as { topic: string; event: OutboundEvent }
      this.deliver(topic, event)
    })
  }

  override publish(topic: string, event: OutboundEvent) {
    const [kind, id] = splitTopic(topic)
    const { bus, router } = this.res
    let sent: Promise<unknown>
    if (kind === 'room') sent = router.publishEphemeral(id, event)
    else if (kind === 'user') sent = bus.publish(userChannel(bus.redis, id), JSON.stringify(event))
    else sent = bus.publish(this.communities, JSON.stringify({ topic, event }))
    sent.catch((err) => this.res.log.warn('cluster event not published', { topic, type: event.type, error: String(err) }))
  }
}

function splitTopic(topic: string): [string, string] {
  const at = topic.indexOf(':')
  return [topic.slice(0, at), topic.slice(at + 1)]
}

/** Permission changes committed on one node re-check live subscriptions on every node. */
export class PermissionRelay {
  constructor(
    private readonly res: { bus: ClusterBus; log: Logger },
    private readonly parts: { nodeId: string; permissions: PermissionService },
  ) {}

  async start(): Promise<void> {
    const { bus } = this.res
    const channel = bus.channel('permissions')
    await bus.subscribe(channel, (text) => {
      const { from, scopes } = JSON.parse(text) as { from: string; scopes: string[] }
      if (from !== this.parts.nodeId) this.parts.permissions.applyRemoteChange(scopes)
    })
    this.parts.permissions.onChange((scopes, { remote }) => {
      if (remote) return
      bus.publish(channel, JSON.stringify({ from: this.parts.nodeId, scopes })).catch((err) => {
        this.res.log.warn('permission change not announced to the cluster', { scopes, error: String(err) })
      })
    })
  }
}

import type { Router } from '../rooms'
import { DomainEvents } from './domain-events/bus'
import { OutboxRelay } from './domain-events/relay'
import type { Built, Feature } from './feature'
import { consumers, expanders, features } from './features'
import { authGuard, type SignedIn } from './modules/auth/guard'
import { AuthService } from './modules/auth/service'
import { PermissionService } from './modules/permissions/service'
import { Realtime } from './realtime'
import type { Fanout } from './realtime/fanout'
import { mergeOpHandlers } from './realtime/ops'
import type { Presence } from './realtime/presence'
import type { Resources } from './resources'

/** What the features are built from: the resources, and the systems several features share. */
export interface Core extends Resources {
  auth: AuthService
  permissions: PermissionService
  /** Where changes commit with their domain events. */
  events: DomainEvents
  /** The guard of every signed-in route: the token, then the user's read or write budget. */
  signedIn: SignedIn
  /** Commands to the room actors, on whichever node owns the room. */
  router: Router
  /** Pushes to sockets: a room's, a user's, a community's. */
  live: Fanout
  presence: Presence
}

type AnyFeature = Feature<any, any>
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never
type Listed = (typeof features)[number]
type DepsOf<F> = F extends { build?: (deps: infer D) => unknown } ? D : {}
type ApiOf<F> = F extends { build?: (deps: never) => infer B } ? (B extends { api: infer A } ? (A extends undefined ? {} : A) : {}) : {}
/** Fails to compile when a feature asks for something neither the core nor another feature's api provides. */
type Provided = Core & UnionToIntersection<ApiOf<Listed>>
const everyDepProvided: Provided extends UnionToIntersection<DepsOf<Listed>> ? true : never = true

/**
 * Hearth in one process: the core systems, every feature built from them, the realtime
 * system answering the features' WebSocket ops, and the outbox relay. `start` joins the
 * cluster and starts relaying; `stop` closes sockets, hands rooms over and stops relaying.
 */
export function createHearth(res: Resources, opts: { router?: Router } = {}) {
  void everyDepProvided
  const events = new DomainEvents(res)
  const auth = new AuthService(res)
  const permissions = new PermissionService({ ...res, events })
  const realtime = new Realtime(res, { auth, permissions, router: opts.router })
  const { readsPerUser: reads, writesPerUser: writes } = res.config.rateLimits
  const signedIn: SignedIn = () => authGuard(auth, { rateLimiter: res.rateLimiter, reads, writes })
  const core: Core = { ...res, auth, permissions, events, signedIn, router: realtime.router, live: realtime.fanout, presence: realtime.presence }

  // Each feature gets the core and the apis of the features listed before it.
  const deps: Record<string, unknown> = { ...core }
  const built = new Map<string, Built<any>>()
  for (const feature of features as readonly AnyFeature[]) {
    const part = feature.build?.(deps as never)
    if (!part) continue
    built.set(feature.name, part)
    Object.assign(deps, part.api)
  }
  realtime.answer(mergeOpHandlers([...built.values()].map((b) => b.ops)))

  const relay = new OutboxRelay(res, { consumers, expanders, intervalMs: res.config.events.relayIntervalMs, delayMs: res.config.events.relayDelayMs, onRelayed: (e) => events.relayed(e) })
  events.onCommitted(() => relay.wake())

  return {
    core,
    realtime,
    relay,
    /** The features' routes, in the order they are listed. */
    routes: [...built.values()].flatMap((b) => (b.routes ? [b.routes] : [])),
    /** A feature's api, by the name of what it provides (`messages`, `notifications`, ...). */
    api<K extends keyof Provided>(name: K): Provided[K] {
      return deps[name as string] as Provided[K]
    },
    async start() {
      await realtime.start()
      if (res.config.events.relayIntervalMs > 0) relay.start()
      const apiJobs = Object.assign({}, ...[...built.values()].map((b) => b.apiJobs ?? {}))
      if (res.config.role !== 'worker' && Object.keys(apiJobs).length) await res.jobs.startApiConsumers({ api: apiJobs })
      for (const part of built.values()) await part.start?.()
    },
    async stop() {
      for (const part of [...built.values()].reverse()) await part.stop?.().catch((err) => res.log.warn('a feature did not stop cleanly', { error: err }))
      await relay.stop()
      await realtime.stop()
    },
  }
}

export type Hearth = ReturnType<typeof createHearth>

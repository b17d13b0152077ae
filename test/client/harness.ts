import { afterAll, afterEach } from 'bun:test'
import { HearthClient, type HearthClientOptions, type Message, type OutboxEntry, type RealtimeOptions } from '../../client/src'
import type { TestUser } from '../helpers/community'

/** Fast reconnects and gap fills for tests; each test can override. */
export const FAST: RealtimeOptions = { baseMs: 20, capMs: 200, stableMs: 60_000, rateLimitedMinMs: 300, gapWaitMs: 100, heartbeatMs: 5_000 }

const open = new Set<HearthClient>()
afterEach(() => {
  for (const c of open) c.dispose()
  open.clear()
})
afterAll(() => {
  for (const c of open) c.dispose()
})

/** Counts what went over fetch, by path. */
export class FetchLog {
  readonly calls: string[] = []
  readonly fetch = (request: Request) => {
    this.calls.push(`${request.method} ${new URL(request.url).pathname}`)
    return globalThis.fetch(request)
  }
  count(call: string) {
    return this.calls.filter((c) => c === call).length
  }
}

/** A client signed in as `user` (its tokens), disposed after the test. */
export function clientOf(baseUrl: string, user: Pick<TestUser, 'accessToken' | 'refreshToken'>, opts: Partial<HearthClientOptions> = {}) {
  const client = new HearthClient({
    baseUrl,
    session: { accessToken: user.accessToken, refreshToken: user.refreshToken },
    ...opts,
    realtime: { ...FAST, ...opts.realtime },
  })
  open.add(client)
  return client
}

/** What a client's app saw: messages per room (in arrival order) and every outbox change. */
export function record(client: HearthClient) {
  const messages = new Map<string, Message[]>()
  const sources: string[] = []
  const outbox: OutboxEntry[] = []
  const states: { state: string; code?: number; delayMs?: number; at: number }[] = []
  client.realtime.onMessage((m, meta) => {
    const list = messages.get(meta.roomId) ?? []
    list.push(m)
    messages.set(meta.roomId, list)
    sources.push(`${m.seq}:${meta.source}`)
  })
  client.realtime.onOutbox((e) => outbox.push(e))
  client.realtime.onState((state, info) => states.push({ state, code: info.code, delayMs: info.delayMs, at: Date.now() }))
  return {
    messages,
    sources,
    outbox,
    states,
    seqs: (roomId: string) => (messages.get(roomId) ?? []).map((m) => m.seq),
    bodies: (roomId: string) => (messages.get(roomId) ?? []).map((m) => m.body),
    /** The states an outbox entry went through. */
    trail: (nonce: string) => outbox.filter((e) => e.nonce === nonce).map((e) => e.state),
  }
}

/** Breaks a JWT's signature, keeping its claims (the client still reads when it expires). */
export function tampered(token: string): string {
  const [head, body, sig] = token.split('.')
  return `${head}.${body}.${sig!.slice(0, -4)}${sig!.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`
}

import { Auth, type AuthOptions } from './auth'
import { createApi, type Api } from './rest'
import { RealtimeSession, type RealtimeOptions } from './realtime'

export interface HearthClientOptions {
  /** Where Hearth answers, e.g. `http://localhost:3000` (in the web app: `location.origin`). REST and `/ws` both go there. */
  baseUrl: string
  /** A session saved earlier (from `onSession`), to sign in again without a password. */
  session?: AuthOptions['session']
  /**
   * Keeps the session and shares it between clients on the same store: in a browser,
   * `localStorageStore()` lets every tab use one session (one refresh for all, sign-out everywhere).
   */
  store?: AuthOptions['store']
  /** Refresh the access token this long before it expires (default 60 s; at most half its lifetime). */
  refreshMarginMs?: number
  realtime?: RealtimeOptions
  fetch?: (request: Request) => Promise<Response>
  WebSocket?: typeof WebSocket
}

/**
 * Hearth from a browser or Bun: `api` (REST, typed from the server's OpenAPI document),
 * `auth` (tokens, refreshed before expiry, one refresh at a time) and `realtime` (the
 * socket: rooms in seq order, each message once, and an outbox of sends).
 */
export class HearthClient {
  readonly auth: Auth
  readonly api: Api
  readonly realtime: RealtimeSession
  readonly baseUrl: string

  constructor(opts: HearthClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '')
    // Called as a plain function: a browser's fetch must not be invoked with another `this`.
    const fetchFn = opts.fetch ?? ((request: Request) => globalThis.fetch(request))
    this.auth = new Auth({ baseUrl: this.baseUrl, fetch: fetchFn, refreshMarginMs: opts.refreshMarginMs, session: opts.session, store: opts.store })
    this.api = createApi({ baseUrl: this.baseUrl, fetch: fetchFn, tokens: this.auth })
    this.realtime = new RealtimeSession({
      baseUrl: this.baseUrl,
      auth: this.auth,
      api: this.api,
      WebSocket: opts.WebSocket ?? globalThis.WebSocket,
      options: opts.realtime,
    })
  }

  /** Closes the socket and stops the refresh timer (the session itself stays valid). */
  dispose(): void {
    this.realtime.close()
    this.auth.dispose()
  }
}

export { Auth, decodeClaims, localStorageStore, type AuthSession, type SessionReason, type SessionStore, type StoredSession } from './auth'
export { Backoff, type BackoffOptions } from './backoff'
export { ClientErrorCode, HearthError } from './errors'
export type { OutboxEntry, OutboxState, SendInput } from './outbox'
export {
  CloseCode,
  toMessage,
  type ClientOps,
  type EventMap,
  type EventMeta,
  type EventType,
  type MessageEventView,
  type OpAcks,
  type OpName,
  type PollUpdate,
  type PresenceStatus,
} from './protocol'
export { Connection, type ConnectionInfo, type ConnectionState } from './connection'
export { RealtimeSession, randomId, type MessageMeta, type RealtimeOptions } from './realtime'
export { createApi, toHearthError, unwrap, type Api, type ApiComponents, type ApiError, type ApiPaths, type Body, type Data, type Message, type SelfUser, type Session, type TokenPair } from './rest'
export type { MessageSource } from './room-feed'

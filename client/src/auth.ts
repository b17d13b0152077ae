import createClient from 'openapi-fetch'
import { ClientErrorCode, HearthError } from './errors'
import { Listeners } from './listeners'
import type { paths } from './openapi'
import { toHearthError, type Body, type SelfUser, type TokenPair } from './rest'

export interface AuthSession {
  userId: string
  /** Known after register/login; a restored session has only the id (ask `GET /v1/users/me`). */
  user?: SelfUser
  accessToken: string
  refreshToken: string
  /** When the access token expires, on this machine's clock (ms since the epoch). */
  expiresAt: number
}

export type SessionReason = 'signed_in' | 'refreshed' | 'restored' | 'signed_out' | 'refresh_token_reused' | 'expired'

/** What is kept of a session between page loads (and shared by the tabs of one browser). */
export interface StoredSession {
  accessToken: string
  refreshToken: string
  user?: SelfUser
}

/**
 * Where the session is kept. Clients that share one store (the tabs of a browser over
 * localStorage) share the session: a refresh made by one is picked up by the others instead
 * of spending the same refresh token twice (which the server takes for theft and answers by
 * revoking the session everywhere).
 */
export interface SessionStore {
  load(): StoredSession | null
  save(session: StoredSession | null): void
  /** Hears changes made by others (another tab): the client then takes the stored session, or signs out. */
  watch?(onChange: () => void): () => void
}

/** A SessionStore in the browser's localStorage under `key`. */
export function localStorageStore(key = 'hearth.session'): SessionStore {
  return {
    load() {
      try {
        const raw = globalThis.localStorage?.getItem(key)
        return raw ? (JSON.parse(raw) as StoredSession) : null
      } catch {
        return null
      }
    },
    save(session) {
      if (session) globalThis.localStorage?.setItem(key, JSON.stringify(session))
      else globalThis.localStorage?.removeItem(key)
    },
    watch(onChange) {
      // The storage event fires in the other tabs of the origin, never in the one that wrote.
      const listener = (event: Event) => (event as Event & { key?: string | null }).key === key && onChange()
      globalThis.addEventListener?.('storage', listener)
      return () => globalThis.removeEventListener?.('storage', listener)
    },
  }
}

export interface AuthOptions {
  baseUrl: string
  fetch: (request: Request) => Promise<Response>
  /** Refresh this long before the access token expires (at most half its lifetime). */
  refreshMarginMs?: number
  /** A session saved earlier: `{accessToken, refreshToken}` (and the user, if kept). */
  session?: StoredSession | null
  /** Keeps the session (and shares it with other clients on the same store); read at start when no `session` is given. */
  store?: SessionStore
  now?: () => number
}

const RETRY_REFRESH_MS = 5_000

/**
 * The tokens of one signed-in user. The access token is refreshed before it expires, by a
 * timer and on demand; one refresh runs at a time and concurrent callers share it (a refresh
 * token is single-use: two refreshes with it would be taken for a stolen token and end the
 * session). A refresh refused as `refresh_token_reused` (or expired, or revoked) signs out.
 */
export class Auth {
  private current: AuthSession | null = null
  private lifetimeMs = 0
  private refreshing: Promise<AuthSession> | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  /** Bumped whenever the session is replaced or ended: a refresh that started before does not land. */
  private generation = 0
  private readonly listeners = new Listeners<[AuthSession | null, SessionReason]>()
  private readonly plain
  private readonly now: () => number
  private readonly marginMs: number
  private readonly store: SessionStore | undefined
  private readonly unwatch: (() => void) | undefined

  constructor(opts: AuthOptions) {
    this.plain = createClient<paths>({ baseUrl: opts.baseUrl, fetch: opts.fetch })
    this.now = opts.now ?? Date.now
    this.marginMs = opts.refreshMarginMs ?? 60_000
    this.store = opts.store
    const saved = opts.session ?? opts.store?.load()
    if (saved) {
      this.adopt(saved, { clock: 'claims', user: saved.user })
      this.save()
      queueMicrotask(() => this.current && this.listeners.emit(this.current, 'restored'))
    }
    this.unwatch = opts.store?.watch?.(() => this.storeChanged())
  }

  get session(): AuthSession | null {
    return this.current
  }

  get signedIn(): boolean {
    return this.current !== null
  }

  /** Hears every change of session: sign-in, refresh, restore, and the end of it (`null`, with why). */
  onSession(listener: (session: AuthSession | null, reason: SessionReason) => void): () => void {
    return this.listeners.add(listener)
  }

  async register(body: Body<'/v1/auth/register', 'post'>): Promise<AuthSession> {
    const started = this.generation
    const result = await this.plain.POST('/v1/auth/register', { body }).catch(networkError)
    if (!result.response.ok || !result.data) throw toHearthError(result.response, result.error)
    return this.signedInAs(result.data, started)
  }

  async login(body: Body<'/v1/auth/login', 'post'>): Promise<AuthSession> {
    const started = this.generation
    const result = await this.plain.POST('/v1/auth/login', { body }).catch(networkError)
    if (!result.response.ok || !result.data) throw toHearthError(result.response, result.error)
    return this.signedInAs(result.data, started)
  }

  /** Ends the session here and on the server (its refresh-token family is revoked). */
  async logout(): Promise<void> {
    const session = this.current
    if (!session) return
    this.end('signed_out')
    await this.plain.POST('/v1/auth/logout', { body: { refreshToken: session.refreshToken } }).catch(() => undefined)
  }

  /** An access token good for at least the margin: refreshed first if it is not. */
  async accessToken(): Promise<string> {
    const session = this.current
    if (!session) throw new HearthError({ code: ClientErrorCode.signedOut, message: 'not signed in' })
    if (this.now() < this.refreshAt(session)) return session.accessToken
    return (await this.refresh()).accessToken
  }

  /**
   * Spends the refresh token for a new pair, unless the access token is still fresh (or
   * `force`). Concurrent calls share one request.
   */
  refresh(opts: { force?: boolean } = {}): Promise<AuthSession> {
    const session = this.current
    if (!session) return Promise.reject(new HearthError({ code: ClientErrorCode.signedOut, message: 'not signed in' }))
    if (this.refreshing) return this.refreshing
    if (!opts.force && this.now() < this.refreshAt(session)) return Promise.resolve(session)
    const generation = this.generation
    const run = this.exchange(session, generation).finally(() => {
      if (this.refreshing === run) this.refreshing = undefined
    })
    this.refreshing = run
    return run
  }

  /** Stops the refresh timer and watching the store (the session stays usable on demand). */
  dispose(): void {
    clearTimeout(this.timer)
    this.unwatch?.()
  }

  /** Another client of the store signed in, refreshed or signed out. */
  private storeChanged() {
    const stored = this.store!.load()
    if (!stored) {
      if (this.current) this.end('signed_out')
      return
    }
    if (stored.refreshToken === this.current?.refreshToken) return
    const other = decodeClaims(stored.accessToken).sub !== this.current?.userId
    this.adopt(stored, { clock: 'claims', user: stored.user })
    this.listeners.emit(this.current, other ? 'signed_in' : 'refreshed')
  }

  private exchange(session: AuthSession, generation: number): Promise<AuthSession> {
    if (!this.store) return this.spend(session, generation)
    // One refresh across every client of the store (the tabs of a browser), and none at all
    // when another already did it: its tokens are in the store.
    return withLock('hearth.refresh', async () => {
      const stored = this.store!.load()
      if (generation !== this.generation) {
        if (this.current) return this.current
        throw new HearthError({ code: ClientErrorCode.signedOut, message: 'signed out during the refresh' })
      }
      if (!stored) {
        this.end('signed_out')
        throw new HearthError({ code: ClientErrorCode.signedOut, message: 'signed out in another window' })
      }
      if (stored.refreshToken !== session.refreshToken) {
        this.adopt(stored, { clock: 'claims', user: session.user ?? stored.user })
        this.listeners.emit(this.current, 'refreshed')
        return this.current!
      }
      return this.spend(session, generation)
    })
  }

  private async spend(session: AuthSession, generation: number): Promise<AuthSession> {
    const result = await this.plain.POST('/v1/auth/refresh', { body: { refreshToken: session.refreshToken } }).catch(networkError)
    if (generation !== this.generation) {
      if (this.current) return this.current
      throw new HearthError({ code: ClientErrorCode.signedOut, message: 'signed out during the refresh' })
    }
    if (result.response.ok && result.data) {
      this.adopt(result.data, { user: session.user })
      this.save()
      this.listeners.emit(this.current, 'refreshed')
      return this.current!
    }
    const error = toHearthError(result.response, result.error)
    // 401: reused (revoked family), expired or unknown refresh token: this session is over.
    if (result.response.status === 401) this.end(error.code === 'refresh_token_reused' ? 'refresh_token_reused' : 'expired')
    throw error
  }

  private signedInAs(data: { user: SelfUser } & TokenPair, started: number): AuthSession {
    if (started !== this.generation) {
      // Another sign-in or sign-out happened meanwhile: the later one wins.
      throw new HearthError({ code: 'superseded', message: 'another sign-in or sign-out happened meanwhile' })
    }
    this.adopt(data, { user: data.user })
    this.save()
    this.listeners.emit(this.current, 'signed_in')
    return this.current!
  }

  /**
   * Takes a token pair. A token just issued is timed on this machine's clock (its lifetime
   * from now: immune to clock skew); one from storage by its own expiry claim.
   */
  private adopt(tokens: TokenPair, opts: { user?: SelfUser; clock?: 'claims' | 'local' }) {
    const claims = decodeClaims(tokens.accessToken)
    const issued = claims.iat ?? claims.exp - 900
    this.lifetimeMs = Math.max(1, claims.exp - issued) * 1000
    const expiresAt = opts.clock === 'claims' ? claims.exp * 1000 : this.now() + this.lifetimeMs
    this.generation++
    this.current = { userId: claims.sub, user: opts.user, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt }
    this.schedule()
  }

  private end(reason: SessionReason) {
    this.generation++
    this.current = null
    this.refreshing = undefined
    clearTimeout(this.timer)
    this.save()
    this.listeners.emit(null, reason)
  }

  private save() {
    const s = this.current
    this.store?.save(s ? { accessToken: s.accessToken, refreshToken: s.refreshToken, ...(s.user ? { user: s.user } : {}) } : null)
  }

  private refreshAt(session: AuthSession): number {
    return session.expiresAt - Math.min(this.marginMs, this.lifetimeMs / 2)
  }

  private schedule() {
    clearTimeout(this.timer)
    const session = this.current
    if (!session) return
    const wait = Math.max(0, this.refreshAt(session) - this.now())
    this.timer = setTimeout(() => {
      this.refresh().catch(() => {
        // Unreachable server: try again soon (a signed-out session has no timer to retry).
        if (this.current === session) this.timer = setTimeout(() => this.schedule(), RETRY_REFRESH_MS)
      })
    }, wait)
    // Bun and Node: the timer alone must not keep a process alive. Browsers have no unref.
    ;(this.timer as { unref?: () => void }).unref?.()
  }
}

/** Holds a lock named `name` while `fn` runs: across tabs (Web Locks) in browsers, within this process otherwise. */
const localLocks = new Map<string, Promise<unknown>>()
function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as { locks?: { request(name: string, fn: () => Promise<T>): Promise<T> } } | undefined)?.locks
  if (locks) return locks.request(name, fn)
  const run = (localLocks.get(name) ?? Promise.resolve()).then(fn, fn)
  const tail = run.catch(() => undefined)
  localLocks.set(name, tail)
  void tail.then(() => localLocks.get(name) === tail && localLocks.delete(name))
  return run
}

function networkError(err: unknown): never {
  throw new HearthError({ code: ClientErrorCode.network, message: `could not reach Hearth: ${err instanceof Error ? err.message : String(err)}` })
}

/** The claims of a JWT (not verified: the server does that; the client only reads when it expires). */
export function decodeClaims(token: string): { sub: string; exp: number; iat?: number } {
  const part = token.split('.')[1]
  if (!part) throw new HearthError({ code: 'bad_token', message: 'the access token is not a JWT' })
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=')
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  const claims = JSON.parse(new TextDecoder().decode(bytes)) as { sub?: unknown; exp?: unknown; iat?: unknown }
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
    throw new HearthError({ code: 'bad_token', message: 'the access token has no sub or exp' })
  }
  return { sub: claims.sub, exp: claims.exp, iat: typeof claims.iat === 'number' ? claims.iat : undefined }
}

// The client's tokens against a real server: refreshed before they expire, one refresh at a
// time however many callers, signed out when the server says the refresh token was reused,
// and REST errors typed.
import { describe, expect, test } from 'bun:test'
import { Auth, HearthClient, HearthError, unwrap, type AuthSession, type SessionReason, type SessionStore, type StoredSession } from '../../client/src'
import { startTestApp } from '../helpers/app'
import { newCommunity, ok } from '../helpers/community'
import { registerUser } from '../helpers/http'
import { eventually } from '../helpers/wait'
import { clientOf, FetchLog, record, tampered } from './harness'

const app = await startTestApp({ ACCESS_TOKEN_TTL: '60' })

function sessions(auth: Auth) {
  const seen: [AuthSession | null, SessionReason][] = []
  auth.onSession((session, reason) => seen.push([session, reason]))
  return seen
}

describe('signing in', () => {
  test('register and login give a session with the user, told to onSession', async () => {
    const client = new HearthClient({ baseUrl: app.url })
    const seen = sessions(client.auth)
    const username = `reg_${Date.now().toString(36)}`
    const registered = await client.auth.register({ username, email: `${username}@example.test`, password: 'correct horse battery' })
    expect(registered.user?.username).toBe(username)
    await client.auth.logout()
    const again = await client.auth.login({ login: username, password: 'correct horse battery' })
    expect(again.userId).toBe(registered.userId)
    expect(seen.map(([s, reason]) => [s?.userId ?? null, reason])).toEqual([
      [registered.userId, 'signed_in'],
      [null, 'signed_out'],
      [registered.userId, 'signed_in'],
    ])
    client.dispose()
  })

  test('a wrong password is a HearthError with the server code, and no session', async () => {
    const user = await registerUser(app.http)
    const client = new HearthClient({ baseUrl: app.url })
    const error = await client.auth.login({ login: user.username, password: 'not the password' }).catch((e) => e)
    expect([error instanceof HearthError, error.code, error.status]).toEqual([true, 'invalid_credentials', 401])
    expect(client.auth.session).toBeNull()
  })

  test('logout revokes the refresh token on the server', async () => {
    const user = await registerUser(app.http)
    const client = clientOf(app.url, user)
    await client.auth.logout()
    expect((await app.http.post('/v1/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401)
  })
})

describe('refresh before expiry', () => {
  test('a token within the margin of its expiry is refreshed before a request uses it', async () => {
    const user = await registerUser(app.http)
    const log = new FetchLog()
    let skew = 0
    const auth = new Auth({ baseUrl: app.url, fetch: log.fetch, session: user, refreshMarginMs: 10_000, now: () => Date.now() + skew })
    const before = auth.session!.accessToken
    expect(await auth.accessToken()).toBe(before)
    skew = auth.session!.expiresAt - Date.now() - 5_000 // 5 s before expiry: inside the margin
    const after = await auth.accessToken()
    expect(after).not.toBe(before)
    expect(log.count('POST /v1/auth/refresh')).toBe(1)
    auth.dispose()
  })

  test('a timer refreshes it without anyone asking', async () => {
    const user = await registerUser(app.http)
    // The restored token looks 1 s from its refresh point: the timer fires then.
    const claims = JSON.parse(atob(user.accessToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')))
    const skew = claims.exp * 1000 - 10_000 - Date.now() - 1_000
    const auth = new Auth({ baseUrl: app.url, fetch: (r) => fetch(r), session: user, refreshMarginMs: 10_000, now: () => Date.now() + skew })
    const seen = sessions(auth)
    await eventually('a refresh', async () => seen.some(([, reason]) => reason === 'refreshed'), 5_000)
    expect(auth.session!.accessToken).not.toBe(user.accessToken)
    auth.dispose()
  })

  test('an open socket is handed the refreshed token and is not reconnected', async () => {
    const world = await newCommunity(app.http)
    const room = await world.room('r')
    const client = clientOf(app.url, world.owner)
    const seen = record(client)
    client.realtime.connect()
    await client.realtime.subscribe(room.id, { sinceSeq: 0 })
    const serverSide = () => app.hearth.realtime.gateway.sessionsOf(world.owner.id)[0]!.user.expiresAt
    const before = serverSide()
    await Bun.sleep(1100) // a new token's expiry is a later second
    await client.auth.refresh({ force: true })
    await eventually('the socket renewed on the server', async () => serverSide() > before)
    const sent = await client.realtime.settled(client.realtime.send(room.id, { body: 'after the refresh' }).nonce)
    expect(sent?.state).toBe('sent')
    expect(seen.states.map((s) => s.state)).toEqual(['connecting', 'open'])
  })
})

describe('one refresh at a time', () => {
  test('concurrent refreshes share one request', async () => {
    const user = await registerUser(app.http)
    const log = new FetchLog()
    const client = clientOf(app.url, user, { fetch: log.fetch })
    const results = await Promise.all(Array.from({ length: 10 }, () => client.auth.refresh({ force: true })))
    expect(new Set(results.map((s) => s.accessToken)).size).toBe(1)
    expect(log.count('POST /v1/auth/refresh')).toBe(1)
    expect(client.auth.session).not.toBeNull()
  })

  test('concurrent requests refused with 401 refresh once, and each is retried with the new token', async () => {
    const user = await registerUser(app.http)
    const log = new FetchLog()
    const client = clientOf(app.url, { ...user, accessToken: tampered(user.accessToken) }, { fetch: log.fetch })
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.api.GET('/v1/users/me')))
    expect(answers.map((a) => a.data?.id)).toEqual(Array(5).fill(user.id))
    expect(log.count('POST /v1/auth/refresh')).toBe(1)
  })
})

describe('sign-out', () => {
  test('a refresh answered refresh_token_reused signs out: session null, socket closed, pending sends failed', async () => {
    const world = await newCommunity(app.http)
    const room = await world.room('r')
    const client = clientOf(app.url, world.owner)
    const seen = sessions(client.auth)
    const outbox = record(client)
    // Someone else spent this refresh token (e.g. a thief, or another tab).
    const theirs = ok(await app.http.post('/v1/auth/refresh', { refreshToken: world.owner.refreshToken })).body
    const pending = client.realtime.send(room.id, { body: 'never sent' })
    const error = await client.auth.refresh({ force: true }).catch((e) => e)
    expect(error.code).toBe('refresh_token_reused')
    expect(seen.at(-1)).toEqual([null, 'refresh_token_reused'])
    expect(client.realtime.state).toBe('signed_out')
    expect(outbox.trail(pending.nonce)).toEqual(['pending', 'failed'])
    expect((await client.realtime.settled(pending.nonce))?.error?.code).toBe('signed_out')
    // The server revoked the whole family: the other holder's newer token is dead too.
    expect((await app.http.post('/v1/auth/refresh', { refreshToken: theirs.refreshToken })).status).toBe(401)
    // And this client sends no token any more.
    expect((await client.api.GET('/v1/users/me')).error?.error.code).toBe('unauthorized')
  })

  test('a refresh token that expired or was revoked signs out as expired', async () => {
    const user = await registerUser(app.http)
    const client = clientOf(app.url, user)
    const seen = sessions(client.auth)
    ok(await app.http.post('/v1/auth/logout', { refreshToken: user.refreshToken }), 204)
    await client.auth.refresh({ force: true }).catch(() => {})
    expect(seen.at(-1)).toEqual([null, 'expired'])
  })

  test('an unreachable server keeps the session (a refresh may succeed later)', async () => {
    const user = await registerUser(app.http)
    const client = clientOf('http://127.0.0.1:1', user)
    const error = await client.auth.refresh({ force: true }).catch((e) => e)
    expect(error.code).toBe('network_error')
    expect(client.auth.session?.userId).toBe(user.id)
  })
})

describe('typed REST', () => {
  test('an error answer is typed: code, message and request id', async () => {
    const user = await registerUser(app.http)
    const client = clientOf(app.url, user)
    const missing = await client.api.GET('/v1/rooms/{id}/messages', { params: { path: { id: crypto.randomUUID() } } })
    expect(missing.response.status).toBe(404)
    const code: string = missing.error!.error.code
    expect(code).toBe('not_found')
    expect(missing.error!.error.requestId).toBe(missing.response.headers.get('x-request-id')!)
  })

  test('unwrap gives the data or throws a HearthError with status and code', async () => {
    const user = await registerUser(app.http)
    const client = clientOf(app.url, user)
    const community = unwrap(await client.api.POST('/v1/communities', { body: { name: 'typed' } }))
    expect(community.name).toBe('typed')
    const error = await (async () => unwrap(await client.api.POST('/v1/communities', { body: { name: '' } })))().catch((e) => e)
    expect([error instanceof HearthError, error.status, error.code]).toEqual([true, 422, 'validation_failed'])
  })
})

describe('a shared session store (the tabs of a browser)', () => {
  /** A store shared by several clients, telling each about the others' writes as localStorage's storage event does. */
  function sharedStore() {
    let value: StoredSession | null = null
    const watchers = new Map<number, () => void>()
    let next = 0
    return () => {
      const me = next++
      const store: SessionStore = {
        load: () => (value ? { ...value } : null),
        save: (session) => {
          value = session
          for (const [who, notify] of watchers) if (who !== me) notify()
        },
        watch: (onChange) => {
          watchers.set(me, onChange)
          return () => watchers.delete(me)
        },
      }
      return store
    }
  }

  test('a client started on the store restores its session', async () => {
    const user = await registerUser(app.http)
    const tab = sharedStore()
    const first = new HearthClient({ baseUrl: app.url, store: tab() })
    await first.auth.login({ login: user.username, password: user.password })
    const second = new HearthClient({ baseUrl: app.url, store: tab() })
    expect(second.auth.session?.userId).toBe(user.id)
    expect(unwrap(await second.api.GET('/v1/users/me')).id).toBe(user.id)
    first.dispose()
    second.dispose()
  })

  test('clients refreshing at once spend the refresh token once: the others take the new tokens', async () => {
    const user = await registerUser(app.http)
    const tab = sharedStore()
    const log = new FetchLog()
    const tabs = [0, 1, 2].map(() => clientOf(app.url, user, { store: tab(), fetch: log.fetch }))
    const results = await Promise.all(tabs.map((t) => t.auth.refresh({ force: true })))
    expect(new Set(results.map((s) => s.refreshToken)).size).toBe(1)
    expect(log.count('POST /v1/auth/refresh')).toBe(1)
    // Nobody was signed out for reuse, and the shared token still works.
    expect(tabs.every((t) => t.auth.signedIn)).toBe(true)
    expect((await tabs[2]!.auth.refresh({ force: true })).refreshToken).not.toBe(results[0]!.refreshToken)
  })

  test('a refresh made by one client reaches the others without a request of theirs', async () => {
    const user = await registerUser(app.http)
    const tab = sharedStore()
    const [a, b] = [clientOf(app.url, user, { store: tab() }), clientOf(app.url, user, { store: tab() })]
    const seen = sessions(b!.auth)
    const refreshed = await a!.auth.refresh({ force: true })
    expect(b!.auth.session?.accessToken).toBe(refreshed.accessToken)
    expect(seen.map(([, reason]) => reason)).toContain('refreshed')
  })

  test('signing out in one client signs out the others', async () => {
    const user = await registerUser(app.http)
    const tab = sharedStore()
    const [a, b] = [clientOf(app.url, user, { store: tab() }), clientOf(app.url, user, { store: tab() })]
    b!.realtime.connect()
    await eventually('open', async () => b!.realtime.state === 'open')
    await a!.auth.logout()
    expect(b!.auth.session).toBeNull()
    expect(b!.realtime.state).toBe('signed_out')
  })
})

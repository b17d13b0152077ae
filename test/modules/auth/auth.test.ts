import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { startTestApp } from '../../helpers/app'
import { registerUser } from '../../helpers/http'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp()
const { http } = app

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString())

describe('register', () => {
  test('creates the account and a working session', async () => {
    const res = await http.post('/v1/auth/register', {
      username: 'Ada.Lovelace',
      email: 'Ada@Example.test',
      password: 'analytical engine',
    })
    expect(res.status).toBe(201)
    expect(res.body.user).toMatchObject({ username: 'Ada.Lovelace', email: 'ada@example.test', isPlatformAdmin: false })
    expect(res.body.user).not.toHaveProperty('passwordHash')
    expect(typeof res.body.refreshToken).toBe('string')

    const me = await http.get('/v1/users/me', { token: res.body.accessToken })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ id: res.body.user.id, username: 'Ada.Lovelace', email: 'ada@example.test' })
  })

  test('access tokens are EdDSA, short-lived and name their key', async () => {
    const u = await registerUser(http)
    const header = JSON.parse(Buffer.from(u.accessToken.split('.')[0]!, 'base64url').toString())
    const claims = decode(u.accessToken)
    expect(header.alg).toBe('EdDSA')
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(15 * 60)
    expect(claims.sub).toBe(u.id)

    const jwks = await http.get('/.well-known/jwks.json')
    expect(jwks.status).toBe(200)
    expect(jwks.body.keys).toHaveLength(1)
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: header.kid, alg: 'EdDSA' })
    expect(jwks.body.keys[0]).not.toHaveProperty('d')
  })

  test.each([
    ['username taken, other case', { username: 'ADA.LOVELACE', email: 'other@example.test' }, 'username_taken'],
    ['email taken, other case', { username: 'someone_else', email: 'ADA@example.test' }, 'email_taken'],
  ])('%s -> 409', async (_name, fields, code) => {
    const res = await http.post('/v1/auth/register', { password: 'long enough pw', ...fields })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe(code)
    expect(typeof res.body.error.requestId).toBe('string')
  })

  test.each([
    ['username too short', { username: 'ab' }],
    ['username too long', { username: 'a'.repeat(33) }],
    ['username with spaces', { username: 'bad name' }],
    ['username with symbols', { username: 'bad<script>' }],
    ['email without domain', { email: 'nobody@' }],
    ['email not a string', { email: 42 }],
    ['password under 8 characters', { password: 'short' }],
    ['password over 256 characters', { password: 'x'.repeat(257) }],
    ['missing password', { password: undefined }],
  ])('%s -> 422 and no account', async (_name, patch) => {
    const body = { username: 'valid_name', email: 'valid@example.test', password: 'long enough pw', ...patch }
    const res = await http.post('/v1/auth/register', body)
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('validation_failed')
    const login = await http.post('/v1/auth/login', { login: 'valid_name', password: 'long enough pw' })
    expect(login.status).toBe(401)
  })

  test('malformed JSON -> 400', async () => {
    const res = await http.post('/v1/auth/register', undefined, { raw: '{"username": "x",' })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('malformed_body')
  })

  test('oversized body -> 413', async () => {
    const res = await http.post('/v1/auth/register', {
      username: 'big_body',
      email: 'big@example.test',
      password: 'long enough pw',
      padding: 'x'.repeat(70 * 1024),
    })
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('payload_too_large')
  })
})

describe('login', () => {
  test.each([['username'], ['email'], ['username in other case']])('by %s', async (how) => {
    const u = await registerUser(http)
    const login =
      how === 'email' ? `${u.username}@example.test` : how === 'username' ? u.username : u.username.toUpperCase()
    const res = await http.post('/v1/auth/login', { login, password: u.password })
    expect(res.status).toBe(200)
    expect(res.body.user.id).toBe(u.id)
    const me = await http.get('/v1/users/me', { token: res.body.accessToken })
    expect(me.body.id).toBe(u.id)
  })

  test('wrong password and unknown user look the same', async () => {
    const u = await registerUser(http)
    const wrong = await http.post('/v1/auth/login', { login: u.username, password: 'not the password' })
    const nobody = await http.post('/v1/auth/login', { login: 'no_such_user', password: 'not the password' })
    expect(wrong.status).toBe(401)
    expect(nobody.status).toBe(401)
    expect(wrong.body.error.code).toBe('invalid_credentials')
    expect(nobody.body.error.code).toBe(wrong.body.error.code)
    expect(nobody.body.error.message).toBe(wrong.body.error.message)
  })

  test('missing fields -> 422', async () => {
    const res = await http.post('/v1/auth/login', { login: 'someone' })
    expect(res.status).toBe(422)
  })
})

describe('refresh tokens', () => {
  test('rotate: the new pair works, the old refresh token is spent', async () => {
    const u = await registerUser(http)
    const first = await http.post('/v1/auth/refresh', { refreshToken: u.refreshToken })
    expect(first.status).toBe(200)
    expect(first.body.refreshToken).not.toBe(u.refreshToken)
    const me = await http.get('/v1/users/me', { token: first.body.accessToken })
    expect(me.body.id).toBe(u.id)

    const second = await http.post('/v1/auth/refresh', { refreshToken: first.body.refreshToken })
    expect(second.status).toBe(200)
  })

  test('reusing a spent token revokes the whole family', async () => {
    const u = await registerUser(http)
    const rotated = await http.post('/v1/auth/refresh', { refreshToken: u.refreshToken })
    expect(rotated.status).toBe(200)

    const reuse = await http.post('/v1/auth/refresh', { refreshToken: u.refreshToken })
    expect(reuse.status).toBe(401)
    expect(reuse.body.error.code).toBe('refresh_token_reused')

    // The legitimate holder's newer token is dead too: the thief's copy and ours go together.
    const next = await http.post('/v1/auth/refresh', { refreshToken: rotated.body.refreshToken })
    expect(next.status).toBe(401)

    // Other sessions of the same user are untouched.
    const other = await http.post('/v1/auth/login', { login: u.username, password: u.password })
    const otherRefresh = await http.post('/v1/auth/refresh', { refreshToken: other.body.refreshToken })
    expect(otherRefresh.status).toBe(200)
  })

  test('two concurrent refreshes with one token: at most one wins', async () => {
    const u = await registerUser(http)
    const results = await Promise.all([
      http.post('/v1/auth/refresh', { refreshToken: u.refreshToken }),
      http.post('/v1/auth/refresh', { refreshToken: u.refreshToken }),
    ])
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1)
    expect(results.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1)
  })

  test('a reuse racing the winning refresh still revokes the token the winner was given', async () => {
    for (let round = 0; round < 10; round++) {
      const u = await registerUser(http)
      const results = await Promise.all(Array.from({ length: 4 }, () => http.post('/v1/auth/refresh', { refreshToken: u.refreshToken })))
      expect(results.some((r) => r.body?.error?.code === 'refresh_token_reused')).toBe(true)
      for (const won of results.filter((r) => r.status === 200)) {
        const next = await http.post('/v1/auth/refresh', { refreshToken: won.body.refreshToken })
        expect(next.status).toBe(401)
      }
    }
  })

  test('a logout racing a refresh of the same session ends the token that refresh gave out too', async () => {
    for (let round = 0; round < 10; round++) {
      const u = await registerUser(http)
      const [refreshed, out] = await Promise.all([
        http.post('/v1/auth/refresh', { refreshToken: u.refreshToken }),
        http.post('/v1/auth/logout', { refreshToken: u.refreshToken }),
      ])
      expect(out.status).toBe(204)
      if (refreshed.status !== 200) continue
      expect((await http.post('/v1/auth/refresh', { refreshToken: refreshed.body.refreshToken })).status).toBe(401)
    }
  })

  test('unknown or garbage refresh token -> 401', async () => {
    const res = await http.post('/v1/auth/refresh', { refreshToken: 'not-a-token' })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('unauthorized')
  })

  test('logout ends the session: its refresh token no longer works', async () => {
    const u = await registerUser(http)
    const out = await http.post('/v1/auth/logout', { refreshToken: u.refreshToken })
    expect(out.status).toBe(204)
    const res = await http.post('/v1/auth/refresh', { refreshToken: u.refreshToken })
    expect(res.status).toBe(401)
  })

  test('an expired refresh token -> 401 token_expired', async () => {
    const u = await registerUser(http)
    const { refreshTokens } = await import('../../../src/db/schema')
    await app.res.db.update(refreshTokens).set({ expiresAt: new Date(Date.now() - 1000) })
    const res = await http.post('/v1/auth/refresh', { refreshToken: u.refreshToken })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('token_expired')
  })
})

describe('access token security', () => {
  const sign = async (key: CryptoKey, claims: Record<string, unknown>, exp: string | number, kid = app.res.keys.kid) =>
    new SignJWT({ sid: 'x', ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuer(app.res.config.jwt.issuer)
      .setAudience(app.res.config.jwt.audience)
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(key)

  test('no token -> 401', async () => {
    const res = await http.get('/v1/users/me')
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('unauthorized')
  })

  test('not a bearer header -> 401', async () => {
    const u = await registerUser(http)
    const res = await http.get('/v1/users/me', { headers: { authorization: `Token ${u.accessToken}` } })
    expect(res.status).toBe(401)
  })

  test('tampered payload -> 401', async () => {
    const u = await registerUser(http)
    const victim = await registerUser(http)
    const [h, p, s] = u.accessToken.split('.')
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString())
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: victim.id })).toString('base64url')
    const res = await http.get('/v1/users/me', { token: `${h}.${forged}.${s}` })
    expect(res.status).toBe(401)
  })

  test('alg none -> 401', async () => {
    const u = await registerUser(http)
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    const payload = u.accessToken.split('.')[1]
    const res = await http.get('/v1/users/me', { token: `${header}.${payload}.` })
    expect(res.status).toBe(401)
  })

  test('HS256 signed with the public key as secret -> 401', async () => {
    const u = await registerUser(http)
    const secret = new TextEncoder().encode(JSON.stringify(app.res.keys.publicJwk))
    const token = await new SignJWT({ sid: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(u.id)
      .setIssuer(app.res.config.jwt.issuer)
      .setAudience(app.res.config.jwt.audience)
      .setExpirationTime('5m')
      .sign(secret)
    expect((await http.get('/v1/users/me', { token })).status).toBe(401)
  })

  test('expired -> 401 token_expired', async () => {
    const u = await registerUser(http)
    const token = await sign(app.res.keys.privateKey, { sub: u.id }, Math.floor(Date.now() / 1000) - 60)
    const res = await http.get('/v1/users/me', { token })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('token_expired')
  })

  test('signed by another key (same kid) -> 401', async () => {
    const u = await registerUser(http)
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const token = await sign(other.privateKey, { sub: u.id }, '5m')
    expect((await http.get('/v1/users/me', { token })).status).toBe(401)
    // And the server's own key does accept the same claims: the refusal is about the key.
    const good = await sign(app.res.keys.privateKey, { sub: u.id }, '5m')
    expect((await http.get('/v1/users/me', { token: good })).status).toBe(200)
  })

  test('another issuer or audience -> 401', async () => {
    const u = await registerUser(http)
    const token = await new SignJWT({ sid: 'x' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject(u.id)
      .setIssuer('someone-else')
      .setAudience(app.res.config.jwt.audience)
      .setExpirationTime('5m')
      .sign(app.res.keys.privateKey)
    expect((await http.get('/v1/users/me', { token })).status).toBe(401)
  })

  test('the public JWKS carries no private part', async () => {
    const jwk = await exportJWK(app.res.keys.publicKey)
    expect(jwk).not.toHaveProperty('d')
  })
})

describe('failed logins per account', async () => {
  const limited = await startTestApp({ RATE_LOGIN_FAILURES: '3/900' })
  test('count once per account, whether the login names its username or its email', async () => {
    const u = await registerUser(limited.http)
    const email = `${u.username.toLowerCase()}@example.test`
    for (const login of [u.username, email, u.username]) {
      expect((await limited.http.post('/v1/auth/login', { login, password: 'wrong guess' })).status).toBe(401)
    }
    const locked = await limited.http.post('/v1/auth/login', { login: email, password: u.password })
    expect(locked.status).toBe(429)
  })
})

import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { startTestApp } from '../helpers/app'
import { registerUser } from '../helpers/http'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp({ RATE_AUTH_PER_IP: '3/60', RATE_LOGIN_FAILURES: '3/900' })
const { http } = app
const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } })

describe('auth rate limits', () => {
  test('per IP: the fourth attempt in the window gets 429 with Retry-After; other IPs are unaffected', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await http.post('/v1/auth/login', { login: `nobody${i}`, password: 'whatever1' }, from('10.0.0.1'))
      expect(res.status).toBe(401)
    }
    const limited = await http.post('/v1/auth/register', { username: 'late_user', email: 'late@example.test', password: 'long enough' }, from('10.0.0.1'))
    expect(limited.status).toBe(429)
    expect(limited.body.error.code).toBe('rate_limited')
    const retryAfter = Number(limited.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)
    // Nothing was created by the refused request.
    const again = await http.post('/v1/auth/register', { username: 'late_user', email: 'late@example.test', password: 'long enough' }, from('10.0.0.2'))
    expect(again.status).toBe(201)
  })

  test('per account: failed logins lock the account even from many IPs, and only that account', async () => {
    const victim = await registerUser(http, 'victim_user')
    const bystander = await registerUser(http, 'bystander')
    for (let i = 0; i < 3; i++) {
      const res = await http.post('/v1/auth/login', { login: 'victim_user', password: 'wrong guess' }, from(`10.1.0.${i}`))
      expect(res.status).toBe(401)
    }
    const locked = await http.post('/v1/auth/login', { login: 'VICTIM_USER', password: victim.password }, from('10.1.0.99'))
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)

    const other = await http.post('/v1/auth/login', { login: 'bystander', password: bystander.password }, from('10.1.0.98'))
    expect(other.status).toBe(200)
  })

  test('a successful login clears the failure count', async () => {
    const u = await registerUser(http, 'forgetful')
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) {
        await http.post('/v1/auth/login', { login: 'forgetful', password: 'wrong guess' }, from(`10.2.${round}.${i}`))
      }
      const ok = await http.post('/v1/auth/login', { login: 'forgetful', password: u.password }, from(`10.2.${round}.9`))
      expect(ok.status).toBe(200)
    }
  })

  test('counters live under this app\'s Redis prefix', async () => {
    const keys = await app.res.redis.client.keys(`${app.res.config.redisPrefix}rl:*`)
    expect(keys.length).toBeGreaterThan(0)
  })
})

describe('without a trusted proxy', async () => {
  const direct = await startTestApp({ RATE_AUTH_PER_IP: '2/60', TRUST_PROXY: 'false' })
  test('a spoofed X-Forwarded-For does not buy a fresh bucket', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const res = await direct.http.post('/v1/auth/login', { login: 'x_user', password: 'whatever1' }, from(`203.0.113.${i}`))
      statuses.push(res.status)
    }
    expect(statuses).toEqual([401, 401, 429])
  })
})

describe('per-user request budgets', () => {
  test('reads have their own budget: past it a GET is 429 with Retry-After, writes still go, other users unaffected', async () => {
    const limited = await startTestApp({ RATE_READS_PER_USER: '5/60' })
    try {
      const [reader, other] = [await registerUser(limited.http), await registerUser(limited.http)]
      for (let i = 0; i < 5; i++) expect((await limited.http.get('/v1/communities', { token: reader.accessToken })).status).toBe(200)
      const refused = await limited.http.get('/v1/communities', { token: reader.accessToken })
      expect([refused.status, refused.body.error.code]).toEqual([429, 'rate_limited'])
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect((await limited.http.post('/v1/communities', { name: 'Still writing' }, { token: reader.accessToken })).status).toBe(201)
      expect((await limited.http.get('/v1/communities', { token: other.accessToken })).status).toBe(200)
    } finally {
      await limited.stop()
    }
  })
})

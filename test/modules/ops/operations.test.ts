import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { startTestApp } from '../../helpers/app'
import { registerUser } from '../../helpers/http'
import { createLogger } from '../../../src/lib/log'
import { eq } from 'drizzle-orm'
import { users } from '../../../src/db/schema'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp()
const { http } = app

describe('operations', () => {
  test('/health answers while the process runs', async () => {
    const res = await http.get('/health')
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('ok')
  })

  test('/ready reports both dependencies up', async () => {
    const res = await http.get('/ready')
    expect(res.status).toBe(200)
    expect(res.body.checks).toEqual({ postgres: 'up', redis: 'up' })
  })

  test('/metrics has the request histogram by route and status, and process metrics', async () => {
    await http.get('/v1/users/me')
    const res = await http.get('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain')
    expect(res.body).toContain('hearth_http_request_duration_seconds_bucket')
    expect(res.body).toMatch(/hearth_http_request_duration_seconds_count\{[^}]*route="\/v1\/users\/me"[^}]*status="401"/)
    expect(res.body).toContain('process_cpu_seconds_total')
  })

  test('every response carries a request id, and errors repeat it in the body', async () => {
    const ok = await http.get('/health')
    expect(ok.headers.get('x-request-id')).toBeTruthy()
    const err = await http.get('/v1/users/me')
    expect(err.headers.get('x-request-id')).toBe(err.body.error.requestId)
    const echoed = await http.get('/health', { headers: { 'x-request-id': 'trace-abc.123' } })
    expect(echoed.headers.get('x-request-id')).toBe('trace-abc.123')
    const unsafe = await http.get('/health', { headers: { 'x-request-id': 'bad id with spaces' } })
    expect(unsafe.headers.get('x-request-id')).not.toBe('bad id with spaces')
  })

  test('an unknown route is a 404 in the error shape', async () => {
    const res = await http.get('/v1/nothing-here')
    expect(res.status).toBe(404)
    expect(res.body.error).toMatchObject({ code: 'route_not_found' })
    expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message', 'requestId'])
  })
})

describe('GET /cluster', () => {
  test("the node's view of the cluster is for platform admins only", async () => {
    expect((await http.get('/cluster')).status).toBe(401)
    const someone = await registerUser(http)
    expect((await http.get('/cluster', { token: someone.accessToken })).status).toBe(403)
    await app.res.db.update(users).set({ isPlatformAdmin: true }).where(eq(users.id, someone.id))
    const res = await http.get('/cluster', { token: someone.accessToken })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ mode: 'off', members: [] })
  })
})

describe('OpenAPI', () => {
  test('/swagger/json lists every route the app serves, with schemas', async () => {
    const res = await http.get('/swagger/json')
    expect(res.status).toBe(200)
    const paths = res.body.paths as Record<string, Record<string, unknown>>
    const served = (await import('../../../src/app')).createApp(app.hearth).routes
      // The docs themselves, the queue dashboard's own UI API (third-party, admins only) and the web app's pages are not operations.
      .filter((r) => !r.path.startsWith('/swagger') && !r.path.startsWith('/admin/queues') && r.path !== '/app' && !r.path.startsWith('/app/'))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
    expect(served.length).toBeGreaterThan(8)
    for (const route of served) {
      const [method, path] = route.split(' ') as [string, string]
      expect(paths[path]?.[method], route).toBeDefined()
    }
    const register = paths['/v1/auth/register']!.post as any
    expect(register.requestBody.content['application/json'].schema.properties).toHaveProperty('username')
  })

  test('/swagger serves the UI', async () => {
    const res = await http.get('/swagger')
    expect(res.status).toBe(200)
    expect(String(res.body)).toContain('<html')
  })
})

describe('request log', () => {
  test('one JSON line per request with method, route, status, ms and requestId', async () => {
    const lines: Record<string, unknown>[] = []
    const log = createLogger('info', {}, (line) => lines.push(JSON.parse(line)))
    const logged = await startTestApp({}, { log })
    const u = await registerUser(logged.http)
    const me = await logged.http.get('/v1/users/me', { token: u.accessToken })
    await Bun.sleep(20) // the line is written after the response is sent
    const line = lines.find((l) => l.requestId === me.headers.get('x-request-id'))
    expect(line).toMatchObject({ msg: 'request', method: 'GET', route: '/v1/users/me', status: 200 })
    expect(typeof line!.ms).toBe('number')
    const register = lines.find((l) => l.route === '/v1/auth/register')
    expect(register).toMatchObject({ status: 201 })
    // A WebSocket upgrade is logged as what it was: 101.
    const ws = new WebSocket(`${logged.wsUrl}/ws?token=${u.accessToken}`)
    await new Promise((resolve) => (ws.onopen = resolve))
    ws.close()
    await Bun.sleep(20)
    expect(lines.find((l) => l.route === '/ws')).toMatchObject({ method: 'GET', status: 101 })
  })
})

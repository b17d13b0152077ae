// The findings of the outside fuzzing (issue: one WebSocket frame stops a node), one case
// each; test/fuzz.test.ts covers every route and op in bulk.
import { describe, expect, test } from 'bun:test'
import { toAppError } from '../../src/lib/error-mapping'
import { createLogger } from '../../src/lib/log'
import { failedQuery } from '../../src/lib/pg-errors'
import { startTestApp, type TestApp } from '../helpers/app'
import { newCommunity, type World } from '../helpers/community'
import { registerUser } from '../helpers/http'
import { WsClient } from '../helpers/ws'

const app: TestApp = await startTestApp()
const w: World = await newCommunity(app.http)
const room: { id: string } = await w.room('general')
const message: { id: string } = (await app.http.post(`/v1/rooms/${room.id}/messages`, { body: 'hi', nonce: 'h1' }, w.as(w.owner))).body

const shaped = (body: any) => typeof body?.error?.code === 'string' && typeof body.error.message === 'string' && typeof body.error.requestId === 'string'

describe('a WebSocket frame cannot stop the node', () => {
  test.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'])(
    'op %p is an unknown op, and the socket goes on',
    async (name) => {
      const ws = await WsClient.open(app.wsUrl, w.owner.accessToken)
      ws.send({ op: name, id: '1' })
      const answer = await ws.next((f) => f.id === '1')
      expect(answer).toMatchObject({ op: 'error', code: 'bad_request' })
      expect((await ws.request('ping')).op).toBe('pong')
      ws.close()
    },
  )

  test('an op that fails unexpectedly is an internal_error frame, logged and counted in /metrics', async () => {
    const ws = await WsClient.open(app.wsUrl, w.owner.accessToken)
    // A bug stands in for every failure nobody foresaw: the service throws a plain TypeError.
    const messages = app.hearth.api('messages')
    const original = messages.prepareSend
    messages.prepareSend = () => Promise.reject(new TypeError('a bug'))
    try {
      const answer = await ws.request('send', { roomId: room.id, nonce: 'bug', body: 'x' })
      expect(answer).toMatchObject({ op: 'error', code: 'internal_error' })
    } finally {
      messages.prepareSend = original
    }
    expect((await ws.request('ping')).op).toBe('pong')
    const metrics = await (await fetch(`${app.url}/metrics`)).text()
    expect(metrics).toMatch(/hearth_errors_total\{[^}]*where="ws_op"[^}]*\} 1/)
    ws.close()
  })

  test('a lone surrogate in a frame is refused naming the field', async () => {
    const ws = await WsClient.open(app.wsUrl, w.owner.accessToken)
    ws.send('{"op":"send","id":"s1","roomId":"' + room.id + '","nonce":"n","body":"a\\ud800b"}')
    const answer = await ws.next((f) => f.op === 'error')
    expect(answer).toMatchObject({ code: 'validation_failed' })
    expect(answer.message).toContain('/body')
    ws.close()
  })

  test('a NUL in an edit over WebSocket is refused', async () => {
    const ws = await WsClient.open(app.wsUrl, w.owner.accessToken)
    const answer = await ws.request('edit', { messageId: message.id, body: 'a\u0000b' })
    expect(answer).toMatchObject({ op: 'error', code: 'validation_failed' })
    expect((await app.http.get(`/v1/messages/${message.id}`, w.as(w.owner))).body.body).toBe('hi')
    ws.close()
  })
})

describe('malformed bodies are 4xx with the error shape', () => {
  test('a login that is an object with a toString field is a 422 naming it', async () => {
    const res = await app.http.post('/v1/auth/login', { login: { toString: 1 }, password: 'x' })
    expect([res.status, res.body.error.details[0].path]).toEqual([422, '/login/toString'])
  })

  test('a body nested 5000 levels deep without a token is a 401 on a signed-in route', async () => {
    const res = await app.http.request('POST', '/v1/communities', undefined, { raw: '{"name":' + '['.repeat(5000) + ']'.repeat(5000) + '}' })
    expect([res.status, res.body.error.code]).toEqual([401, 'unauthorized'])
  })

  test('a body nested 5000 levels deep is a 422 on a public route', async () => {
    const res = await app.http.request('POST', '/v1/auth/login', undefined, { raw: '{"login":' + '['.repeat(5000) + ']'.repeat(5000) + '}' })
    expect([res.status, res.body.error.code]).toEqual([422, 'validation_failed'])
  })

  test('a body that is not JSON, without a token, is a 401 (the body is not read)', async () => {
    const res = await app.http.request('POST', '/v1/communities', undefined, { raw: '{"name":' })
    expect(res.status).toBe(401)
  })

  test('a body that is not JSON is a 400', async () => {
    const res = await app.http.request('POST', '/v1/communities', undefined, { raw: '{"name":', ...w.as(w.owner) })
    expect([res.status, res.body.error.code]).toEqual([400, 'malformed_body'])
  })

  test('a body that is not JSON by its content type is a 415', async () => {
    const res = await app.http.request('POST', '/v1/communities', undefined, { raw: 'name=x', headers: { 'content-type': 'text/plain' }, ...w.as(w.owner) })
    expect([res.status, res.body.error.code]).toEqual([415, 'unsupported_media_type'])
  })
})

describe('NUL and lone surrogates are refused with 422 naming the field, and change nothing', () => {
  const nul = 'a\u0000b'
  const cases: [string, () => [string, string, unknown], string][] = [
    ['login', () => ['POST', '/v1/auth/login', { login: nul, password: 'correct horse battery' }], '/login'],
    ['register email', () => ['POST', '/v1/auth/register', { username: 'nul_user', email: `a${nul}@x.test`, password: 'correct horse battery' }], '/email'],
    ['community name', () => ['POST', '/v1/communities', { name: nul }], '/name'],
    ['group name', () => ['POST', `/v1/communities/${w.id}/groups`, { name: nul }], '/name'],
    ['room name', () => ['POST', `/v1/communities/${w.id}/rooms`, { name: nul }], '/name'],
    ['room topic', () => ['PATCH', `/v1/rooms/${room.id}`, { topic: nul }], '/topic'],
    ['role name', () => ['POST', `/v1/communities/${w.id}/roles`, { name: nul, permissions: [] }], '/name'],
    ['message body', () => ['POST', `/v1/rooms/${room.id}/messages`, { body: nul, nonce: 'nul1' }], '/body'],
    ['message nonce', () => ['POST', `/v1/rooms/${room.id}/messages`, { body: 'x', nonce: nul }], '/nonce'],
    ['edit', () => ['PATCH', `/v1/messages/${message.id}`, { body: nul }], '/body'],
    ['lone surrogate in a body', () => ['POST', `/v1/rooms/${room.id}/messages`, { body: 'a\ud800', nonce: 'sur1' }], '/body'],
  ]
  test.each(cases)('%s', async (_name, make, field) => {
    const before = (await app.http.get(`/v1/rooms/${room.id}/messages`, w.as(w.owner))).body.messages
    const [method, path, body] = make()
    const res = await app.http.request(method, path, body, w.as(w.owner))
    expect([res.status, res.body.error.code, res.body.error.details[0].path]).toEqual([422, 'validation_failed', field])
    expect((await app.http.get(`/v1/rooms/${room.id}/messages`, w.as(w.owner))).body.messages).toEqual(before)
  })

  test('a NUL in a query string is a 422', async () => {
    const res = await app.http.get(`/v1/communities/${w.id}/members?cursor=%00`, w.as(w.owner))
    expect([res.status, res.body.error.code]).toEqual([422, 'validation_failed'])
  })
})

describe('input is validated before SQL', () => {
  test.each(['members', 'audit-log'])('limit=1.5 on %s is a 422, not a 404', async (list) => {
    const res = await app.http.get(`/v1/communities/${w.id}/${list}?limit=1.5`, w.as(w.owner))
    expect([res.status, res.body.error.code, res.body.error.details[0].path]).toEqual([422, 'validation_failed', '/limit'])
  })

  test.each(['0000-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'])('a notification cursor holding %s is a 422', async (time) => {
    const cursor = Buffer.from(`${time}|${crypto.randomUUID()}`).toString('base64url')
    const res = await app.http.get(`/v1/notifications?cursor=${cursor}`, w.as(w.owner))
    expect([res.status, res.body.error.code]).toEqual([422, 'validation_failed'])
  })

  test('a SQL error that reaches the mapper is a 500 (never a 404), and its query is there to log', async () => {
    const { sql } = await import('drizzle-orm')
    const err = await app.res.db.execute(sql`select ${'not-a-uuid'}::uuid as id`).then(() => undefined, (e: unknown) => e)
    expect(err).toBeDefined()
    const mapped = toAppError('UNKNOWN', err, createLogger('silent'))
    expect([mapped.status, mapped.code]).toEqual([500, 'internal_error'])
  })

  test('a failed Drizzle query names its SQL', async () => {
    const { sql } = await import('drizzle-orm')
    const err = await app.res.db.execute(sql`select ${'not-a-uuid'}::uuid as id`).then(() => undefined, (e: unknown) => e)
    expect(failedQuery(err)).toContain('::uuid')
  })
})

describe('too large is a 413 with the error shape', () => {
  test('a declared length over the limit', async () => {
    const res = await app.http.post('/v1/communities', { name: 'x'.repeat(70_000) }, w.as(w.owner))
    expect([res.status, shaped(res.body)]).toEqual([413, true])
  })

  test('a body over 128 KB (Bun refused those bare before)', async () => {
    const res = await app.http.post('/v1/communities', { name: 'x'.repeat(200_000) }, w.as(w.owner))
    expect([res.status, shaped(res.body)]).toEqual([413, true])
  })

  test('a chunked body without Content-Length, counted as it is read', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ name: 'x'.repeat(100_000) }))
    const res = await fetch(`${app.url}/v1/communities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.owner.accessToken}`, 'content-type': 'application/json' },
      body: new ReadableStream({ start: (c) => (c.enqueue(bytes), c.close()) }),
    })
    expect([res.status, shaped(await res.json())]).toEqual([413, true])
  })
})

describe('the last line of defence', () => {
  test('an unhandled rejection or a throw in a callback is logged and counted; the process keeps running', async () => {
    const root = new URL('../..', import.meta.url).pathname
    const script = `
      import { installLastResort } from './src/lib/last-resort'
      import { createLogger } from './src/lib/log'
      import { Metrics } from './src/lib/metrics'
      const metrics = new Metrics({ nodeId: 't' })
      installLastResort({ log: createLogger('info'), metrics })
      void Promise.reject(new Error('nobody caught me'))
      setTimeout(() => { throw new Error('thrown in a timer') }, 5)
      setTimeout(async () => { console.log((await metrics.registry.metrics()).split('\\n').filter((l) => l.startsWith('hearth_errors_total')).join(';')); process.exit(0) }, 100)
    `
    const proc = Bun.spawn(['bun', '-e', script], { cwd: root, stdout: 'pipe', stderr: 'pipe' })
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    expect(code).toBe(0)
    expect(out).toMatch(/where="unhandled_rejection"[^}]*\} 1/)
    expect(out).toMatch(/where="uncaught_exception"[^}]*\} 1/)
    const lines = err.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.map((l) => l.msg)).toEqual(['unhandled rejection (the process keeps running)', 'uncaught exception (the process keeps running)'])
    expect(lines[0].error.message).toBe('nobody caught me')
  })

  test('a refused registration leaves no account behind', async () => {
    const res = await app.http.post('/v1/auth/register', { username: 'ghost\u0000', email: 'ghost@x.test', password: 'correct horse battery' })
    expect(res.status).toBe(422)
    const again = await registerUser(app.http, 'ghost')
    expect(again.username).toBe('ghost')
  })
})

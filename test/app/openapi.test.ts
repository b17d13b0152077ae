// The OpenAPI document as a newcomer's tools see it: a third-party linter accepts it,
// openapi-typescript generates types from it with no hand edits, and a client written
// against those types (openapi-fetch) type-checks, errors typed included.
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestApp } from '../helpers/app'
import { operationsOf } from '../helpers/openapi'

const root = new URL('../..', import.meta.url).pathname
const bin = (name: string) => join(root, 'node_modules/.bin', name)
const app = await startTestApp()
const dir = await mkdtemp(join(tmpdir(), 'hearth-openapi-'))
afterAll(() => rm(dir, { recursive: true, force: true }))
const doc = (await app.http.get('/swagger/json')).body
await Bun.write(join(dir, 'openapi.json'), JSON.stringify(doc))

async function run(cmd: string[], cwd = dir) {
  const proc = Bun.spawn(cmd, { cwd, stdout: 'pipe', stderr: 'pipe', env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off' } })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, output: out + err }
}

describe('the OpenAPI document', () => {
  test('Redocly lint finds no error', async () => {
    const { code, output } = await run([bin('redocly'), 'lint', 'openapi.json', '--format', 'stylish'])
    expect(output).not.toContain(' error ')
    expect(code).toBe(0)
  }, 60_000)

  test('openapi-typescript generates types, and a typed client using them (errors too) type-checks', async () => {
    const generated = await run([bin('openapi-typescript'), 'openapi.json', '-o', 'api.d.ts'])
    expect(generated.code).toBe(0)
    await Bun.write(
      join(dir, 'client.ts'),
      `import createClient from '${join(root, 'node_modules/openapi-fetch')}'
import type { paths } from './api'
const client = createClient<paths>({ baseUrl: 'http://localhost:3000' })
export async function use(roomId: string) {
  const me = await client.GET('/v1/users/me')
  if (me.error) { const code: string = me.error.error.code; return code }
  const name: string = me.data.username
  const sent = await client.POST('/v1/rooms/{id}/messages', { params: { path: { id: roomId } }, body: { body: 'hi', nonce: 'n1' } })
  if (sent.error) { const requestId: string = sent.error.error.requestId; return requestId }
  const seq: number = sent.data.seq
  const history = await client.GET('/v1/rooms/{id}/messages', { params: { path: { id: roomId }, query: { limit: 10 } } })
  const gone = await client.DELETE('/v1/messages/{id}', { params: { path: { id: 'x' } } })
  if (gone.error) return gone.error.error.message
  return [name, seq, history.data?.messages.length]
}
`,
    )
    await Bun.write(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'esnext', moduleResolution: 'bundler', target: 'es2022', skipLibCheck: true }, files: ['client.ts'] }),
    )
    const checked = await run([bin('tsc'), '-p', 'tsconfig.json'])
    expect(checked.output).toBe('')
    expect(checked.code).toBe(0)
  }, 60_000)

  test('every operation has a summary, a readable operation id, and its error responses in the shared shape', () => {
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        expect(op.summary, `${method} ${path}`).toBeTruthy()
        expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z]+[A-Za-z0-9]*$/)
        expect(op.responses['503'].$ref, `${method} ${path}`).toBe('#/components/responses/Error503')
      }
    }
    expect(doc.components.schemas.Error.properties.error.required).toEqual(['code', 'message', 'requestId'])
    expect(doc.servers).toHaveLength(1)
  })

  test('numbers are numbers: a seq, a limit, a count', () => {
    const history = doc.paths['/v1/rooms/{id}/messages'].get
    const limit = history.parameters.find((p: any) => p.name === 'limit').schema
    expect([limit.type, limit.default]).toEqual(['integer', undefined])
    const read = doc.paths['/v1/rooms/{id}/read'].post.requestBody.content['application/json'].schema
    expect(read.properties.seq.type).toBe('integer')
  })

  test('answers of 204 are declared', () => {
    expect(Object.keys(doc.paths['/v1/messages/{id}'].delete.responses)).toContain('204')
  })

  test('signed-in operations list 401, those with ids 404, those with bodies 422', () => {
    for (const op of operationsOf(doc)) {
      const responses = doc.paths[op.path][op.method.toLowerCase()].responses
      if (op.security) expect(responses['401'], `${op.method} ${op.path}`).toBeDefined()
      if (op.pathParams.length) expect(responses['404'], `${op.method} ${op.path}`).toBeDefined()
      if (op.body) expect(responses['422'], `${op.method} ${op.path}`).toBeDefined()
    }
  })
})

describe('the docs page', () => {
  test.each(['/swagger', '/swagger/'])('%s loads Swagger UI from this server, not a CDN', async (path) => {
    const page = await app.http.get(path)
    expect(page.status).toBe(200)
    const html = String(page.body)
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).toContain("url: '/swagger/json'")
    for (const asset of html.match(/\/swagger\/assets\/[\w.-]+/g) ?? []) {
      expect((await fetch(app.url + asset)).status, asset).toBe(200)
    }
  })
})

describe('a wrong method', () => {
  test('on an existing path is a 405 naming the allowed ones', async () => {
    const res = await app.http.request('PATCH', '/v1/auth/login', {})
    expect([res.status, res.body.error.code, res.headers.get('allow')]).toEqual([405, 'method_not_allowed', 'POST'])
  })

  test('on a path with ids, too', async () => {
    const res = await app.http.request('POST', `/v1/messages/${crypto.randomUUID()}`, {})
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')?.split(', ')).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH'])
  })

  test('on no path at all is still a 404', async () => {
    expect((await app.http.get('/v1/nothing-here')).status).toBe(404)
  })
})

describe('validation errors a person can act on', () => {
  const signIn = async () => (await import('../helpers/http')).registerUser(app.http)

  test('a query number names its field and its range', async () => {
    const u = await signIn()
    const res = await app.http.get('/v1/notifications?limit=0', { token: u.accessToken })
    expect([res.status, res.body.error.details[0]]).toEqual([422, { path: '/limit', message: 'must be a whole number from 1 to 100' }])
  })

  test('a choice lists the allowed values', async () => {
    const u = await signIn()
    const res = await app.http.put(`/v1/notifications/mutes/planet/${crypto.randomUUID()}`, { muted: true }, { token: u.accessToken })
    expect(res.body.error.details[0]).toEqual({ path: '/kind', message: 'must be one of: "room", "group", "community"' })
  })

  test('a bad id says it wants an id, and shows no regular expression', async () => {
    const u = await signIn()
    const res = await app.http.get('/v1/rooms/NOT-AN-ID', { token: u.accessToken })
    expect(res.body.error.details[0]).toEqual({ path: '/id', message: 'must be an id (a lower-case UUID)' })
    expect(res.body.error.message).not.toContain('^')
  })

  test('over the WebSocket too: presence lists its statuses', async () => {
    const { WsClient } = await import('../helpers/ws')
    const u = await signIn()
    const ws = await WsClient.open(app.wsUrl, u.accessToken)
    const answer = await ws.request('presence', { status: 'invisible' })
    expect(answer.message).toBe('presence: /status must be one of: "online", "idle", "dnd"')
    ws.close()
  })
})

describe('the document knows what each route answers', () => {
  test('every route that answers 204 declares it (src/modules, src/cluster)', async () => {
    const { Glob } = await import('bun')
    const missing: string[] = []
    for await (const file of new Glob('src/{modules/**,cluster}/*.ts').scan(root)) {
      const text = await Bun.file(join(root, file)).text()
      const answers = text.match(/status\(204\b/g)?.length ?? 0
      const declared = text.match(/204: NoContent/g)?.length ?? 0
      if (answers !== declared) missing.push(`${file}: ${answers} answer 204, ${declared} declare it`)
    }
    expect(missing).toEqual([])
  })

  test('every operation says what its success looks like', () => {
    const bare: string[] = []
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const success = Object.entries<any>(op.responses).filter(([status]) => status.startsWith('2') || status === '101')
        if (!success.some(([status, r]) => status === '204' || status === '101' || r.content?.['application/json']?.schema || r.content?.['text/plain'] || r.content?.['text/calendar'] || r.content?.['text/csv'])) {
          bare.push(`${method.toUpperCase()} ${path}`)
        }
      }
    }
    expect(bare).toEqual([])
  })
})

// The client's REST types are the server's: client/src/openapi.d.ts is generated from the
// OpenAPI document the app serves (this test fails when it is stale; regenerate with
// `bun run client:types`), and a change to a route's schema that the client depends on
// fails the client's type check (shown here by changing the document and checking again).
import { afterAll, describe, expect, test } from 'bun:test'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import openapiTS, { astToString } from 'openapi-typescript'
import { startTestApp } from '../helpers/app'

const root = new URL('../..', import.meta.url).pathname
const committedPath = join(root, 'client/src/openapi.d.ts')
const HEADER = `// Generated from the OpenAPI document Hearth serves at /swagger/json (openapi-typescript).
// Do not edit: \`bun run client:types\` rewrites it; test/client/openapi-types.test.ts fails while it is stale.

`

const app = await startTestApp()
const served = (await app.http.get('/swagger/json')).body
const dirs: string[] = []
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

async function typesOf(doc: unknown): Promise<string> {
  return HEADER + astToString(await openapiTS(doc as never))
}

/** Type-checks a copy of client/src whose openapi.d.ts is generated from `doc`: tsc's output. */
async function checkClientAgainst(doc: unknown): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-client-types-'))
  dirs.push(dir)
  await cp(join(root, 'client/src'), join(dir, 'src'), { recursive: true })
  await Bun.write(join(dir, 'src/openapi.d.ts'), await typesOf(doc))
  const config = JSON.parse((await Bun.file(join(root, 'client/tsconfig.json')).text()).replace(/^\s*\/\/.*$/gm, ''))
  config.compilerOptions.paths = { 'openapi-fetch': [join(root, 'node_modules/openapi-fetch')] }
  await Bun.write(join(dir, 'tsconfig.json'), JSON.stringify(config))
  const proc = Bun.spawn([join(root, 'node_modules/.bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, output: out + err }
}

const changed = (edit: (doc: any) => void) => {
  const doc = structuredClone(served)
  edit(doc)
  return doc
}
const historyItem = (doc: any) => doc.paths['/v1/rooms/{id}/messages'].get.responses['200'].content['application/json'].schema.properties.messages.items

describe('client/src/openapi.d.ts', () => {
  test('is what the served document generates (bun run client:types when this fails)', async () => {
    const fresh = await typesOf(served)
    if (process.env.UPDATE_CLIENT_TYPES) await Bun.write(committedPath, fresh)
    expect(await Bun.file(committedPath).text()).toBe(fresh)
  }, 60_000)
})

describe("the client's type check", () => {
  test('passes against the served document', async () => {
    const { code, output } = await checkClientAgainst(served)
    expect(output).toBe('')
    expect(code).toBe(0)
  }, 60_000)

  test('fails when a message seq the client orders by becomes a string', async () => {
    const { code, output } = await checkClientAgainst(changed((doc) => (historyItem(doc).properties.seq = { type: 'string' })))
    expect(code).not.toBe(0)
    expect(output).toContain('src/room-feed.ts')
  }, 60_000)

  test('fails when the refresh answer renames accessToken', async () => {
    const { code, output } = await checkClientAgainst(
      changed((doc) => {
        const schema = doc.paths['/v1/auth/refresh'].post.responses['200'].content['application/json'].schema
        schema.properties.access_token = schema.properties.accessToken
        delete schema.properties.accessToken
        schema.required = schema.required.map((name: string) => (name === 'accessToken' ? 'access_token' : name))
      }),
    )
    expect(code).not.toBe(0)
    expect(output).toContain('src/auth.ts')
  }, 60_000)

  test('fails when the history route the gap fill pages is gone', async () => {
    const { code, output } = await checkClientAgainst(changed((doc) => delete doc.paths['/v1/rooms/{id}/messages'].get))
    expect(code).not.toBe(0)
    expect(output).toContain('src/realtime.ts')
  }, 60_000)
})

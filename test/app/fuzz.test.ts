// Fuzzes a real Hearth process from outside, as an attacker with an ordinary account (and
// without one) would: every operation of the served OpenAPI document and every WebSocket op,
// with malformed and edge-case input. Any 5xx, any error body not in the contract's shape,
// any process exit, or any "last line of defence" log line fails it. Seeded (FUZZ_SEED) and
// bounded; routes and ops added later are fuzzed because they are read from the server.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Subprocess } from 'bun'
import { exportPKCS8, generateKeyPair } from 'jose'
import { openDatabase } from '../../src/db/client'
import { ClientOps } from '../../src/realtime/protocol'
import { createTestDatabase, TEST_REDIS_URL } from '../helpers/app'
import { fixtureFor, makeFixtures } from '../helpers/fixtures'
import { HttpClient } from '../helpers/http'
import { operationsOf, sample, type Operation } from '../helpers/openapi'
import { seeded } from '../helpers/random'
import { childEnv, freePort } from '../helpers/process'
import { WsClient } from '../helpers/ws'

const SEED = Number(process.env.FUZZ_SEED ?? 20261128)
const random = seeded(SEED)
const root = new URL('../..', import.meta.url).pathname

let proc: Subprocess<'ignore', 'ignore', 'pipe'>
let url: string
let http: HttpClient
let stderr = ''
let dropDatabase: () => Promise<void>
const fixtures: Record<string, string> = {}
let ownerToken: string
let outsiderToken: string

/** Failures found, each with what was sent, so one run names every problem at once. */
const failures: string[] = []

beforeAll(async () => {
  const database = await createTestDatabase()
  dropDatabase = database.drop
  const handle = await openDatabase({ url: database.url, dataDir: '', poolSize: 1 })
  await handle.migrate()
  await handle.close()
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const port = freePort()
  const many = '1000000/60'
  proc = Bun.spawn(['bun', 'src/main.ts'], {
    cwd: root,
    env: childEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `test:fuzz:${crypto.randomUUID().slice(0, 8)}:`,
      JWT_PRIVATE_KEY: await exportPKCS8(privateKey),
      DATA_DIR: `/tmp/hearth-fuzz-${port}`,
      LOG_LEVEL: 'warn',
      PASSWORD_MEMORY_KIB: '1024',
      JOB_WORKERS: '1',
      RATE_AUTH_PER_IP: many,
      RATE_LOGIN_FAILURES: many,
      RATE_WRITES_PER_USER: many,
      RATE_READS_PER_USER: many,
      WS_RATE_LIMIT: '1000000/10',
      WS_MAX_VIOLATIONS: '100000',
    }),
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'pipe',
  })
  void (async () => {
    const decoder = new TextDecoder()
    for await (const chunk of proc.stderr) stderr += decoder.decode(chunk)
  })()
  url = `http://127.0.0.1:${port}`
  http = new HttpClient(url)
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) break
    if (proc.exitCode !== null) throw new Error(`hearth exited at start: ${stderr}`)
    await Bun.sleep(100)
  }
  await makeFixturesFor()
}, 60_000)

afterAll(async () => {
  proc?.kill('SIGTERM')
  await proc?.exited
  await dropDatabase?.()
})

/** Real things to point at, so input reaches past the 404s (test/helpers/fixtures.ts). */
async function makeFixturesFor() {
  const fx = await makeFixtures(http)
  ownerToken = fx.owner.accessToken
  outsiderToken = fx.outsider.accessToken
  Object.assign(fixtures, fx.ids)
}

/** The id a path segment or a body field most likely means. */
const idFor = (name: string, before = ''): string => fixtureFor(fixtures, name, before) ?? crypto.randomUUID()

const NASTY_STRINGS = [
  'a\u0000b', // NUL
  'a\ud800b', // lone surrogate
  '\u202eevil\u202c', // RTL override
  'zero\u200bwidth\u200d', // zero-width
  '𝕳𝖊𝖆𝖗𝖙𝖍 🔥👍🏽', // astral
  'x'.repeat(5000),
  '',
  ' ',
  '%00',
  '../../etc/passwd',
  "'; drop table users; --",
]
const NASTY_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, -1e308, 2 ** 63, Number.MAX_SAFE_INTEGER + 2, [], {}, [[[]]], { toString: 1 }, 'text']
const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype']

/** `{"a":[[[…]]]}` nested `n` levels deep. */
const deep = (n: number) => '{"name":' + '['.repeat(n) + ']'.repeat(n) + '}'

interface Case {
  label: string
  path: string
  query?: string
  body?: string
  contentType?: string
  token?: string
}

function fillPath(op: Operation, override?: { name: string; value: string }): string {
  let path = op.path
  for (const param of op.pathParams) {
    const before = path.slice(0, path.indexOf(`{${param.name}}`))
    let value = override?.name === param.name ? override.value : undefined
    if (value === undefined) {
      if (Array.isArray(param.schema?.enum)) value = String(param.schema.enum[0])
      else if (param.name === 'emoji') value = encodeURIComponent('👍')
      else value = idFor(param.name, before)
    }
    path = path.replace(`{${param.name}}`, value)
  }
  return path
}

/** Malformed variants of one valid object, field by field, plus whole-body abuse. */
function bodyVariants(valid: unknown): { label: string; body: string; contentType?: string }[] {
  const out: { label: string; body: string; contentType?: string }[] = [{ label: 'valid', body: JSON.stringify(valid) }]
  if (valid && typeof valid === 'object' && !Array.isArray(valid)) {
    const obj = valid as Record<string, unknown>
    for (const key of Object.keys(obj)) {
      const { [key]: _, ...without } = obj
      out.push({ label: `missing ${key}`, body: JSON.stringify(without) })
      for (const v of [random.pick(NASTY_VALUES), random.pick(NASTY_VALUES)]) {
        out.push({ label: `${key}=${JSON.stringify(v)}`, body: JSON.stringify({ ...obj, [key]: v }) })
      }
      for (const s of NASTY_STRINGS.slice(0, 6)) {
        out.push({ label: `${key}=nasty string`, body: JSON.stringify({ ...obj, [key]: s }) })
      }
      if (Array.isArray(obj[key])) {
        out.push({ label: `${key} huge array`, body: JSON.stringify({ ...obj, [key]: Array(2000).fill(obj[key][0] ?? 'x') }) })
        out.push({ label: `${key} nasty items`, body: JSON.stringify({ ...obj, [key]: ['a\u0000', 'b\udfff', 5, null] }) })
      }
    }
    for (const name of PROTO_NAMES) {
      out.push({ label: `extra ${name}`, body: JSON.stringify(valid).replace(/^\{/, `{"${name}":{"polluted":true},`).replace(',}', '}') })
    }
  }
  out.push(
    { label: 'deep', body: deep(5000) },
    { label: 'not json', body: '{"a":' },
    { label: 'array', body: '[1,2,3]' },
    { label: 'string', body: '"hello"' },
    { label: 'null', body: 'null' },
    { label: 'empty', body: '' },
    { label: 'text body', body: 'name=x', contentType: 'text/plain' },
    { label: 'form body', body: 'name=x', contentType: 'application/x-www-form-urlencoded' },
    { label: 'invalid utf-8', body: '{"name":"\xff\xfe"}' },
    { label: 'too large', body: JSON.stringify({ name: 'x'.repeat(70_000) }) },
  )
  return out
}

function queryVariants(op: Operation): string[] {
  const out: string[] = []
  for (const q of op.query) {
    const values = ['1.5', '-1', '0', '1e309', '99999999999999999999', 'NaN', 'abc', '', '%00', '%ED%A0%80', encodeURIComponent('x'.repeat(3000))]
    if (/cursor/i.test(q.name)) {
      for (const raw of ['0000-01-01T00:00:00.000Z|' + crypto.randomUUID(), '+275760-09-13T00:00:00.000Z|' + crypto.randomUUID(), 'x|y|z', '\u0000|\u0000']) {
        values.push(Buffer.from(raw).toString('base64url'))
      }
    }
    for (const v of values) out.push(`${q.name}=${v}`)
    out.push(`${q.name}=1&${q.name}=2`)
  }
  out.push('__proto__[x]=1', 'constructor=1&toString=2')
  return out
}

function casesFor(op: Operation): Case[] {
  const cases: Case[] = []
  const path = fillPath(op)
  const valid = op.body ? sample(docRef, op.body, (field) => idFor(field)) : undefined
  const auth = [
    { who: 'owner', token: ownerToken },
    { who: 'outsider', token: outsiderToken },
    { who: 'no token', token: undefined },
    { who: 'bad token', token: 'not.a.jwt' },
  ]
  for (const { who, token } of auth) {
    cases.push({ label: `${who} plain`, path, token, ...(valid !== undefined ? { body: JSON.stringify(valid) } : {}) })
    if (op.method !== 'GET') cases.push({ label: `${who} deep body`, path, token, body: deep(5000) })
  }
  for (const param of op.pathParams) {
    for (const value of ['not-a-uuid', crypto.randomUUID().toUpperCase(), crypto.randomUUID(), '%00', '%ED%A0%80', '%', 'x'.repeat(3000), encodeURIComponent('\u202e')]) {
      cases.push({ label: `path ${param.name}=${value.slice(0, 20)}`, path: fillPath(op, { name: param.name, value }), token: ownerToken })
    }
  }
  for (const query of queryVariants(op)) cases.push({ label: `query ${query.slice(0, 40)}`, path, query, token: ownerToken })
  if (op.method !== 'GET') {
    for (const variant of bodyVariants(valid ?? {})) {
      cases.push({ label: `body ${variant.label}`, path, token: ownerToken, body: variant.body, contentType: variant.contentType })
    }
  }
  return cases
}

let docRef: any

async function send(op: Operation, c: Case): Promise<void> {
  const headers: Record<string, string> = {}
  if (c.token) headers.authorization = `Bearer ${c.token}`
  if (c.body !== undefined) headers['content-type'] = c.contentType ?? 'application/json'
  const target = `${url}${c.path}${c.query ? `?${c.query}` : ''}`
  let res: Response
  try {
    res = await fetch(target, { method: op.method, headers, body: c.body })
  } catch (err) {
    failures.push(`${op.method} ${op.path} [${c.label}]: no answer (${String(err)})`)
    return
  }
  const text = await res.text()
  if (res.status >= 500) failures.push(`${op.method} ${op.path} [${c.label}]: ${res.status} ${text.slice(0, 200)}`)
  if (res.status >= 400 && !errorShaped(text)) failures.push(`${op.method} ${op.path} [${c.label}]: ${res.status} not in the error shape: ${text.slice(0, 200)}`)
}

function errorShaped(text: string): boolean {
  try {
    const body = JSON.parse(text)
    const e = body?.error
    return typeof e?.code === 'string' && /^[a-z_]+$/.test(e.code) && typeof e.message === 'string' && typeof e.requestId === 'string'
  } catch {
    return false
  }
}

/** Runs `work` over `items` with `n` in flight. */
async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await work(items[next++]!)
  }))
}

describe(`fuzz (seed ${SEED})`, () => {
  test('every REST operation: no 5xx, every refusal in the error shape, the process stays up', async () => {
    docRef = await (await fetch(`${url}/swagger/json`)).json()
    // Destructive operations last, so the fixtures live as long as possible.
    const weight = (op: Operation) => (op.method === 'DELETE' ? 2 : 0) + (/\/(communities|rooms|groups)\/\{id\}$/.test(op.path) && op.method === 'DELETE' ? 1 : 0)
    const ops = operationsOf(docRef).sort((a, b) => weight(a) - weight(b))
    expect(ops.length).toBeGreaterThan(50)
    const work = ops.flatMap((op) => casesFor(op).map((c) => ({ op, c })))
    const started = performance.now()
    await pool(work, 8, ({ op, c }) => send(op, c))
    console.log(`fuzz: ${work.length} requests over ${ops.length} operations in ${Math.round(performance.now() - started)} ms`)
    expect(proc.exitCode).toBeNull()
    expect(failures).toEqual([])
  }, 120_000)

  test('a chunked body past the limit is a 413 in the error shape', async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ name: 'x'.repeat(100_000) })))
        controller.close()
      },
    })
    const res = await fetch(`${url}/v1/communities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
      body: stream,
    })
    expect(res.status).toBe(413)
    expect(errorShaped(await res.text())).toBe(true)
  })

  test('every WebSocket op with malformed frames: error frames, never internal_error, the socket and the process stay up', async () => {
    const ws = await WsClient.open(url.replace('http', 'ws'), ownerToken)
    const frames: unknown[] = []
    const ops = Object.entries(ClientOps)
    expect(ops.length).toBeGreaterThan(10)
    for (const [name, schema] of ops) {
      const valid = sample({ paths: {} }, schema, (field) => idFor(field)) as Record<string, unknown>
      valid.op = name
      frames.push(valid)
      for (const key of Object.keys(valid).filter((k) => k !== 'op')) {
        const { [key]: _, ...without } = valid
        frames.push(without)
        for (const v of NASTY_VALUES) frames.push({ ...valid, [key]: v })
        for (const s of NASTY_STRINGS) frames.push({ ...valid, [key]: s })
      }
      for (const proto of PROTO_NAMES) frames.push(JSON.stringify(valid).replace(/^\{/, `{"${proto}":{"x":1},`))
      frames.push(JSON.stringify(valid).replace(/^\{/, `{"nest":${deep(2000).slice(8, -1)},`))
    }
    for (const inherited of [...PROTO_NAMES, 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__']) {
      frames.push({ op: inherited, id: '1' })
    }
    frames.push('not json', '[]', 'null', '42', '"op"', '{"op":null}', '{"op":{"toString":1}}', '{"id":{"a":1}}', deep(3000), '{"op":"ping","id":"a\\u0000"}')
    let n = 0
    const ids: string[] = []
    for (const frame of frames) {
      const withId = typeof frame === 'object' && frame !== null ? { id: `f${n++}`, ...(frame as object) } : frame
      // An id the server can echo (an id that is itself bad input is answered without it).
      const id = typeof withId === 'object' && withId !== null ? (withId as { id?: unknown }).id : undefined
      if (typeof id === 'string' && /^[\x20-\x7e]{1,64}$/.test(id)) ids.push(id)
      ws.send(typeof withId === 'string' ? withId : JSON.stringify(withId))
    }
    ws.socket.send(new Uint8Array([0xff, 0xfe, 0x00, 0x7b]))
    const pong = await ws.request('ping', {}, 20_000)
    expect(pong.op).toBe('pong')
    expect(ws.closeCode).toBeUndefined()
    // Every request with an id is answered (ack, error or pong): none was dropped by a failure.
    const answered = () => new Set(ws.frames.filter((f) => f.op !== 'event').map((f) => f.id))
    for (let i = 0; i < 200 && ids.some((id) => !answered().has(id)); i++) await Bun.sleep(50)
    expect(ids.filter((id) => !answered().has(id))).toEqual([])
    const internal = ws.frames.filter((f) => f.op === 'error' && (f.code === 'internal_error' || typeof f.code !== 'string' || typeof f.message !== 'string'))
    expect(internal).toEqual([])
    const codes: Record<string, number> = {}
    for (const f of ws.frames) if (f.op === 'error') codes[f.code] = (codes[f.code] ?? 0) + 1
    console.log(`fuzz: ${frames.length + 1} frames over ${ops.length} ops; refused: ${JSON.stringify(codes)}`)
    ws.close()

    // Too large a frame closes that socket (1009), not the node.
    const big = await WsClient.open(url.replace('http', 'ws'), ownerToken)
    big.send(JSON.stringify({ op: 'ping', id: 'x', pad: 'x'.repeat(40_000) }))
    expect(await big.closed()).toBe(1009)
    expect(proc.exitCode).toBeNull()
  }, 60_000)

  test('afterwards the node answers, and nothing reached a last line of defence', async () => {
    expect(proc.exitCode).toBeNull()
    expect((await fetch(`${url}/ready`)).status).toBe(200)
    await Bun.sleep(200) // log lines are written after responses
    // Our log lines are JSON; anything else on stderr is the runtime printing an error nobody caught.
    const lastResort = stderr.split('\n').filter((line) => {
      if (!line.trim()) return false
      try {
        return JSON.parse(line).level === 'error'
      } catch {
        return true
      }
    })
    expect(lastResort.map((l) => l.slice(0, 400))).toEqual([])
  })
})

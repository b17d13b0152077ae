// docs/api.md, the public contract, kept true: every operation the server serves is in it
// and every path it lists is served; the same for the WebSocket ops (with their fields),
// the error codes (with their statuses) and the push events the code sends. And the
// resume semantics it states, against a real socket.
import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { Glob } from 'bun'
import { errorStatus } from '../../src/lib/errors'
import { ClientOps } from '../../src/realtime/protocol'
import { startTestApp } from '../helpers/app'
import { newCommunity } from '../helpers/community'
import { operationsOf } from '../helpers/openapi'
import { WsClient } from '../helpers/ws'

setDefaultTimeout(20_000)

const root = new URL('../..', import.meta.url).pathname
const page = await Bun.file(`${root}docs/api.md`).text()
const app = await startTestApp()
const openapi = (await app.http.get('/swagger/json')).body

interface Table {
  header: string[]
  rows: string[][]
}

/** The markdown tables of the page (a `\|` inside a cell is a pipe, not a column). */
function tablesOf(markdown: string): Table[] {
  const tables: Table[] = []
  let current: Table | undefined
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      current = undefined
      continue
    }
    const cells = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replaceAll('\\|', '|'))
    if (!current) tables.push((current = { header: cells.map((c) => c.toLowerCase()), rows: [] }))
    else if (!cells.every((c) => /^:?-+:?$/.test(c))) current.rows.push(cells)
  }
  return tables
}

const tables = tablesOf(page)
const rowsUnder = (...header: string[]) => {
  const found = tables.filter((t) => header.every((h, i) => t.header[i] === h))
  expect(found.length, `a table headed | ${header.join(' | ')} |`).toBeGreaterThan(0)
  return found.flatMap((t) => t.rows)
}
/** `name` for each backticked name in a cell. */
const namesIn = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)

/** `/v1/rooms/:id/messages?after=` and `/v1/rooms/{id}/messages` are both `/v1/rooms/{}/messages`. */
const normalize = (method: string, path: string) =>
  `${method.toUpperCase()} ${path.replaceAll('`', '').split('?')[0]!.replace(/:\w+|\{\w+\}/g, '{}').replace(/(.)\/$/, '$1')}`

const documentedOps = rowsUnder('method', 'path').flatMap(([methods, path]) => {
  expect(path, `the path cell of a "${methods}" row`).toMatch(/^`?\//)
  return methods!.split(/\s*[/,]\s*/).map((m) => normalize(m, path!))
})
const servedOps = operationsOf(openapi).map((op) => normalize(op.method, op.path))

describe('REST operations', () => {
  test('every operation of /swagger/json is in docs/api.md', () => {
    expect(servedOps.length).toBeGreaterThan(100)
    expect(servedOps.filter((op) => !documentedOps.includes(op))).toEqual([])
  })

  test('every operation docs/api.md lists is served (in the OpenAPI document, or answering at its path)', async () => {
    const elsewhere = documentedOps.filter((op) => !servedOps.includes(op))
    // What the OpenAPI document leaves out (its own page, the queue dashboard) must still answer.
    expect(elsewhere.sort()).toEqual(['GET /admin/queues', 'GET /swagger', 'GET /swagger/json'])
    for (const op of elsewhere) {
      const [method, path] = op.split(' ') as [string, string]
      const res = await fetch(app.url + path.replaceAll('{}', crypto.randomUUID()), { method, headers: { accept: 'application/json' } })
      const body = res.headers.get('content-type')?.includes('json') ? ((await res.json()) as { error?: { code?: string } }) : undefined
      expect([op, res.status, body?.error?.code]).not.toEqual([op, 404, 'route_not_found'])
      expect(res.status, op).not.toBe(405)
    }
    expect(new Set(documentedOps).size, 'an operation listed twice').toBe(documentedOps.length)
  })
})

describe('WebSocket ops', () => {
  const rows = rowsUnder('op', 'fields', 'ack')

  test('every op of src/realtime/protocol.ts is documented, and only those', () => {
    expect(rows.flatMap(([op]) => namesIn(op!)).sort()).toEqual(Object.keys(ClientOps).sort())
  })

  test('each op lists its fields, optional ones with ?', () => {
    for (const [cell, fields] of rows) {
      const name = namesIn(cell!)[0] as keyof typeof ClientOps
      const schema = ClientOps[name] as unknown as { properties: Record<string, unknown>; required?: string[] }
      const documented = fields!
        .replace(/\([^)]*\)/g, '')
        .replaceAll('`', '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
      const expected = Object.keys(schema.properties)
        .filter((f) => f !== 'op' && f !== 'id')
        .map((f) => (schema.required?.includes(f) ? f : `${f}?`))
      expect([name, documented.sort()]).toEqual([name, expected.sort()])
    }
  })
})

describe('error codes', () => {
  test('every code of src/lib/errors.ts is documented with its status, and no other', () => {
    const documented = Object.fromEntries(rowsUnder('code', 'status', 'meaning').map(([code, status]) => [namesIn(code!)[0], Number(status)]))
    expect(documented).toEqual({ ...errorStatus })
  })
})

/**
 * The event types the code pushes to sockets: the room events the room actors emit (the
 * `RoomEventType` union, forwarded by the hub), and every `type: '…'` (a ternary's too, or
 * a `for (const type of [...])` list) in a source file that pushes (`toRoom`, `toUser`,
 * `toCommunity`, `publishToUser`, or a session's own `op: 'event'` frame).
 */
async function pushedEventTypes(): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>()
  const add = (type: string, where: string) => found.set(type, [...(found.get(type) ?? []), where])
  const union = /export type RoomEventType = ([^\n]+)/.exec(await Bun.file(`${root}rooms/types.ts`).text())?.[1]
  expect(union, 'rooms/types.ts declares RoomEventType').toBeDefined()
  for (const m of union!.matchAll(/'([^']+)'/g)) add(m[1]!, 'rooms/types.ts')
  const pushes = /\b(?:toRoom|toUser|toCommunity|publishToUser)\(|op: 'event'/
  // The room actors' commands (`router.send({ type: 'send', … })`) are not pushes.
  const commands = new Set([...(await Bun.file(`${root}rooms/types.ts`).text()).matchAll(/^\s+type: '([a-z_]+)'$/gm)].map((m) => m[1]!))
  for (const dir of ['src', 'rooms']) {
    for await (const file of new Glob('**/*.ts').scan(`${root}${dir}`)) {
      const text = (await Bun.file(`${root}${dir}/${file}`).text()).replace(/^\s*(\/\/|\*|\/\*).*$/gm, '')
      if (!pushes.test(text)) continue
      const where = `${dir}/${file}`
      for (const m of text.matchAll(/\btype: ([^,}\n]*)/g)) {
        for (const lit of m[1]!.matchAll(/'([a-z_]+(?:\.[a-z_]+)*)'/g)) if (!commands.has(lit[1]!)) add(lit[1]!, where)
      }
      for (const m of text.matchAll(/for \(const type of \[([^\]]*)\]/g)) for (const lit of m[1]!.matchAll(/'([^']+)'/g)) add(lit[1]!, where)
    }
  }
  return found
}

describe('push events', () => {
  test('every event type the code sends is documented, and every documented one is sent', async () => {
    const sent = await pushedEventTypes()
    expect(sent.has('message.created') && sent.has('notification.created')).toBe(true)
    const documented = rowsUnder('event', 'to', 'data').flatMap(([cell]) => namesIn(cell!))
    const undocumented = [...sent].filter(([type]) => !documented.includes(type)).map(([type, where]) => `${type} (${where.join(', ')})`)
    expect(undocumented).toEqual([])
    expect(documented.filter((type) => !sent.has(type))).toEqual([])
  })
})

describe('the README', () => {
  test('points to docs/api.md, not to a file outside the repository', async () => {
    const readme = await Bun.file(`${root}README.md`).text()
    expect(readme.includes('`docs/api.md`')).toBe(true)
    expect(readme.match(/[^`/\w]API\.md|\.\.\/shared\//g)).toBeNull()
  })
})

describe('resuming a subscription, as docs/api.md says', () => {
  const sockets: WsClient[] = []
  const connect = async (token: string) => {
    const c = await WsClient.open(app.wsUrl, token)
    sockets.push(c)
    return c
  }
  afterEach(() => {
    for (const c of sockets.splice(0)) c.close()
  })

  /** A room where alice wrote seq 1 and 2 and bob saw them live, then went away. */
  async function away() {
    const w = await newCommunity(app.http)
    const room = await w.room('general')
    const alice = await w.join()
    const bob = await w.join()
    const a = await connect(alice.accessToken)
    const b = await connect(bob.accessToken)
    await b.request('subscribe', { roomId: room.id })
    const one = await a.request('send', { roomId: room.id, nonce: 'n1', body: 'one' })
    const two = await a.request('send', { roomId: room.id, nonce: 'n2', body: 'two' })
    await b.waitForEvents('message.created', 2)
    return { room, a, b, bob, one: one.messageId as string, two: two.messageId as string }
  }

  /** Subscribes with sinceSeq, then waits for a live message: the replay is over once it arrives. */
  async function resume(s: { room: { id: string }; a: WsClient; bob: { accessToken: string } }, sinceSeq: number) {
    const c = await connect(s.bob.accessToken)
    await c.request('subscribe', { roomId: s.room.id, sinceSeq })
    const live = await s.a.request('send', { roomId: s.room.id, nonce: `live${sinceSeq}`, body: 'live' })
    await c.event('message.created', 5000, (e) => e.seq === live.seq)
    return c.frames.filter((f) => f.op === 'event' && f.roomId === s.room.id && f.seq !== live.seq)
  }

  test('from the room actor: an edit and a reaction seen live before leaving come again', async () => {
    const s = await away()
    await s.a.request('edit', { messageId: s.two, body: 'two, edited' })
    await s.a.request('react', { messageId: s.two, emoji: '🎉', on: true })
    await s.b.waitForEvents('reaction.added', 1)
    const replayed = await resume(s, 2)
    expect(replayed.map((e) => e.type)).toEqual(['message.updated', 'reaction.added'])
    expect(replayed[0].data.message).toMatchObject({ id: s.two, body: 'two, edited' })
    expect(replayed[1].data).toMatchObject({ messageId: s.two, emoji: '🎉', count: 1 })
  })

  test('rebuilt from Postgres: missed messages in their current state, and not the changes to earlier ones', async () => {
    const s = await away()
    s.b.close()
    await s.a.request('edit', { messageId: s.one, body: 'one, edited while away' })
    await s.a.request('edit', { messageId: s.two, body: 'two, edited while away' })
    expect(app.hearth.realtime.host!.evictIdle({ now: Date.now() + 3_600_000 })).toBeGreaterThan(0)
    const replayed = await resume(s, 1)
    expect(replayed.map((e) => [e.type, e.seq])).toEqual([['message.created', 2]])
    expect(replayed[0].data.message).toMatchObject({ id: s.two, body: 'two, edited while away' })
    expect(replayed[0].data.message.editedAt).toBeString()
  })
})

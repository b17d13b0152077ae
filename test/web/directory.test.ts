import { afterAll, describe, expect, test } from 'bun:test'

// web/src/directory.ts without a browser: the page's client finds the server at
// `location.origin`. Here that is a server of the test's own, which holds each tree request
// until the test answers it (the global fetch and every other test file stay as they were).
type Tree = { rooms: { id: string; name: string }[]; groups: unknown[] }
const asked: ((answer: Response) => void)[] = []
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch(req) {
    if (!/^\/v1\/communities\/[^/]+\/tree$/.test(new URL(req.url).pathname)) return new Response('{}', { status: 404 })
    return new Promise<Response>((resolve) => asked.push(resolve))
  },
})
const page = globalThis as { location?: unknown }
const hadLocation = page.location !== undefined
page.location ??= { origin: server.url.origin }
afterAll(() => {
  server.stop(true)
  if (!hadLocation) delete page.location
})
// Imported by a computed path: the web app's types (DOM, Preact) stay out of the server's typecheck.
const directory: {
  loadTree(communityId: string, opts?: { fresh?: boolean }): Promise<Tree>
  trees: { get(): ReadonlyMap<string, Tree> }
  forgetDirectory(): void
} = await import(new URL('../../web/src/directory.ts', import.meta.url).pathname)
const { loadTree, trees, forgetDirectory } = directory

const treeOf = (...names: string[]) => ({ rooms: names.map((name) => ({ id: crypto.randomUUID(), name })), groups: [] })
const reply = (i: number, tree: Tree) => asked[i]!(Response.json(tree))
const heldNames = (communityId: string) => trees.get().get(communityId)?.rooms.map((r) => r.name)
const until = async (n: number) => {
  for (let waited = 0; asked.length < n; waited++) {
    if (waited > 5000) throw new Error(`${asked.length} requests, not ${n}`)
    await Bun.sleep(1)
  }
}

describe('loadTree', () => {
  test('loads of one tree at once make one request', async () => {
    asked.length = 0
    const id = crypto.randomUUID()
    const [a, b] = [loadTree(id), loadTree(id)]
    await until(1)
    reply(0, treeOf())
    expect(await a).toBe(await b)
    expect(asked.length).toBe(1)
  })

  test('a fresh load after a change does not take the answer of a load in flight from before it, and that older answer does not replace it', async () => {
    asked.length = 0
    const id = crypto.randomUUID()
    const before = loadTree(id) // the sidebar's, as the page opened
    await until(1)
    // A room is added meanwhile; the page then asks again.
    const after = loadTree(id, { fresh: true })
    await until(2)
    reply(1, treeOf('general', 'new room'))
    expect((await after).rooms.map((r) => r.name)).toEqual(['general', 'new room'])
    reply(0, treeOf('general'))
    await before
    expect(heldNames(id)).toEqual(['general', 'new room'])
  })

  test('a load that failed is not kept: the next one asks again', async () => {
    asked.length = 0
    const id = crypto.randomUUID()
    const first = loadTree(id)
    await until(1)
    asked[0]!(Response.json({ code: 'dependency_unavailable', message: 'try again' }, { status: 503 }))
    await expect(first).rejects.toMatchObject({ status: 503 })
    expect(asked.length).toBe(1)
    const second = loadTree(id)
    await until(2)
    reply(1, treeOf('general'))
    expect((await second).rooms.map((r) => r.name)).toEqual(['general'])
  })

  test("after sign-out, a tree the previous person's load brings back is not kept, nor shared with the next person's load", async () => {
    asked.length = 0
    const id = crypto.randomUUID()
    const theirs = loadTree(id)
    await until(1)
    forgetDirectory()
    const mine = loadTree(id)
    await until(2)
    reply(0, treeOf('general', 'secret'))
    await theirs
    expect(heldNames(id)).toBeUndefined()
    reply(1, treeOf('general'))
    expect((await mine).rooms.map((r) => r.name)).toEqual(['general'])
    expect(heldNames(id)).toEqual(['general'])
  })
})

// The same security cases for every signed-in operation of the served OpenAPI document,
// so a route added later gets them without anyone remembering: no token and a bad token
// are 401; on anything of a community, a user of another community and a member whose
// roles grant nothing are refused (403, or 404 where the thing is not theirs to see).
import { describe, expect, test } from 'bun:test'
import { startTestApp } from '../helpers/app'
import { fixtureFor, makeFixtures } from '../helpers/fixtures'
import { operationsOf, sample, type Operation } from '../helpers/openapi'

const app = await startTestApp({ RATE_WRITES_PER_USER: '100000/60', RATE_READS_PER_USER: '100000/60' })
const fx = await makeFixtures(app.http)
const doc = (await app.http.get('/swagger/json')).body
const signedIn = operationsOf(doc).filter((op) => op.security)

/**
 * Operations a member whose roles grant nothing may still use: what belonging to the
 * community is enough for (seeing it, its members and roles, leaving), and invites, which
 * are for whoever holds the code.
 */
const ANY_MEMBER = new Set([
  'GET /v1/communities/{id}',
  'GET /v1/communities/{id}/tree',
  'GET /v1/communities/{id}/members',
  'GET /v1/communities/{id}/roles',
  // One's own permissions there: for a member granted nothing, an empty list.
  'GET /v1/communities/{id}/permissions',
  // The calendar lists what the caller may view: for a member granted nothing, no event.
  'GET /v1/communities/{id}/occurrences',
])
/**
 * Operations for anyone signed in: on what an invite code opens (whoever holds the code),
 * and on the caller's own settings (clearing one's mute of a thing removes only one's own
 * row, and answers the same whether or not the thing exists).
 */
const ANYONE = new Set(['GET /v1/invites/{code}', 'POST /v1/invites/{code}/accept', 'DELETE /v1/notifications/mutes/{kind}/{id}'])

const key = (op: Operation) => `${op.method} ${op.path}`
// A user in a path is the owner (acting on oneself would be leaving, not a refusal to test).
const ids: Record<string, string> = { ...fx.ids, user: fx.owner.id }
const communityParams = new Set(['community', 'group', 'room', 'privateRoom', 'message', 'role', 'invite', 'poll', 'survey', 'event'])

/** The path with fixtures filled in, and whether one of them is a thing of the fixture community. */
function fill(op: Operation): { path: string; ofCommunity: boolean } {
  let path = op.path
  let ofCommunity = false
  for (const param of op.pathParams) {
    const before = path.slice(0, path.indexOf(`{${param.name}}`))
    let value: string | undefined
    if (Array.isArray(param.schema?.enum)) value = String(param.schema.enum[0])
    else if (param.name === 'emoji') value = encodeURIComponent('👍')
    else value = fixtureFor(ids, param.name, before)
    if (value && Object.entries(ids).some(([k, v]) => v === value && communityParams.has(k))) ofCommunity = true
    path = path.replace(`{${param.name}}`, value ?? crypto.randomUUID())
  }
  return { path, ofCommunity }
}

function request(op: Operation, token: string | undefined) {
  const { path } = fill(op)
  const idFor = (field: string) => fixtureFor(ids, field) ?? crypto.randomUUID()
  const body = op.body ? sample(doc, op.body, idFor) : undefined
  // Required query parameters get plausible values, so the request reaches the permission check.
  const query = op.query.filter((q) => q.required).map((q) => `${q.name}=${encodeURIComponent(String(sample(doc, q.schema, idFor, q.name)))}`)
  const target = query.length ? `${path}?${query.join('&')}` : path
  return app.http.request(op.method, target, op.method === 'GET' ? undefined : body, token === undefined ? {} : { token })
}

const shaped = (body: any) => typeof body?.error?.code === 'string' && typeof body.error.requestId === 'string'

describe('every signed-in operation', () => {
  test('the document has them', () => {
    expect(signedIn.length).toBeGreaterThan(40)
  })

  test.each(signedIn.map((op) => [key(op), op] as const))('%s: no token is a 401', async (_name, op) => {
    const res = await request(op, undefined)
    expect([res.status, shaped(res.body)]).toEqual([401, true])
  })

  test.each(signedIn.map((op) => [key(op), op] as const))('%s: a bad token is a 401', async (_name, op) => {
    const res = await request(op, 'not-a-token')
    expect([res.status, shaped(res.body)]).toEqual([401, true])
  })

  const ofCommunity = signedIn.filter((op) => fill(op).ofCommunity && !ANYONE.has(key(op)))

  test.each(ofCommunity.map((op) => [key(op), op] as const))('%s: a user of another community is refused', async (_name, op) => {
    const res = await request(op, fx.outsider.accessToken)
    expect([403, 404]).toContain(res.status)
    expect(shaped(res.body)).toBe(true)
  })

  test.each(ofCommunity.filter((op) => !ANY_MEMBER.has(key(op))).map((op) => [key(op), op] as const))(
    '%s: a member without the permission is refused',
    async (_name, op) => {
      const res = await request(op, fx.member.accessToken)
      expect([403, 404]).toContain(res.status)
      expect(shaped(res.body)).toBe(true)
    },
  )

  test.each([...ANY_MEMBER].filter((k) => signedIn.some((op) => key(op) === k)).map((k) => [k, signedIn.find((op) => key(op) === k)!] as const))(
    '%s: a member may, an outsider may not',
    async (_name, op) => {
      expect((await request(op, fx.member.accessToken)).status).toBe(200)
    },
  )
})

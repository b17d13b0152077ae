import { beforeAll, describe, expect, test } from 'bun:test'
import { ConfigError, loadConfig } from '../../../src/config'
import { ok, newCommunity, type TestUser } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { startWebhooksApp } from './harness'

const receiverUrl = 'http://127.0.0.1:9/hook'
// Only requests: no job worker threads.
const h = await startWebhooksApp({}, { jobs: false })
const w = await newCommunity(h.http)
const manager = await w.join()
const member = await w.join()
const outsider = await registerUser(h.http)
await w.grant(manager, (await w.role('hooks', ['manage_webhooks'])).id)

const create = (by: TestUser, body: unknown = { url: receiverUrl, events: ['message.created'] }) =>
  h.http.post(`/v1/communities/${w.id}/webhooks`, body, w.as(by))

describe('outgoing endpoints', () => {
  test('a manager adds an endpoint and sees its secret once', async () => {
    const res = ok(await create(manager, { url: receiverUrl, events: ['message.*'], description: 'bot' }), 201)
    expect(res.body).toMatchObject({ url: receiverUrl, events: ['message.*'], enabled: true, description: 'bot' })
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    const list = ok(await h.http.get(`/v1/communities/${w.id}/webhooks`, w.as(manager))).body.webhooks
    const listed = list.find((e: any) => e.id === res.body.id)
    expect(listed.url).toBe(receiverUrl)
    expect(JSON.stringify(list)).not.toContain('whsec_')
    expect(ok(await h.http.get(`/v1/webhooks/${res.body.id}`, w.as(manager))).body).not.toHaveProperty('secret')
  })

  test('PATCH changes the filter and turns the endpoint off and on', async () => {
    const id = ok(await create(manager), 201).body.id
    const off = ok(await h.http.patch(`/v1/webhooks/${id}`, { enabled: false, events: ['member.joined'] }, w.as(manager))).body
    expect(off).toMatchObject({ enabled: false, disabledReason: 'manual', events: ['member.joined'] })
    const on = ok(await h.http.patch(`/v1/webhooks/${id}`, { enabled: true }, w.as(manager))).body
    expect(on).toMatchObject({ enabled: true, disabledReason: null })
  })

  test('DELETE removes it', async () => {
    const id = ok(await create(manager), 201).body.id
    expect((await h.http.delete(`/v1/webhooks/${id}`, w.as(manager))).status).toBe(204)
    expect((await h.http.get(`/v1/webhooks/${id}`, w.as(manager))).status).toBe(404)
  })

  test('rotate-secret answers a new secret and how long the old one still signs', async () => {
    const created = ok(await create(manager), 201).body
    const rotated = ok(await h.http.post(`/v1/webhooks/${created.id}/rotate-secret`, undefined, w.as(manager))).body
    expect(rotated.secret).toMatch(/^whsec_/)
    expect(rotated.secret).not.toBe(created.secret)
    const hours = (Date.parse(rotated.previousSecretUntil) - Date.now()) / 3_600_000
    expect(hours).toBeGreaterThan(23.9)
    expect(hours).toBeLessThanOrEqual(24)
  })

  test('an event filter that is not a type, a prefix or * is refused', async () => {
    expect((await create(manager, { url: receiverUrl, events: ['Message Created'] })).status).toBe(422)
  })

  test('an event filter naming no known event is refused, and says which', async () => {
    const res = await create(manager, { url: receiverUrl, events: ['message.created', 'message.exploded', 'nothing.*'] })
    expect(res.status).toBe(422)
    expect(res.body.error).toMatchObject({ code: 'validation_failed', details: { field: 'events', unknown: ['message.exploded', 'nothing.*'] } })
  })

  test('a PATCH to an unknown event filter is refused too', async () => {
    const id = ok(await create(manager), 201).body.id
    expect((await h.http.patch(`/v1/webhooks/${id}`, { events: ['member.exploded'] }, w.as(manager))).status).toBe(422)
  })

  test('known types, their prefixes and * are accepted', async () => {
    const events = ['message.created', 'member.*', 'room.*', 'webhook.disabled', '*']
    expect(ok(await create(manager, { url: receiverUrl, events }), 201).body.events).toEqual(events)
  })

  test('the event types are listed with what they mean', async () => {
    const { types } = ok(await h.http.get('/v1/webhooks/event-types', w.as(member))).body
    const names = types.map((t: { type: string }) => t.type)
    expect(names).toEqual(expect.arrayContaining(['message.created', 'message.updated', 'message.deleted', 'member.joined', 'member.left', 'room.created', 'room.updated', 'webhook.disabled']))
    expect(types.every((t: { description: string }) => t.description.length > 0)).toBe(true)
  })

  test('an endpoint URL with a fragment keeps no fragment', async () => {
    expect(ok(await create(manager, { url: `${receiverUrl}#x`, events: ['*'] }), 201).body.url).toBe(receiverUrl)
  })
})

describe('who may manage endpoints', () => {
  let endpointId: string
  beforeAll(async () => {
    endpointId = ok(await create(w.owner), 201).body.id
  })

  test('no token: 401', async () => {
    expect((await h.http.get(`/v1/communities/${w.id}/webhooks`)).status).toBe(401)
  })

  test('a bad token: 401', async () => {
    expect((await h.http.get(`/v1/communities/${w.id}/webhooks`, { token: 'not-a-token' })).status).toBe(401)
  })

  test('a member without manage_webhooks: 403 to list', async () => {
    const res = await h.http.get(`/v1/communities/${w.id}/webhooks`, w.as(member))
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('missing_permission')
  })

  test('a member without manage_webhooks: 403 to add', async () => {
    expect((await create(member)).status).toBe(403)
  })

  test('a member without manage_webhooks: 403 to rotate', async () => {
    expect((await h.http.post(`/v1/webhooks/${endpointId}/rotate-secret`, undefined, w.as(member))).status).toBe(403)
  })

  test('a member without manage_webhooks: 403 to read deliveries', async () => {
    expect((await h.http.get(`/v1/webhooks/${endpointId}/deliveries`, w.as(member))).status).toBe(403)
  })

  test("another community's user: 404 for the endpoint", async () => {
    expect((await h.http.get(`/v1/webhooks/${endpointId}`, w.as(outsider))).status).toBe(404)
  })

  test("another community's user: 404 to add", async () => {
    expect((await create(outsider)).status).toBe(404)
  })

  test("another community's manager cannot reach this community's endpoint", async () => {
    const other = await newCommunity(h.http)
    expect((await h.http.patch(`/v1/webhooks/${endpointId}`, { enabled: false }, other.as(other.owner))).status).toBe(404)
  })

  test('the owner may, without any role', async () => {
    expect((await h.http.get(`/v1/webhooks/${endpointId}/deliveries`, w.as(w.owner))).status).toBe(200)
  })
})

describe('endpoint URLs that resolve to non-public addresses are refused at registration', () => {
  test.each([
    ['loopback (without the test setting)', 'http://127.0.0.1/x', 'loopback'],
    ['loopback IPv6 (without the test setting)', 'http://[::1]/x', 'loopback'],
    ['private 10/8', 'http://10.0.0.8/x', 'private'],
    ['private 172.16/12', 'http://172.20.1.1/x', 'private'],
    ['private 192.168/16', 'http://192.168.0.10/x', 'private'],
    ['unique local IPv6', 'http://[fd00::2]/x', 'private'],
    ['link-local', 'http://169.254.10.10/x', 'link_local'],
    ['link-local IPv6', 'http://[fe80::1]/x', 'link_local'],
    ['CGNAT', 'http://100.64.1.1/x', 'cgnat'],
    ['multicast', 'http://224.0.0.251/x', 'multicast'],
    ['multicast IPv6', 'http://[ff05::2]/x', 'multicast'],
    ['unspecified', 'http://0.0.0.0/x', 'unspecified'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data', 'metadata'],
    ['cloud metadata IPv6', 'http://[fd00:ec2::254]/x', 'metadata'],
    ['IPv4-mapped IPv6', 'http://[::ffff:10.0.0.1]/x', 'ipv4_mapped'],
    ['IPv4-compatible IPv6', 'http://[::10.0.0.1]/x', 'ipv4_mapped'],
    ['documentation range', 'http://203.0.113.9/x', 'reserved'],
    ['a name that resolves to a private address', 'http://intranet.example.com/x', 'private'],
  ])('%s', async (_, url, reason) => {
    h.dns.set('intranet.example.com', ['10.9.8.7'])
    h.config.allowLoopback = false
    try {
      const res = await create(manager, { url, events: ['*'] })
      expect(res.status).toBe(422)
      expect(res.body.error).toMatchObject({ code: 'unsafe_webhook_url', details: { reason } })
      // What an internal name resolves to is not told (anyone may own a community and probe names).
      expect(JSON.stringify(res.body)).not.toContain('10.9.8.7')
    } finally {
      h.config.allowLoopback = true
    }
  })

  test('loopback is accepted when the test setting allows it', async () => {
    expect((await create(manager, { url: 'http://127.0.0.1:9/x', events: ['*'] })).status).toBe(201)
  })

  test('a PATCH to a private URL is refused too', async () => {
    const id = ok(await create(manager), 201).body.id
    const res = await h.http.patch(`/v1/webhooks/${id}`, { url: 'http://192.168.1.1/' }, w.as(manager))
    expect(res.status).toBe(422)
  })

  test('http is refused when the development setting is off', async () => {
    h.config.allowHttp = false
    try {
      const res = await create(manager, { url: receiverUrl, events: ['*'] })
      expect(res.body.error).toMatchObject({ code: 'unsafe_webhook_url', details: { reason: 'scheme' } })
    } finally {
      h.config.allowHttp = true
    }
  })
})

describe('documentation', () => {
  test('every webhooks route is in the OpenAPI document with a summary', async () => {
    const doc = ok(await h.http.get('/swagger/json')).body
    const paths = [
      ['/v1/communities/{id}/webhooks', 'post'],
      ['/v1/webhooks/{id}/deliveries', 'get'],
      ['/v1/webhooks/{id}/recover', 'post'],
      ['/v1/rooms/{id}/incoming-webhooks', 'post'],
      ['/v1/hooks/{id}/{token}', 'post'],
      ['/v1/webhooks/event-types', 'get'],
    ] as const
    for (const [path, method] of paths) expect(doc.paths[path]?.[method]?.summary).toBeString()
  })
})

describe('settings', () => {
  test('WEBHOOK_ALLOW_LOOPBACK is refused in production', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db', JWT_PRIVATE_KEY: 'k' }
    expect(() => loadConfig({ ...production, WEBHOOK_ALLOW_LOOPBACK: 'true' })).toThrow(ConfigError)
  })

  test('WEBHOOK_ALLOW_HTTP is refused in production', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db', JWT_PRIVATE_KEY: 'k' }
    expect(() => loadConfig({ ...production, WEBHOOK_ALLOW_HTTP: 'true' })).toThrow(ConfigError)
  })

  test('the retry schedule reads durations', () => {
    expect(loadConfig({}).webhooks.retryScheduleMs).toEqual([5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000])
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '100ms,2s' }).webhooks.retryScheduleMs).toEqual([100, 2000])
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: 'soon' })).toThrow(ConfigError)
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: 'none' }).webhooks.retryScheduleMs).toEqual([])
  })

  test('WEBHOOK_DNS_SERVERS reads addresses with optional ports', () => {
    expect(loadConfig({}).webhooks.dnsServers).toEqual([])
    expect(loadConfig({ WEBHOOK_DNS_SERVERS: '10.0.0.2, 10.0.0.3:5353,[fd00::53]:53' }).webhooks.dnsServers).toEqual([
      '10.0.0.2',
      '10.0.0.3:5353',
      '[fd00::53]:53',
    ])
    expect(() => loadConfig({ WEBHOOK_DNS_SERVERS: 'dns.example.com' })).toThrow(ConfigError)
    expect(() => loadConfig({ WEBHOOK_DNS_SERVERS: '10.0.0.2:99999' })).toThrow(ConfigError)
  })

  test('WEBHOOK_CA_CERTS must be PEM certificates', () => {
    expect(() => loadConfig({ WEBHOOK_CA_CERTS: 'not a certificate' })).toThrow(ConfigError)
  })
})

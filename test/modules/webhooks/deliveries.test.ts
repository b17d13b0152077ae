import { describe, expect, test } from 'bun:test'
import { createServer } from 'node:https'
import { Webhook } from 'standardwebhooks'
import { eq } from 'drizzle-orm'
import type { WebhooksConfig } from '../../../src/config'
import { webhookDeliveries } from '../../../src/db/schema'
import { newCommunity, ok } from '../../helpers/community'
import { eventually } from '../../helpers/wait'
import { HOOK_CERT, HOOK_KEY, receiver, startWebhooksApp, type Received } from './harness'

const h = await startWebhooksApp()

/** A community with one endpoint; `send` delivers an event of that community. */
async function endpointAt(url: string, events = ['*']) {
  const w = await newCommunity(h.http)
  const created = ok(await h.http.post(`/v1/communities/${w.id}/webhooks`, { url, events }, w.as(w.owner)), 201).body
  let n = 0
  return {
    w,
    id: created.id as string,
    secret: created.secret as string,
    send: (type = 'message.created', data: unknown = { text: `hello ${++n}` }) =>
      h.webhooks.deliveries.deliver({ id: crypto.randomUUID(), type, timestamp: new Date().toISOString(), data, communityId: w.id }),
    deliveries: async (query = '') => ok(await h.http.get(`/v1/webhooks/${created.id}/deliveries${query}`, w.as(w.owner))).body,
    endpoint: async () => ok(await h.http.get(`/v1/webhooks/${created.id}`, w.as(w.owner))).body,
  }
}

/** Runs `fn` with some settings changed for the request side and the jobs alike. */
async function withConfig<T>(patch: Partial<WebhooksConfig>, fn: () => Promise<T>): Promise<T> {
  const before = { ...h.config }
  Object.assign(h.config, patch)
  try {
    return await fn()
  } finally {
    Object.assign(h.config, before)
  }
}

const verify = (secret: string, r: Received) => new Webhook(secret).verify(r.body, r.headers)

describe('deliveries', () => {
  test('a 2xx is delivered once, signed so that the standardwebhooks package verifies it', async () => {
    const rx = receiver(() => new Response('thanks'))
    const e = await endpointAt(rx.url)
    expect(await e.send('message.created', { text: 'hi' })).toBe(1)
    await eventually('the delivery', async () => rx.received.length === 1)
    const [r] = rx.received
    expect(verify(e.secret, r!)).toMatchObject({ type: 'message.created', data: { text: 'hi' } })
    expect(r!.headers['content-type']).toBe('application/json')
    const page = await eventually('the log', async () => {
      const p = await e.deliveries()
      return p.deliveries[0]?.status === 'succeeded' && p
    })
    expect(page.deliveries[0]).toMatchObject({ id: r!.headers['webhook-id'], attempts: 1, lastStatusCode: 200, eventType: 'message.created' })
    expect(page.deliveries[0].attemptLog[0]).toMatchObject({ attempt: 1, statusCode: 200, responseExcerpt: 'thanks', error: null })
    expect(JSON.stringify(page)).not.toContain(e.secret)
  })

  test('a 500 is retried with the same webhook-id and a later timestamp, then succeeds', async () => {
    const rx = receiver((_, n) => new Response(n === 1 ? 'down' : 'ok', { status: n === 1 ? 500 : 200 }))
    const e = await endpointAt(rx.url)
    await withConfig({ retryScheduleMs: [1500] }, async () => {
      await e.send()
      await eventually('the retry', async () => rx.received.length === 2)
    })
    const [first, second] = rx.received as [Received, Received]
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']!)
    expect(Number(second.headers['webhook-timestamp'])).toBeGreaterThan(Number(first.headers['webhook-timestamp']))
    expect(second.at - first.at).toBeGreaterThanOrEqual(1150)
    expect(verify(e.secret, second)).toBeTruthy()
    const d = await eventually('success', async () => (await e.deliveries()).deliveries.find((x: any) => x.status === 'succeeded'))
    expect(d.attemptLog.map((a: any) => a.statusCode)).toEqual([200, 500])
  })

  test('a 410 disables the endpoint and tells the managers', async () => {
    const rx = receiver(() => new Response('gone', { status: 410 }))
    const e = await endpointAt(rx.url)
    await e.send()
    const endpoint = await eventually('disabled', async () => {
      const ep = await e.endpoint()
      return !ep.enabled && ep
    })
    expect(endpoint.disabledReason).toBe('gone')
    expect(h.alerts).toContainEqual({ communityId: e.w.id, endpointId: e.id, url: rx.url, reason: 'gone' })
    expect((await e.deliveries()).deliveries[0]).toMatchObject({ status: 'failed', lastStatusCode: 410, attempts: 1 })
    expect(await e.send()).toBe(0)
    await Bun.sleep(300)
    expect(rx.received).toHaveLength(1)
  })

  test('a receiver slower than the timeout is a failed attempt', async () => {
    const rx = receiver(async () => {
      await Bun.sleep(3000)
      return new Response('late')
    })
    const e = await endpointAt(rx.url)
    await withConfig({ timeoutMs: 300, retryScheduleMs: [] }, async () => {
      await e.send()
      const d = await eventually('the failure', async () => (await e.deliveries('?status=failed')).deliveries[0])
      expect(d.attemptLog[0].error).toBe('timed out after 300 ms')
      expect(d.attemptLog[0].latencyMs).toBeGreaterThanOrEqual(290)
      expect(d.attemptLog[0].latencyMs).toBeLessThan(1500)
    })
  })

  test('a slow endpoint does not delay a fast one', async () => {
    let inFlight = 0
    let most = 0
    let firstSlowDone = Infinity
    const slow = receiver(async () => {
      most = Math.max(most, ++inFlight)
      await Bun.sleep(2000)
      inFlight--
      firstSlowDone = Math.min(firstSlowDone, Date.now())
      return new Response('ok')
    })
    const fast = receiver()
    const s = await endpointAt(slow.url)
    const f = await endpointAt(fast.url)
    await withConfig({ timeoutMs: 5000, endpointConcurrency: 2 }, async () => {
      for (let i = 0; i < 4; i++) await s.send()
      for (let i = 0; i < 10; i++) await f.send()
      await eventually('the fast deliveries', async () => fast.received.length === 10)
      // All of them arrived while the slow endpoint still held its first two deliveries.
      expect(Date.now()).toBeLessThan(firstSlowDone)
      expect(slow.received.length).toBeLessThanOrEqual(2)
      await eventually('the slow deliveries', async () => slow.received.length === 4, 10_000)
    })
    expect(most).toBe(2)
  }, 15_000)

  test('a redirect is not followed', async () => {
    const elsewhere = receiver()
    const rx = receiver(() => new Response(null, { status: 307, headers: { location: elsewhere.url } }))
    const e = await endpointAt(rx.url)
    await withConfig({ retryScheduleMs: [] }, async () => {
      await e.send()
      const d = await eventually('the failure', async () => (await e.deliveries('?status=failed')).deliveries[0])
      expect(d.lastStatusCode).toBe(307)
    })
    expect(elsewhere.received).toHaveLength(0)
  })

  test('a 429 with Retry-After waits at least that long', async () => {
    const rx = receiver((_, n) => (n === 1 ? new Response('slow down', { status: 429, headers: { 'retry-after': '2' } }) : new Response('ok')))
    const e = await endpointAt(rx.url)
    await e.send()
    await eventually('the retry', async () => rx.received.length === 2, 5000)
    expect(rx.received[1]!.at - rx.received[0]!.at).toBeGreaterThanOrEqual(1950)
  })

  test('after the schedule runs out the delivery is failed', async () => {
    const rx = receiver(() => new Response('no', { status: 503 }))
    const e = await endpointAt(rx.url)
    await withConfig({ retryScheduleMs: [100, 100] }, async () => {
      await e.send()
      const d = await eventually('the failure', async () => (await e.deliveries('?status=failed')).deliveries[0])
      expect(d).toMatchObject({ attempts: 3, lastStatusCode: 503, lastError: 'answered 503' })
    })
    expect(rx.received).toHaveLength(3)
    expect(new Set(rx.received.map((r) => r.headers['webhook-id'])).size).toBe(1)
  })

  test('an endpoint that fails everything for the configured time is disabled and its managers told', async () => {
    const rx = receiver(() => new Response('no', { status: 500 }))
    const e = await endpointAt(rx.url)
    await withConfig({ disableAfterSeconds: 1, retryScheduleMs: [700, 700, 700] }, async () => {
      await e.send()
      const ep = await eventually('disabled', async () => {
        const x = await e.endpoint()
        return !x.enabled && x
      })
      expect(ep.disabledReason).toBe('failing')
    })
    expect(h.alerts).toContainEqual({ communityId: e.w.id, endpointId: e.id, url: rx.url, reason: 'failing' })
  })

  test('a success resets the failure clock', async () => {
    const rx = receiver((_, n) => new Response('', { status: n === 1 ? 500 : 200 }))
    const e = await endpointAt(rx.url)
    await e.send()
    await eventually('the failure', async () => (await e.endpoint()).failingSince)
    await eventually('the success', async () => (await e.deliveries('?status=succeeded')).deliveries.length === 1)
    expect((await e.endpoint()).failingSince).toBeNull()
  })

  test('secret rotation: both secrets sign for the overlap, and each verifies', async () => {
    const rx = receiver()
    const e = await endpointAt(rx.url)
    const rotated = ok(await h.http.post(`/v1/webhooks/${e.id}/rotate-secret`, undefined, e.w.as(e.w.owner))).body
    await e.send()
    await eventually('the delivery', async () => rx.received.length === 1)
    const r = rx.received[0]!
    expect(r.headers['webhook-signature']!.split(' ')).toHaveLength(2)
    expect(verify(rotated.secret, r)).toBeTruthy()
    expect(verify(e.secret, r)).toBeTruthy()
  })

  test('after the overlap only the new secret signs', async () => {
    const rx = receiver()
    const e = await endpointAt(rx.url)
    await withConfig({ secretOverlapSeconds: 0 }, async () => {
      const rotated = ok(await h.http.post(`/v1/webhooks/${e.id}/rotate-secret`, undefined, e.w.as(e.w.owner))).body
      await e.send()
      await eventually('the delivery', async () => rx.received.length === 1)
      expect(verify(rotated.secret, rx.received[0]!)).toBeTruthy()
      expect(() => verify(e.secret, rx.received[0]!)).toThrow()
    })
  })

  test('an event delivered twice (at-least-once consumers) is one delivery', async () => {
    const rx = receiver()
    const e = await endpointAt(rx.url)
    const event = { id: crypto.randomUUID(), type: 'member.joined', timestamp: new Date(), data: {}, communityId: e.w.id }
    expect(await h.webhooks.deliveries.deliver(event)).toBe(1)
    await eventually('the delivery', async () => rx.received.length === 1)
    expect(await h.webhooks.deliveries.deliver(event)).toBe(0)
    await Bun.sleep(300)
    expect(rx.received).toHaveLength(1)
  })

  test('the event filter picks the types an endpoint gets', async () => {
    const rx = receiver()
    const e = await endpointAt(rx.url, ['member.*', 'poll.closed'])
    expect(await e.send('message.created')).toBe(0)
    expect(await e.send('member.joined')).toBe(1)
    expect(await e.send('poll.closed')).toBe(1)
    await eventually('two deliveries', async () => rx.received.length === 2)
    expect(rx.received.map((r) => JSON.parse(r.body).type).sort()).toEqual(['member.joined', 'poll.closed'])
  })

  test('a huge answer is read only up to the limit', async () => {
    const rx = receiver(() => new Response('x'.repeat(5_000_000)))
    const e = await endpointAt(rx.url)
    await e.send()
    const d = await eventually('the success', async () => (await e.deliveries('?status=succeeded')).deliveries[0])
    expect(d.attemptLog[0].responseExcerpt.length).toBe(1024)
  })

  test('a manual retry sends a delivery again with its id', async () => {
    let up = false
    const rx = receiver(() => new Response('', { status: up ? 200 : 500 }))
    const e = await endpointAt(rx.url)
    const d = await withConfig({ retryScheduleMs: [] }, async () => {
      await e.send()
      return eventually('the failure', async () => (await e.deliveries('?status=failed')).deliveries[0])
    })
    up = true
    const res = await h.http.post(`/v1/webhooks/${e.id}/deliveries/${d.id}/retry`, undefined, e.w.as(e.w.owner))
    expect(res.status).toBe(202)
    await eventually('the success', async () => (await e.deliveries('?status=succeeded')).deliveries[0])
    expect(rx.received.map((r) => r.headers['webhook-id'])).toEqual([d.id, d.id])
  })

  test('recover re-sends what failed since a time, and nothing older', async () => {
    let up = false
    const rx = receiver(() => new Response('', { status: up ? 200 : 500 }))
    const e = await endpointAt(rx.url)
    await withConfig({ retryScheduleMs: [] }, async () => {
      await e.send()
      await eventually('one failure', async () => (await e.deliveries('?status=failed')).deliveries.length === 1)
      await Bun.sleep(50)
      const since = new Date().toISOString()
      await e.send()
      await e.send()
      await eventually('three failures', async () => (await e.deliveries('?status=failed')).deliveries.length === 3)
      up = true
      const res = await h.http.post(`/v1/webhooks/${e.id}/recover`, { since }, e.w.as(e.w.owner))
      expect(res.status).toBe(202)
      expect(res.body.count).toBe(2)
      await eventually('two successes', async () => (await e.deliveries('?status=succeeded')).deliveries.length === 2)
    })
    expect((await e.deliveries('?status=failed')).deliveries).toHaveLength(1)
  })

  test('the delivery log pages by cursor and filters by status', async () => {
    const rx = receiver()
    const e = await endpointAt(rx.url)
    for (let i = 0; i < 5; i++) await e.send()
    await eventually('five deliveries', async () => (await e.deliveries('?status=succeeded')).deliveries.length === 5)
    const first = await e.deliveries('?limit=3')
    expect(first.deliveries).toHaveLength(3)
    const second = await e.deliveries(`?limit=3&cursor=${first.nextCursor}`)
    expect(second.deliveries).toHaveLength(2)
    expect(second.nextCursor).toBeNull()
    expect(new Set([...first.deliveries, ...second.deliveries].map((d: any) => d.id)).size).toBe(5)
    expect((await e.deliveries('?status=failed')).deliveries).toHaveLength(0)
  })
})

describe('upkeep jobs', () => {
  test('resume-overdue sends a delivery whose attempt was never queued (a crash between commit and enqueue)', async () => {
    const rx = receiver()
    const e = await endpointAt(rx.url)
    const id = crypto.randomUUID()
    await h.app.res.db.insert(webhookDeliveries).values({
      id,
      endpointId: e.id,
      eventId: 'evt-orphan',
      eventType: 'message.created',
      body: JSON.stringify({ type: 'message.created', timestamp: new Date().toISOString(), data: {} }),
      nextAttemptAt: new Date(Date.now() - 120_000),
    })
    await h.app.res.jobs.enqueue({ queue: 'webhooks', name: 'resume-overdue', data: {} })
    await eventually('the delivery', async () => rx.received.length === 1)
    expect(rx.received[0]!.headers['webhook-id']).toBe(id)
  })

  test('prune deletes finished deliveries older than the given days, and keeps the rest', async () => {
    const rx = receiver()
    const e = await endpointAt(rx.url)
    const row = (eventId: string, status: 'succeeded' | 'pending', daysAgo: number) => ({
      id: crypto.randomUUID(),
      endpointId: e.id,
      eventId,
      eventType: 'x.y',
      body: '{}',
      status,
      createdAt: new Date(Date.now() - daysAgo * 86_400_000),
    })
    const old = row('old', 'succeeded', 40)
    const recent = row('recent', 'succeeded', 1)
    const stuck = row('stuck', 'pending', 40)
    await h.app.res.db.insert(webhookDeliveries).values([old, recent, stuck])
    await h.app.res.jobs.enqueue({ queue: 'webhooks', name: 'prune', data: { days: 30 } })
    await eventually('the prune', async () => {
      const left = await h.app.res.db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, e.id))
      return left.length === 2 && left
    })
    const left = await h.app.res.db.select({ eventId: webhookDeliveries.eventId }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, e.id))
    expect(left.map((r) => r.eventId).sort()).toEqual(['recent', 'stuck'])
  })
})

describe('SSRF at delivery time', () => {
  test('a name that resolved to a public address at registration and to loopback now is never connected to', async () => {
    const rx = receiver()
    h.dns.set('rebind.example.com', ['93.184.216.34'], ['127.0.0.1'])
    await withConfig({ allowLoopback: false, retryScheduleMs: [] }, async () => {
      const e = await endpointAt(`http://rebind.example.com:${rx.port}/hook`)
      await e.send()
      const d = await eventually('the refusal', async () => (await e.deliveries('?status=failed')).deliveries[0])
      expect(d.attemptLog[0].error).toContain('loopback')
      expect(d.attemptLog[0].statusCode).toBeNull()
    })
    expect(rx.received).toHaveLength(0)
  })

  test('a name that resolves to the metadata address at delivery is refused', async () => {
    h.dns.set('meta.example.com', ['93.184.216.34'], ['169.254.169.254'])
    await withConfig({ retryScheduleMs: [] }, async () => {
      const e = await endpointAt('http://meta.example.com/hook')
      await e.send()
      const d = await eventually('the refusal', async () => (await e.deliveries('?status=failed')).deliveries[0])
      expect(d.attemptLog[0].error).toContain('metadata')
    })
  })

  test('one attempt looks the name up once and connects to that answer (a second answer is never used)', async () => {
    const rx = receiver()
    // Registration and the attempt's check see a public address; any later lookup would see the receiver.
    h.dns.set('flip.example.com', ['93.184.216.34'], ['93.184.216.34'], ['127.0.0.1'])
    const asked = () => h.dns.asked.filter((n) => n === 'flip.example.com').length
    await withConfig({ timeoutMs: 500, retryScheduleMs: [] }, async () => {
      const e = await endpointAt(`http://flip.example.com:${rx.port}/hook`)
      await e.send()
      await eventually('the attempt', async () => (await e.deliveries('?status=failed')).deliveries[0])
    })
    expect(asked()).toBe(2)
    expect(rx.received).toHaveLength(0)
  })

  test('a name that resolves to an IPv6 address is delivered to that address with the name in Host', async () => {
    const rx = receiver(() => new Response('ok'), { hostname: '::1' })
    h.dns.set('six.example.com', ['::1'])
    const e = await endpointAt(`http://six.example.com:${rx.port}/hook`)
    await e.send()
    await eventually('the delivery', async () => rx.received.length === 1)
    expect(rx.received[0]!.headers.host).toBe(`six.example.com:${rx.port}`)
  })

  test('https goes to the checked address with the host name in Host and in TLS SNI', async () => {
    const seen: { sni?: string; host?: string; body?: string }[] = []
    const server = createServer({ cert: HOOK_CERT, key: HOOK_KEY }, (req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        seen.push({ sni: (req.socket as any).servername, host: req.headers.host, body })
        res.end('ok')
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    const port = (server.address() as { port: number }).port
    h.dns.set('hook.test', ['127.0.0.1'])
    try {
      const e = await endpointAt(`https://hook.test:${port}/in`)
      await e.send('message.created', { x: 1 })
      await eventually('the delivery', async () => (await e.deliveries('?status=succeeded')).deliveries[0])
      expect(seen).toHaveLength(1)
      expect(seen[0]).toMatchObject({ sni: 'hook.test', host: `hook.test:${port}` })
    } finally {
      server.close()
    }
  })
})

import { describe, expect, test } from 'bun:test'
import { eventually } from '../../helpers/wait'
import { newEndpoint, notificationsOf, receiver, startWebhooksApp } from './harness'

// Worker-thread settings of this file: loopback refused (as in production), one attempt per
// delivery, a 500 ms timeout, and an endpoint failing for a second is disabled.
const h = await startWebhooksApp({
  WEBHOOK_ALLOW_LOOPBACK: 'false',
  WEBHOOK_RETRY_SCHEDULE: 'none',
  WEBHOOK_TIMEOUT_MS: '500',
  WEBHOOK_DISABLE_AFTER: '1',
})

const PUBLIC = '93.184.216.34'

describe('SSRF at delivery time', () => {
  test('a name that resolved to a public address at registration and to loopback now is never connected to', async () => {
    const rx = receiver()
    h.dns.set('rebind.example.com', [PUBLIC], ['127.0.0.1'])
    const e = await newEndpoint(h, `http://rebind.example.com:${rx.port}/hook`)
    await e.send()
    const d = await eventually('the refusal', async () => (await e.deliveries('?status=failed')).deliveries[0])
    expect(d.attemptLog[0].error).toContain('loopback')
    expect(d.attemptLog[0].statusCode).toBeNull()
    expect(rx.received).toHaveLength(0)
  })

  test('a name that resolves to the metadata address at delivery is refused', async () => {
    h.dns.set('meta.example.com', [PUBLIC], ['169.254.169.254'])
    const e = await newEndpoint(h, 'http://meta.example.com/hook')
    await e.send()
    const d = await eventually('the refusal', async () => (await e.deliveries('?status=failed')).deliveries[0])
    expect(d.attemptLog[0].error).toContain('metadata')
  })

  test('one attempt looks the name up once and connects to that answer (a second answer is never used)', async () => {
    const rx = receiver()
    // Registration and the attempt's check see a public address; any later lookup would see the receiver.
    h.dns.set('flip.example.com', [PUBLIC], [PUBLIC], ['127.0.0.1'])
    const e = await newEndpoint(h, `http://flip.example.com:${rx.port}/hook`)
    await e.send()
    await eventually('the attempt', async () => (await e.deliveries('?status=failed')).deliveries[0])
    expect(h.dns.lookups.get('flip.example.com')).toBe(2)
    expect(rx.received).toHaveLength(0)
  })
})

describe('an endpoint failing for the configured time', () => {
  test('is disabled and its managers told', async () => {
    h.dns.set('down.example.com', [PUBLIC], ['169.254.169.254'])
    const e = await newEndpoint(h, 'http://down.example.com/hook')
    await e.send()
    await eventually('the first failure', async () => (await e.endpoint()).failingSince)
    expect((await e.endpoint()).enabled).toBe(true)
    await Bun.sleep(1100)
    await e.send()
    const ep = await eventually('disabled', async () => {
      const x = await e.endpoint()
      return !x.enabled && x
    })
    expect(ep.disabledReason).toBe('failing')
    const [n] = await notificationsOf(h, e.w.owner.accessToken)
    expect(n).toMatchObject({ type: 'webhook_disabled', targetId: e.id, data: { reason: 'failing', endpointId: e.id } })
  })
})

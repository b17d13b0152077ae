// The public feed URL is counted per client IP (every request, good token or bad) and per
// feed (however many IPs fetch it): past either limit a 429 in the error shape, with Retry-After.
import { describe, expect, test } from 'bun:test'
import { newCommunity, ok } from '../../helpers/community'
import { as, startEvents } from './helpers'

// TRUST_PROXY is on in test apps: X-Forwarded-For names the client.
const h = await startEvents({ env: { RATE_CALENDAR_FEED_PER_IP: '4/60', RATE_CALENDAR_FEED_PER_TOKEN: '3/60' } })
const w = await newCommunity(h.app.http)
const feedOf = async () => ok(await h.http.get('/v1/me/calendar', as(await w.join()))).body.url as string
const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } })

async function limited(res: Response) {
  const body: any = await res.json().catch(() => undefined)
  return res.status === 429 && body?.error?.code === 'rate_limited' && Number(res.headers.get('retry-after')) > 0
}

describe('feed rate limits', () => {
  test('one IP guessing tokens is stopped after its limit', async () => {
    const guess = () => fetch(`${h.app.url}/v1/calendar/${'A'.repeat(43)}.ics`, from('10.0.0.1'))
    for (let i = 0; i < 4; i++) expect((await guess()).status).toBe(404)
    expect(await limited(await guess())).toBe(true)
  })

  test("an IP's limit counts real feeds too; another IP is not affected", async () => {
    const url = await feedOf()
    for (let i = 0; i < 3; i++) expect((await fetch(url, from('10.0.0.2'))).status).toBe(200)
    expect((await fetch(`${h.app.url}/v1/calendar/${'B'.repeat(43)}.ics`, from('10.0.0.2'))).status).toBe(404)
    expect(await limited(await fetch(url, from('10.0.0.2')))).toBe(true)
    expect((await fetch(await feedOf(), from('10.0.0.3'))).status).toBe(200)
  })

  test('one feed fetched from many IPs is stopped after its own limit; other feeds are not', async () => {
    const url = await feedOf()
    for (let i = 0; i < 3; i++) expect((await fetch(url, from(`10.1.0.${i}`))).status).toBe(200)
    expect(await limited(await fetch(url, from('10.1.0.9')))).toBe(true)
    expect((await fetch(await feedOf(), from('10.1.0.9'))).status).toBe(200)
  })
})

import { describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import type { WebhooksConfig } from '../../../src/config'
import { newCommunity, ok, type TestUser } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { eventually } from '../../helpers/wait'
import { HookPoster } from '../../../src/modules/webhooks/hook-poster'
import { startWebhooksApp } from './harness'

const h = await startWebhooksApp()
const w = await newCommunity(h.http)
const room = await w.room('alerts')
const manager = await w.join()
const member = await w.join()
const outsider = await registerUser(h.http)
await w.grant(manager, (await w.role('hooks', ['manage_webhooks'])).id)

const STRIPE_SECRET = 'whsec_' + 'stripe-test-secret-0123456789'

async function newHook(verify?: string, by: TestUser = manager, extra: Record<string, unknown> = {}) {
  const res = ok(await h.http.post(`/v1/rooms/${room.id}/incoming-webhooks`, { name: 'CI', verify, ...extra }, w.as(by)), 201)
  const path = new URL(res.body.url).pathname
  return { ...res.body, path } as { id: string; url: string; path: string; secret?: string; verify: string }
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  h.http.post(path, undefined, { raw: body, headers: { 'content-type': 'application/json', ...headers } })

const now = () => Math.floor(Date.now() / 1000)

async function withConfig<T>(patch: Partial<WebhooksConfig>, fn: () => Promise<T>): Promise<T> {
  const before = { ...h.config }
  Object.assign(h.config, patch)
  try {
    return await fn()
  } finally {
    Object.assign(h.config, before)
  }
}

const postedFor = (hookId: string) => h.posted.filter((p) => p.hookId === hookId)

function standardHeaders(secret: string, id: string, body: string, at = now()) {
  const signature = new Webhook(secret).sign(id, new Date(at * 1000), body)
  return { 'webhook-id': id, 'webhook-timestamp': String(at), 'webhook-signature': signature }
}

const githubSignature = (secret: string, body: string) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex')

function stripeHeader(secret: string, body: string, at = now()) {
  return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`
}

describe('creating incoming hooks', () => {
  test('a manager gets a URL, and a secret for a signing provider', async () => {
    const token = await newHook()
    expect(token.url).toMatch(new RegExp(`/v1/hooks/${token.id}/[A-Za-z0-9_-]{32}$`))
    expect(token.secret).toBeUndefined()
    expect((await newHook('standard')).secret).toMatch(/^whsec_/)
    expect((await newHook('github')).secret).toBeString()
  })

  test('a stripe hook takes the secret Stripe issued', async () => {
    expect((await newHook('stripe', manager, { secret: STRIPE_SECRET })).secret).toBe(STRIPE_SECRET)
    const res = await h.http.post(`/v1/rooms/${room.id}/incoming-webhooks`, { name: 'pay', verify: 'stripe' }, w.as(manager))
    expect(res.status).toBe(422)
  })

  test('listed without their tokens or secrets', async () => {
    const hook = await newHook('standard')
    const list = ok(await h.http.get(`/v1/rooms/${room.id}/incoming-webhooks`, w.as(manager))).body.hooks
    expect(list.find((x: any) => x.id === hook.id)).toMatchObject({ name: 'CI', verify: 'standard', enabled: true })
    expect(JSON.stringify(list)).not.toContain(hook.secret!)
    expect(JSON.stringify(list)).not.toContain(hook.path.split('/').pop()!)
  })

  test('no token: 401', async () => {
    expect((await h.http.post(`/v1/rooms/${room.id}/incoming-webhooks`, { name: 'x' })).status).toBe(401)
  })

  test('a bad token: 401', async () => {
    expect((await h.http.post(`/v1/rooms/${room.id}/incoming-webhooks`, { name: 'x' }, { token: 'nope' })).status).toBe(401)
  })

  test('a member without manage_webhooks: 403', async () => {
    const res = await h.http.post(`/v1/rooms/${room.id}/incoming-webhooks`, { name: 'x' }, w.as(member))
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('missing_permission')
  })

  test("another community's user: 404", async () => {
    expect((await h.http.post(`/v1/rooms/${room.id}/incoming-webhooks`, { name: 'x' }, w.as(outsider))).status).toBe(404)
  })

  test("a member without manage_webhooks cannot turn someone's hook off", async () => {
    const hook = await newHook()
    expect((await h.http.patch(`/v1/incoming-webhooks/${hook.id}`, { enabled: false }, w.as(member))).status).toBe(403)
  })
})

describe('verify: token', () => {
  test('good: 202 with an id, then the message appears as the hook', async () => {
    const hook = await newHook()
    const res = await post(hook.path, JSON.stringify({ body: 'build #12 passed' }))
    expect(res.status).toBe(202)
    expect(res.body.id).toBeString()
    const [msg] = await eventually('the message', async () => postedFor(hook.id).length === 1 && postedFor(hook.id))
    expect(msg).toEqual({ roomId: room.id, hookId: hook.id, name: 'CI', body: 'build #12 passed', nonce: res.body.id })
  })

  test('username overrides the name shown', async () => {
    const hook = await newHook()
    await post(hook.path, JSON.stringify({ body: 'deployed', username: 'Deploy bot' }))
    const [msg] = await eventually('the message', async () => postedFor(hook.id).length === 1 && postedFor(hook.id))
    expect(msg!.name).toBe('Deploy bot')
  })

  test('a wrong token: 404', async () => {
    const hook = await newHook()
    const wrong = hook.path.replace(/[^/]+$/, 'A'.repeat(32))
    expect((await post(wrong, JSON.stringify({ body: 'x' }))).status).toBe(404)
  })

  test('a replayed Idempotency-Key: 409', async () => {
    const hook = await newHook()
    const headers = { 'idempotency-key': 'deploy-77' }
    expect((await post(hook.path, JSON.stringify({ body: 'x' }), headers)).status).toBe(202)
    const again = await post(hook.path, JSON.stringify({ body: 'x' }), headers)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('webhook_replayed')
  })

  test('a body that is not {body}: 422', async () => {
    const hook = await newHook()
    expect((await post(hook.path, JSON.stringify({ text: 'x' }))).status).toBe(422)
  })

  test('a body with a NUL character: 422', async () => {
    const hook = await newHook()
    expect((await post(hook.path, JSON.stringify({ body: 'a\u0000b' }))).status).toBe(422)
  })

  test('a disabled hook: 404', async () => {
    const hook = await newHook()
    ok(await h.http.patch(`/v1/incoming-webhooks/${hook.id}`, { enabled: false }, w.as(manager)))
    expect((await post(hook.path, JSON.stringify({ body: 'x' }))).status).toBe(404)
  })

  test('a deleted hook: 404', async () => {
    const hook = await newHook()
    expect((await h.http.delete(`/v1/incoming-webhooks/${hook.id}`, w.as(manager))).status).toBe(204)
    expect((await post(hook.path, JSON.stringify({ body: 'x' }))).status).toBe(404)
  })

  test('rate-limited per hook', async () => {
    const hook = await newHook()
    const other = await newHook()
    await withConfig({ incomingRate: { limit: 3, windowSeconds: 60 } }, async () => {
      for (let i = 0; i < 3; i++) expect((await post(hook.path, JSON.stringify({ body: `n${i}` }))).status).toBe(202)
      const limited = await post(hook.path, JSON.stringify({ body: 'one more' }))
      expect(limited.status).toBe(429)
      expect(limited.headers.get('retry-after')).toBeTruthy()
      expect((await post(other.path, JSON.stringify({ body: 'x' }))).status).toBe(202)
    })
  })

  test('a body over the limit: 413', async () => {
    const hook = await newHook()
    await withConfig({ incomingMaxBytes: 2048 }, async () => {
      expect((await post(hook.path, JSON.stringify({ body: 'x'.repeat(3000) }))).status).toBe(413)
    })
  })

  test('a chunked body over the limit (no Content-Length): 413', async () => {
    const hook = await newHook()
    await withConfig({ incomingMaxBytes: 2048 }, async () => {
      const chunk = new TextEncoder().encode('x'.repeat(1000))
      const stream = new ReadableStream({
        start(c) {
          for (let i = 0; i < 4; i++) c.enqueue(chunk)
          c.close()
        },
      })
      const res = await fetch(h.url + hook.path, { method: 'POST', body: stream, headers: { 'content-type': 'application/json' } })
      expect(res.status).toBe(413)
    })
  })
})

describe('verify: standard (Standard Webhooks)', () => {
  // Odd spacing and key order: only the raw bytes verify, so nothing may re-serialise the body first.
  const body = '{"type":"deploy.finished",  "data": {"ok" : true, "env":"prod\\u00e9"}}'

  test('good: 202, the raw bytes verified, the JSON posted', async () => {
    const hook = await newHook('standard')
    const res = await post(hook.path, body, standardHeaders(hook.secret!, 'msg_good_1', body))
    expect(res.status).toBe(202)
    expect(res.body.id).toBe('msg_good_1')
    const [msg] = await eventually('the message', async () => postedFor(hook.id).length === 1 && postedFor(hook.id))
    expect(msg!.body).toStartWith('```json\n')
    expect(msg!.body).toContain('"type": "deploy.finished"')
    expect(msg!.nonce).toBe('msg_good_1')
  })

  test('a tampered body: 401', async () => {
    const hook = await newHook('standard')
    const res = await post(hook.path, body.replace('true', 'false'), standardHeaders(hook.secret!, 'msg_t', body))
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('webhook_signature_invalid')
  })

  test('a re-serialised body (same JSON, other bytes): 401', async () => {
    const hook = await newHook('standard')
    const res = await post(hook.path, JSON.stringify(JSON.parse(body)), standardHeaders(hook.secret!, 'msg_r', body))
    expect(res.status).toBe(401)
  })

  test('a stale timestamp: 401', async () => {
    const hook = await newHook('standard')
    const res = await post(hook.path, body, standardHeaders(hook.secret!, 'msg_old', body, now() - 600))
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('webhook_timestamp_out_of_window')
  })

  test('a timestamp from the future: 401', async () => {
    const hook = await newHook('standard')
    const res = await post(hook.path, body, standardHeaders(hook.secret!, 'msg_future', body, now() + 600))
    expect(res.body.error.code).toBe('webhook_timestamp_out_of_window')
  })

  test('a replayed id: 409', async () => {
    const hook = await newHook('standard')
    expect((await post(hook.path, body, standardHeaders(hook.secret!, 'msg_once', body))).status).toBe(202)
    const again = await post(hook.path, body, standardHeaders(hook.secret!, 'msg_once', body))
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('webhook_replayed')
  })

  test('a wrong secret: 401', async () => {
    const hook = await newHook('standard')
    const other = 'whsec_' + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')
    expect((await post(hook.path, body, standardHeaders(other, 'msg_w', body))).status).toBe(401)
  })

  test('the right signature with the wrong URL token: 404', async () => {
    const hook = await newHook('standard')
    const wrong = hook.path.replace(/[^/]+$/, 'B'.repeat(32))
    expect((await post(wrong, body, standardHeaders(hook.secret!, 'msg_u', body))).status).toBe(404)
  })
})

describe('verify: github', () => {
  const push = JSON.stringify({
    ref: 'refs/heads/main',
    repository: { full_name: 'acme/site' },
    sender: { login: 'ada' },
    compare: 'https://github.com/acme/site/compare/a...b',
    commits: [
      { id: 'abcdef1234567', message: 'Fix the footer\n\nLong text' },
      { id: '1234567abcdef', message: 'Add a page' },
    ],
  })
  const headers = (secret: string, delivery: string, body = push, event = 'push') => ({
    'x-hub-signature-256': githubSignature(secret, body),
    'x-github-delivery': delivery,
    'x-github-event': event,
  })

  test('good: a push becomes a readable summary', async () => {
    const hook = await newHook('github')
    const res = await post(hook.path, push, headers(hook.secret!, 'gh-1'))
    expect(res.status).toBe(202)
    expect(res.body.id).toBe('gh-1')
    const [msg] = await eventually('the message', async () => postedFor(hook.id).length === 1 && postedFor(hook.id))
    expect(msg!.body).toBe(
      '[acme/site] ada pushed 2 commits to main\n- abcdef1 Fix the footer\n- 1234567 Add a page\nhttps://github.com/acme/site/compare/a...b',
    )
  })

  test('a pull request and an issue read as sentences', async () => {
    const hook = await newHook('github')
    const pr = JSON.stringify({
      action: 'closed',
      repository: { full_name: 'acme/site' },
      sender: { login: 'bo' },
      pull_request: { number: 7, title: 'New nav', merged: true, html_url: 'https://github.com/acme/site/pull/7' },
    })
    const issue = JSON.stringify({
      action: 'opened',
      repository: { full_name: 'acme/site' },
      sender: { login: 'cy' },
      issue: { number: 9, title: 'Broken link', html_url: 'https://github.com/acme/site/issues/9' },
    })
    expect((await post(hook.path, pr, headers(hook.secret!, 'gh-pr', pr, 'pull_request'))).status).toBe(202)
    expect((await post(hook.path, issue, headers(hook.secret!, 'gh-is', issue, 'issues'))).status).toBe(202)
    const msgs = await eventually('two messages', async () => postedFor(hook.id).length === 2 && postedFor(hook.id))
    expect(msgs.map((m) => m.body).sort()).toEqual([
      '[acme/site] bo merged pull request #7: New nav\nhttps://github.com/acme/site/pull/7',
      '[acme/site] cy opened issue #9: Broken link\nhttps://github.com/acme/site/issues/9',
    ])
  })

  test("a sender's NUL characters and lone surrogates never reach the message", async () => {
    const hook = await newHook('github')
    const body = JSON.stringify({ action: 'opened', repository: { full_name: 'acme/\u0000x' }, sender: { login: 'bad\ud800' }, issue: { number: 1, title: 't' } })
    await post(hook.path, body, headers(hook.secret!, 'gh-nul', body, 'issues'))
    const [msg] = await eventually('the message', async () => postedFor(hook.id).length === 1 && postedFor(hook.id))
    expect(msg!.body).toStartWith('[acme/x] bad\ufffd opened issue #1: t')
  })

  test('another event is posted as JSON', async () => {
    const hook = await newHook('github')
    const star = JSON.stringify({ action: 'created', repository: { full_name: 'acme/site' } })
    await post(hook.path, star, headers(hook.secret!, 'gh-star', star, 'star'))
    const [msg] = await eventually('the message', async () => postedFor(hook.id).length === 1 && postedFor(hook.id))
    expect(msg!.body).toStartWith('```json\n')
  })

  test('a tampered body: 401', async () => {
    const hook = await newHook('github')
    const res = await post(hook.path, push.replace('main', 'prod'), headers(hook.secret!, 'gh-t'))
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('webhook_signature_invalid')
  })

  test('a replayed X-GitHub-Delivery: 409', async () => {
    const hook = await newHook('github')
    expect((await post(hook.path, push, headers(hook.secret!, 'gh-dup'))).status).toBe(202)
    expect((await post(hook.path, push, headers(hook.secret!, 'gh-dup'))).status).toBe(409)
  })

  test('a wrong secret: 401', async () => {
    const hook = await newHook('github')
    expect((await post(hook.path, push, headers('not-the-secret', 'gh-w'))).status).toBe(401)
  })

  test('no X-GitHub-Delivery: 400', async () => {
    const hook = await newHook('github')
    const res = await post(hook.path, push, { 'x-hub-signature-256': githubSignature(hook.secret!, push) })
    expect(res.status).toBe(400)
  })
})

describe('verify: stripe', () => {
  const event = (id: string) =>
    JSON.stringify({
      id,
      type: 'payment_intent.succeeded',
      livemode: false,
      data: { object: { id: 'pi_123', amount: 1234, amount_received: 1234, currency: 'eur' } },
    })
  const hook = () => newHook('stripe', manager, { secret: STRIPE_SECRET })

  test('good: a payment becomes a readable line', async () => {
    const h1 = await hook()
    const body = event('evt_good')
    const res = await post(h1.path, body, { 'stripe-signature': stripeHeader(STRIPE_SECRET, body) })
    expect(res.status).toBe(202)
    expect(res.body.id).toBe('evt_good')
    const [msg] = await eventually('the message', async () => postedFor(h1.id).length === 1 && postedFor(h1.id))
    expect(msg!.body).toBe('Payment succeeded: €12.34 (pi_123) [test mode]')
    expect(msg!.nonce).toBe('evt_good')
  })

  test('a tampered body: 401', async () => {
    const h1 = await hook()
    const body = event('evt_t')
    const res = await post(h1.path, body.replace('1234', '9999'), { 'stripe-signature': stripeHeader(STRIPE_SECRET, body) })
    expect(res.status).toBe(401)
  })

  test('a stale timestamp: 401', async () => {
    const h1 = await hook()
    const body = event('evt_old')
    const res = await post(h1.path, body, { 'stripe-signature': stripeHeader(STRIPE_SECRET, body, now() - 301) })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('webhook_timestamp_out_of_window')
  })

  test('a replayed event id: 409', async () => {
    const h1 = await hook()
    const body = event('evt_dup')
    expect((await post(h1.path, body, { 'stripe-signature': stripeHeader(STRIPE_SECRET, body) })).status).toBe(202)
    expect((await post(h1.path, body, { 'stripe-signature': stripeHeader(STRIPE_SECRET, body) })).status).toBe(409)
  })

  test('a wrong secret: 401', async () => {
    const h1 = await hook()
    const body = event('evt_w')
    expect((await post(h1.path, body, { 'stripe-signature': stripeHeader('whsec_other-secret-000000', body) })).status).toBe(401)
  })
})

describe('after queueing', () => {
  test('an event whose hook was turned off before its job ran posts nothing', async () => {
    const hook = await newHook()
    ok(await h.http.patch(`/v1/incoming-webhooks/${hook.id}`, { enabled: false }, w.as(manager)))
    const posted: unknown[] = []
    const poster = new HookPoster({ db: h.app.res.db, postMessage: async (m) => void posted.push(m) })
    const job = { hookId: hook.id, eventId: 'e1', verify: 'token' as const, body: JSON.stringify({ body: 'late' }) }
    expect(await poster.post(job)).toBe('dropped')
    expect(posted).toHaveLength(0)
  })

  test('a sender id longer than a message nonce is hashed to one', async () => {
    const hook = await newHook('standard')
    const id = 'msg_' + 'x'.repeat(150)
    const body = '{"a":1}'
    expect((await post(hook.path, body, standardHeaders(hook.secret!, id, body))).status).toBe(202)
    const [msg] = await eventually('the message', async () => postedFor(hook.id).length === 1 && postedFor(hook.id))
    expect(msg!.nonce).toMatch(/^[0-9a-f]{64}$/)
  })
})

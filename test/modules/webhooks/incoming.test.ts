import { describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import type { WebhooksConfig } from '../../../src/config'
import { Webhook } from 'standardwebhooks'
import { newCommunity, ok, type TestUser } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { eventually } from '../../helpers/wait'
import { HookPoster } from '../../../src/modules/webhooks/hook-poster'
import { startWebhooksApp, withConfig as withSettings } from './harness'

const h = await startWebhooksApp()
const w = await newCommunity(h.http)
const room = await w.room('alerts')
const manager = await w.join()
const member = await w.join()
const outsider = await registerUser(h.http)
await w.grant(manager, (await w.role('hooks', ['manage_webhooks'])).id)

const STRIPE_SECRET = 'whsec_' + 'stripe-test-secret-0123456789'

interface Hook {
  id: string
  url: string
  path: string
  secret?: string
  verify: string
  botUserId: string
  roomId: string
}

async function newHook(verify?: string, by: TestUser = manager, extra: Record<string, unknown> = {}, roomId: string = room.id): Promise<Hook> {
  const res = ok(await h.http.post(`/v1/rooms/${roomId}/incoming-webhooks`, { name: 'CI', verify, ...extra }, w.as(by)), 201)
  const path = new URL(res.body.url).pathname
  return { ...res.body, path }
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  h.http.post(path, undefined, { raw: body, headers: { 'content-type': 'application/json', ...headers } })

const now = () => Math.floor(Date.now() / 1000)

const withConfig = <T>(patch: Partial<WebhooksConfig>, fn: () => Promise<T>) => withSettings(h, patch, fn)

interface Posted {
  id: string
  authorId: string
  body: string
  nonce: string
  mentions: string[]
  mentionEveryone: boolean
}

/** The messages a hook's bot has in the hook's room, as a member of the room reads them. */
async function messagesOf(hook: Hook): Promise<Posted[]> {
  const page = ok(await h.http.get(`/v1/rooms/${hook.roomId}/messages?limit=100`, w.as(w.owner))).body
  return (page.messages as Posted[]).filter((m) => m.authorId === hook.botUserId)
}

/** Waits until the hook has posted `count` messages, and answers them. */
const posted = (hook: Hook, count = 1) => eventually(`${count} message(s) from the hook`, async () => {
  const mine = await messagesOf(hook)
  return mine.length >= count && mine
})

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

  test('a name of spaces only: 422 naming /name, on create and on rename, and nothing changes', async () => {
    const refused = await h.http.post(`/v1/rooms/${room.id}/incoming-webhooks`, { name: '   ' }, w.as(manager))
    expect(refused.status).toBe(422)
    expect(refused.body.error.details).toEqual([{ path: '/name', message: 'must not be blank' }])
    const hook = await newHook()
    expect((await h.http.patch(`/v1/incoming-webhooks/${hook.id}`, { name: ' \t ' }, w.as(manager))).status).toBe(422)
    const list = ok(await h.http.get(`/v1/rooms/${room.id}/incoming-webhooks`, w.as(manager))).body.hooks
    expect(list.find((x: any) => x.id === hook.id).name).toBe('CI')
    expect(list.every((x: any) => x.name.trim() !== '')).toBe(true)
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

describe("the hook's bot", () => {
  const memberNamed = async (userId: string) => {
    const page = ok(await h.http.get(`/v1/communities/${w.id}/members?limit=100`, w.as(w.owner))).body
    return ((page.members ?? page) as any[]).find((m) => m.userId === userId)
  }

  test('is a member named after the hook, and follows a rename', async () => {
    const hook = await newHook(undefined, manager, { name: 'Deploys' })
    expect(await memberNamed(hook.botUserId)).toMatchObject({ displayName: 'Deploys', nickname: 'Deploys', username: `hook-${hook.id}` })
    ok(await h.http.patch(`/v1/incoming-webhooks/${hook.id}`, { name: 'Releases' }, w.as(manager)))
    expect(await memberNamed(hook.botUserId)).toMatchObject({ displayName: 'Releases', nickname: 'Releases' })
  })

  test('cannot sign in', async () => {
    const hook = await newHook()
    const res = await h.http.post('/v1/auth/login', { login: `hook-${hook.id}`, password: 'anything at all' })
    expect(res.status).toBe(401)
  })

  test('leaves the community when the hook is deleted; its messages keep their author', async () => {
    const hook = await newHook()
    await post(hook.path, JSON.stringify({ body: 'last words' }))
    const [msg] = await posted(hook)
    expect((await h.http.delete(`/v1/incoming-webhooks/${hook.id}`, w.as(manager))).status).toBe(204)
    expect(await memberNamed(hook.botUserId)).toBeUndefined()
    expect(ok(await h.http.get(`/v1/messages/${msg!.id}`, w.as(member))).body.authorId).toBe(hook.botUserId)
  })

  test('leaves the community when its room is deleted (the hook goes with the room)', async () => {
    const doomed = await w.room('doomed')
    const hook = await newHook(undefined, w.owner, { name: 'Doomed' }, doomed.id)
    expect(await memberNamed(hook.botUserId)).toMatchObject({ displayName: 'Doomed' })
    expect((await h.http.delete(`/v1/rooms/${doomed.id}`, w.as(w.owner))).status).toBe(204)
    expect(await memberNamed(hook.botUserId)).toBeUndefined()
    expect((await post(hook.path, JSON.stringify({ body: 'anyone?' }))).status).toBe(404)
  })

  test('posts into a private room it was made for', async () => {
    const secret = await w.room('ops', { private: true })
    const hook = await newHook(undefined, w.owner, {}, secret.id)
    expect((await post(hook.path, JSON.stringify({ body: 'in private' }))).status).toBe(202)
    expect((await posted(hook))[0]!.body).toBe('in private')
  })
})

describe('verify: token', () => {
  test('good: 202 with an id, then the message appears, authored by the hook\'s bot', async () => {
    const hook = await newHook()
    const res = await post(hook.path, JSON.stringify({ body: 'build #12 passed' }))
    expect(res.status).toBe(202)
    expect(res.body.id).toBeString()
    const [msg] = await posted(hook)
    expect(msg).toMatchObject({ authorId: hook.botUserId, body: 'build #12 passed', nonce: res.body.id })
  })

  test('@everyone and @here are posted without mentioning anyone; @name mentions', async () => {
    const named = ok(await h.http.get('/v1/users/me', w.as(member))).body
    const hook = await newHook()
    expect((await post(hook.path, JSON.stringify({ body: `@everyone deploy done, @here too, thanks @${named.username}` }))).status).toBe(202)
    const [msg] = await posted(hook)
    expect(msg!.mentionEveryone).toBe(false)
    expect(msg!.body).toBe(`@\u200beveryone deploy done, @\u200bhere too, thanks @${named.username}`)
    expect(msg!.mentions).toEqual([member.id])
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

  test('an Idempotency-Key shaped like the nonce of a poll or survey still posts its message', async () => {
    const hook = await newHook()
    const res = await post(hook.path, JSON.stringify({ body: 'looks reserved' }), { 'idempotency-key': 'poll.release-3' })
    expect(res.status).toBe(202)
    expect((await posted(hook))[0]!.body).toBe('looks reserved')
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
      const res = await fetch(h.app.url + hook.path, { method: 'POST', body: stream, headers: { 'content-type': 'application/json' } })
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
    const [msg] = await posted(hook)
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
    const [msg] = await posted(hook)
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
    const msgs = await posted(hook, 2)
    expect(msgs.map((m) => m.body).sort()).toEqual([
      '[acme/site] bo merged pull request #7: New nav\nhttps://github.com/acme/site/pull/7',
      '[acme/site] cy opened issue #9: Broken link\nhttps://github.com/acme/site/issues/9',
    ])
  })

  test("a sender's NUL characters and lone surrogates never reach the message", async () => {
    const hook = await newHook('github')
    const body = JSON.stringify({ action: 'opened', repository: { full_name: 'acme/\u0000x' }, sender: { login: 'bad\ud800' }, issue: { number: 1, title: 't' } })
    await post(hook.path, body, headers(hook.secret!, 'gh-nul', body, 'issues'))
    const [msg] = await posted(hook)
    expect(msg!.body).toStartWith('[acme/x] bad\ufffd opened issue #1: t')
  })

  test("a provider's @names and @everyone mention nobody here", async () => {
    const named = ok(await h.http.get('/v1/users/me', w.as(member))).body
    const hook = await newHook('github')
    const body = JSON.stringify({
      action: 'opened',
      repository: { full_name: 'acme/site' },
      sender: { login: named.username },
      issue: { number: 3, title: `@${named.username} and @everyone, see <@${member.id}>` },
    })
    expect((await post(hook.path, body, headers(hook.secret!, 'gh-at', body, 'issues'))).status).toBe(202)
    const [msg] = await posted(hook)
    expect(msg).toMatchObject({ mentions: [], mentionEveryone: false })
    expect(msg!.body).toContain(`opened issue #3: @\u200b${named.username} and @\u200beveryone`)
  })

  test('another event is posted as JSON', async () => {
    const hook = await newHook('github')
    const star = JSON.stringify({ action: 'created', repository: { full_name: 'acme/site' } })
    await post(hook.path, star, headers(hook.secret!, 'gh-star', star, 'star'))
    const [msg] = await posted(hook)
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
    const [msg] = await posted(h1)
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
  const poster = () => new HookPoster({ db: h.app.res.db, log: h.app.res.log, messages: h.app.hearth.api('messages') })

  test('an event whose hook was turned off before its job ran posts nothing', async () => {
    const hook = await newHook()
    ok(await h.http.patch(`/v1/incoming-webhooks/${hook.id}`, { enabled: false }, w.as(manager)))
    const job = { hookId: hook.id, eventId: 'e1', verify: 'token' as const, body: JSON.stringify({ body: 'late' }) }
    expect(await poster().post(job)).toBe('dropped')
    expect(await messagesOf(hook)).toHaveLength(0)
  })

  test('an event whose job runs twice is one message (its id is the nonce)', async () => {
    const hook = await newHook()
    const job = { hookId: hook.id, eventId: 'twice-1', verify: 'token' as const, body: JSON.stringify({ body: 'once' }) }
    expect(await poster().post(job)).toBe('posted')
    expect(await poster().post(job)).toBe('posted')
    expect((await messagesOf(hook)).map((m) => m.body)).toEqual(['once'])
  })

  test('a bot that may no longer send drops the event instead of retrying it', async () => {
    const hook = await newHook()
    await w.overwrite({ room: room.id }, { member: hook.botUserId }, { deny: ['send'] })
    const job = { hookId: hook.id, eventId: 'denied-1', verify: 'token' as const, body: JSON.stringify({ body: 'x' }) }
    expect(await poster().post(job)).toBe('dropped')
    await w.overwrite({ room: room.id }, { member: hook.botUserId }, { allow: ['view', 'send'] })
  })

  test("a text the community's automod blocks is dropped, not retried (each retry would be refused and audited again)", async () => {
    const hook = await newHook()
    const rule = ok(
      await h.http.post(`/v1/communities/${w.id}/automod/rules`, { name: 'no-zorp', trigger: { kind: 'keywords', terms: ['zorpword'] }, action: { kind: 'block' } }, w.as(w.owner)),
      201,
    ).body
    try {
      const job = { hookId: hook.id, eventId: 'blocked-1', verify: 'token' as const, body: JSON.stringify({ body: 'zorpword' }) }
      expect(await poster().post(job)).toBe('dropped')
      expect(await messagesOf(hook)).toHaveLength(0)
    } finally {
      ok(await h.http.delete(`/v1/automod/rules/${rule.id}`, w.as(w.owner)), 204)
    }
  })

  test('a sender id longer than a message nonce is hashed to one', async () => {
    const hook = await newHook('standard')
    const id = 'msg_' + 'x'.repeat(150)
    const body = '{"a":1}'
    expect((await post(hook.path, body, standardHeaders(hook.secret!, id, body))).status).toBe(202)
    const [msg] = await posted(hook)
    expect(msg!.nonce).toMatch(/^[0-9a-f]{64}$/)
  })
})

// Verifiers of incoming hooks. Each reads only the raw body and the headers, and
// answers the sender's event id (what replays are recognised by) or throws.
import { createHmac } from 'node:crypto'
import { AppError } from '../../lib/errors'
import { safeEqual, signingKey, standardSignature } from './signing'

export interface VerifyInput {
  secret: string
  headers: Headers
  body: string
  /** Seconds since the epoch. */
  now: number
  toleranceSeconds: number
}

export interface Verified {
  eventId: string
  /** What kind of event the sender says this is (GitHub's X-GitHub-Event), when it says so outside the body. */
  eventType?: string
}

const MAX_ID = 200

const badSignature = (message = 'the signature does not match') => new AppError('webhook_signature_invalid', message)
const outOfWindow = () => new AppError('webhook_timestamp_out_of_window', 'the timestamp is not within the allowed window of now')

function parseTimestamp(timestamp: string | null | undefined): number {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw badSignature('the signature has no valid timestamp')
  return Number(timestamp)
}

// Checked after the signature, so only a genuine (if old) message learns about the window.
function checkWindow(ts: number, input: VerifyInput): void {
  if (Math.abs(input.now - ts) > input.toleranceSeconds) throw outOfWindow()
}

function requireId(id: string | null | undefined, header: string): string {
  if (!id || id.length > MAX_ID) throw new AppError('bad_request', `the ${header} header is missing or too long`)
  return id
}

/** Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> ...`. */
export function verifyStandard(input: VerifyInput): Verified {
  const id = requireId(input.headers.get('webhook-id'), 'webhook-id')
  const ts = parseTimestamp(input.headers.get('webhook-timestamp'))
  const key = signingKey(input.secret)
  if (!key) throw new AppError('internal_error', 'the hook secret is not a whsec_ secret')
  const expected = standardSignature(key, { id, timestamp: ts, body: input.body })
  const offered = (input.headers.get('webhook-signature') ?? '').split(' ')
  const match = offered.some((part) => {
    const [version, sig] = part.split(',', 2)
    return version === 'v1' && sig !== undefined && safeEqual(sig, expected)
  })
  if (!match) throw badSignature()
  checkWindow(ts, input)
  return { eventId: id }
}

/** GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body; `X-GitHub-Delivery` names the delivery. */
export function verifyGithub(input: VerifyInput): Verified {
  const offered = input.headers.get('x-hub-signature-256') ?? ''
  const expected = 'sha256=' + createHmac('sha256', input.secret).update(input.body).digest('hex')
  if (!safeEqual(offered, expected)) throw badSignature()
  const eventId = requireId(input.headers.get('x-github-delivery'), 'X-GitHub-Delivery')
  const eventType = input.headers.get('x-github-event') ?? undefined
  return { eventId, eventType: eventType?.slice(0, 100) }
}

/** Stripe: `Stripe-Signature: t=<ts>,v1=<hex>[,v1=...]` over "t.body", keyed by the whole `whsec_` secret. */
export function verifyStripe(input: VerifyInput): Verified {
  const parts = (input.headers.get('stripe-signature') ?? '').split(',').map((p) => p.split('=', 2) as [string, string?])
  const t = parts.find(([k]) => k === 't')?.[1]
  const signatures = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v!)
  if (!t || signatures.length === 0) throw badSignature('the Stripe-Signature header is missing or malformed')
  const ts = parseTimestamp(t)
  const expected = createHmac('sha256', input.secret).update(`${t}.${input.body}`).digest('hex')
  if (!signatures.some((s) => safeEqual(s, expected))) throw badSignature()
  checkWindow(ts, input)
  let event: { id?: unknown; type?: unknown }
  try {
    event = JSON.parse(input.body)
  } catch {
    throw new AppError('malformed_body', 'a Stripe event is JSON')
  }
  if (typeof event?.id !== 'string') throw new AppError('bad_request', 'a Stripe event has an id')
  return { eventId: requireId(event.id, 'event id'), eventType: typeof event.type === 'string' ? event.type.slice(0, 100) : undefined }
}

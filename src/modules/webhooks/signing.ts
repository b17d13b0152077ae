// Standard Webhooks signing (https://www.standardwebhooks.com): the signature is the
// base64 HMAC-SHA256 of "id.timestamp.body" under the secret's decoded bytes, one
// `v1,<sig>` per secret in force, separated by spaces.
import { createHmac, timingSafeEqual } from 'node:crypto'

const PREFIX = 'whsec_'

/** A new secret: `whsec_` and 32 random bytes in base64. */
export function newSigningSecret(): string {
  return PREFIX + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')
}

/** The key bytes of a `whsec_...` secret, or undefined when it is not one. */
export function signingKey(secret: string): Buffer | undefined {
  if (!secret.startsWith(PREFIX)) return undefined
  const body = secret.slice(PREFIX.length)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return undefined
  const key = Buffer.from(body, 'base64')
  return key.length >= 16 && key.length <= 64 ? key : undefined
}

export function standardSignature(key: Buffer, msg: { id: string; timestamp: number; body: string }): string {
  return createHmac('sha256', key).update(`${msg.id}.${msg.timestamp}.${msg.body}`).digest('base64')
}

/** The `webhook-signature` header: a signature per secret, newest first. */
export function signatureHeader(secrets: string[], msg: { id: string; timestamp: number; body: string }): string {
  return secrets.map((s) => `v1,${standardSignature(signingKey(s)!, msg)}`).join(' ')
}

/** Constant-time equality of two strings (false for different lengths). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

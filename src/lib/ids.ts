/** Time-ordered UUIDs (v7): sortable by creation, safe to expose. */
export const newId = (): string => Bun.randomUUIDv7()

/** A random opaque secret, URL-safe (refresh tokens, invite codes). */
export function randomToken(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url')
}

export function sha256(text: string): string {
  return new Bun.CryptoHasher('sha256').update(text).digest('hex')
}

// Lower case only, as Hearth writes ids: an upper-case copy would be a second key for one room.
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
export const isUuid = (s: string): boolean => uuidShape.test(s)

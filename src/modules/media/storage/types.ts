/** What a client needs to send the bytes: one request with exactly these headers and exactly the declared size. */
export interface UploadTicket {
  url: string
  method: 'PUT'
  headers: Record<string, string>
  expiresAt: string
}

export interface StoredObject {
  size: number
}

/**
 * Where media bytes live. Two homes: S3 (any S3-protocol service) and a directory under
 * DATA_DIR served by Hearth itself. Keys are `<mediaId>/<name>`. Upload URLs fix the size
 * and the content type; download URLs expire.
 */
export interface MediaStorage {
  readonly kind: 'disk' | 's3'
  uploadUrl(opts: { key: string; contentType: string; size: number; expiresInSeconds: number }): Promise<UploadTicket>
  /** A signed GET; `attachment` makes the browser save the file instead of showing it. */
  downloadUrl(opts: { key: string; contentType: string; expiresInSeconds: number; attachment?: { filename: string } }): Promise<string>
  /** Undefined when nothing is stored at `key`. */
  stat(key: string): Promise<StoredObject | undefined>
  /** The object's bytes, or only its first `bytes`. */
  read(key: string, opts?: { bytes?: number }): Promise<Uint8Array>
  write(key: string, bytes: Uint8Array, contentType: string): Promise<void>
  /** Deletes what exists of `keys`; missing keys are fine. */
  remove(keys: string[]): Promise<void>
}

/** `<mediaId>/<name>`: a lower-case uuid and a short file name (no traversal, no surprises). */
export const KEY_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/[a-z0-9][a-z0-9.-]{0,39}$/

export function assertKey(key: string): void {
  if (!KEY_SHAPE.test(key)) throw new Error(`not a media storage key: ${JSON.stringify(key)}`)
}

/** `attachment; filename*=UTF-8''...`, with a plain ASCII fallback. */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

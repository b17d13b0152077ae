import { createHmac, timingSafeEqual } from 'node:crypto'
import { link, mkdir, open, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { AppError, notFound } from '../../../lib/errors'
import { randomToken } from '../../../lib/ids'
import { assertKey, attachmentDisposition, KEY_SHAPE, type MediaStorage, type StoredObject, type UploadTicket } from './types'

/** The query of a signed disk-store URL, as it arrives. */
export interface SignedQuery {
  e?: string
  n?: string
  t?: string
  d?: string
  sig?: string
}

export interface DiskStorageOptions {
  dataDir: string
  /** Prefix of the URLs handed out (e.g. https://chat.example.com); empty: paths. */
  publicUrl?: string
  /** HMAC key; unset: generated once into `dataDir/media-signing.key`. */
  signingKey?: string
}

/** The path the disk store's routes answer on. */
export const BLOB_PATH = '/v1/media/blobs'

/**
 * Media in a directory under DATA_DIR, served by Hearth with HMAC-signed, expiring URLs.
 * An upload URL names the key, the exact size and the content type; the PUT is refused
 * unless its content type is that one and the bytes actually read are exactly that many.
 * A key is written once by an upload (a second PUT is refused), so what `complete`
 * checked cannot be swapped afterwards.
 */
export class DiskStorage implements MediaStorage {
  readonly kind = 'disk'
  readonly root: string
  private secret: Promise<Buffer> | undefined

  constructor(private readonly opts: DiskStorageOptions) {
    this.root = `${opts.dataDir}/media`
  }

  async uploadUrl(opts: { key: string; contentType: string; size: number; expiresInSeconds: number }): Promise<UploadTicket> {
    assertKey(opts.key)
    const e = String(Math.floor(Date.now() / 1000) + opts.expiresInSeconds)
    const query = { e, n: String(opts.size), t: opts.contentType }
    const sig = await this.sign(['PUT', opts.key, e, query.n, query.t])
    return {
      url: this.url(opts.key, { ...query, sig }),
      method: 'PUT',
      headers: { 'content-type': opts.contentType },
      expiresAt: new Date(Number(e) * 1000).toISOString(),
    }
  }

  async downloadUrl(opts: { key: string; contentType: string; expiresInSeconds: number; attachment?: { filename: string } }): Promise<string> {
    assertKey(opts.key)
    const e = String(Math.floor(Date.now() / 1000) + opts.expiresInSeconds)
    const d = opts.attachment?.filename ?? ''
    const sig = await this.sign(['GET', opts.key, e, opts.contentType, d])
    return this.url(opts.key, { e, t: opts.contentType, ...(d ? { d } : {}), sig })
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    assertKey(key)
    try {
      const s = await stat(this.path(key))
      return { size: s.size }
    } catch (err) {
      if (isMissing(err)) return undefined
      throw err
    }
  }

  async read(key: string, opts: { bytes?: number } = {}): Promise<Uint8Array> {
    assertKey(key)
    const file = Bun.file(this.path(key))
    return new Uint8Array(await (opts.bytes ? file.slice(0, opts.bytes) : file).arrayBuffer())
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    assertKey(key)
    const path = this.path(key)
    await mkdir(dirname(path), { recursive: true })
    const tmp = `${path}.${randomToken(6)}.tmp`
    await writeFile(tmp, bytes)
    await rename(tmp, path)
  }

  async remove(keys: string[]): Promise<void> {
    for (const key of keys) assertKey(key)
    await Promise.all(keys.map((key) => unlink(this.path(key)).catch((err) => (isMissing(err) ? undefined : Promise.reject(err)))))
    // The media's folder goes with its last file; one still holding files stays.
    for (const dir of new Set(keys.map((key) => dirname(this.path(key))))) await rmdir(dir).catch(() => {})
  }

  /**
   * Takes an upload: checks the signature, the expiry, the content type and the declared
   * length, then streams the body to a temporary file, refusing it as soon as it is longer
   * than signed or if it ends shorter. Only a complete body becomes the object.
   */
  async receive(opts: { key: string; query: SignedQuery; headers: Headers; body: ReadableStream<Uint8Array> | null }): Promise<void> {
    const { key, query } = opts
    if (!KEY_SHAPE.test(key)) throw notFound('upload')
    const size = Number(query.n)
    await this.verify(['PUT', key, query.e ?? '', query.n ?? '', query.t ?? ''], query)
    if (!Number.isSafeInteger(size) || size < 0) throw new AppError('invalid_signature', 'this upload URL is not valid')
    const contentType = opts.headers.get('content-type')?.trim().toLowerCase()
    if (contentType !== query.t) {
      throw new AppError('invalid_signature', `this URL accepts content type ${query.t} only (got ${contentType ?? 'none'})`)
    }
    const declared = opts.headers.get('content-length')
    if (declared !== null && Number(declared) !== size) {
      throw new AppError('invalid_signature', `this URL accepts exactly ${size} bytes (content-length says ${declared})`)
    }
    const path = this.path(key)
    await mkdir(dirname(path), { recursive: true })
    const tmp = `${path}.${randomToken(6)}.part`
    const file = await open(tmp, 'w')
    let received = 0
    try {
      if (opts.body) {
        for await (const chunk of opts.body) {
          received += chunk.byteLength
          if (received > size) throw new AppError('bad_request', `the body is longer than the ${size} bytes this URL accepts`)
          await file.write(chunk)
        }
      }
      if (received !== size) throw new AppError('bad_request', `the body was ${received} bytes; this URL accepts exactly ${size}`)
      await file.close()
      // link fails if the key exists: an object is written once.
      await link(tmp, path).catch((err) => {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new AppError('conflict', 'this file was already uploaded')
        throw err
      })
    } finally {
      await file.close().catch(() => {})
      await unlink(tmp).catch(() => {})
    }
  }

  /** Serves a signed download; the file is never sniffed or rendered as anything but the signed type. */
  async serve(opts: { key: string; query: SignedQuery }): Promise<Response> {
    const { key, query } = opts
    if (!KEY_SHAPE.test(key)) throw notFound('file')
    await this.verify(['GET', key, query.e ?? '', query.t ?? '', query.d ?? ''], query)
    const file = Bun.file(this.path(key))
    if (!(await file.exists())) throw notFound('file')
    const maxAge = Math.max(0, Number(query.e) - Math.floor(Date.now() / 1000))
    return new Response(file, {
      headers: {
        'content-type': query.t!,
        'content-disposition': query.d ? attachmentDisposition(query.d) : 'inline',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': `private, max-age=${maxAge}`,
      },
    })
  }

  private async verify(parts: string[], query: SignedQuery): Promise<void> {
    const expected = Buffer.from(await this.sign(parts), 'hex')
    const given = Buffer.from(query.sig ?? '', 'hex')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AppError('invalid_signature', 'the signature of this URL does not match (changed or not ours)')
    }
    if (!(Number(query.e) > Date.now() / 1000)) throw new AppError('url_expired', 'this URL has expired; ask for a new one')
  }

  private async sign(parts: string[]): Promise<string> {
    return createHmac('sha256', await this.signingSecret())
      .update(parts.join('\n'))
      .digest('hex')
  }

  private signingSecret(): Promise<Buffer> {
    this.secret ??= this.opts.signingKey ? Promise.resolve(Buffer.from(this.opts.signingKey)) : loadOrCreateKey(`${this.opts.dataDir}/media-signing.key`)
    return this.secret
  }

  private url(key: string, query: Record<string, string>): string {
    return `${this.opts.publicUrl ?? ''}${BLOB_PATH}/${key}?${new URLSearchParams(query)}`
  }

  private path(key: string): string {
    return `${this.root}/${key}`
  }
}

/** The key file is created once (exclusively); every thread and restart reads the same key. */
async function loadOrCreateKey(path: string): Promise<Buffer> {
  try {
    return Buffer.from((await readFile(path, 'utf8')).trim(), 'hex')
  } catch (err) {
    if (!isMissing(err)) throw err
  }
  await mkdir(dirname(path), { recursive: true })
  try {
    await writeFile(path, Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex'), { flag: 'wx', mode: 0o600 })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  // Another thread may have created the file an instant ago and still be writing it.
  for (let i = 0; i < 50; i++) {
    const hex = (await readFile(path, 'utf8')).trim()
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex')
    await Bun.sleep(20)
  }
  throw new Error(`${path} does not hold a 32-byte hex key: delete it (a new one is made) or set MEDIA_SIGNING_KEY`)
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'ENOENT'

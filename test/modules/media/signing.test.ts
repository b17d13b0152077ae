// What the upload and download URLs fix. s3rver does not verify signatures, so for S3
// the URL itself is examined (size and type among what is signed); the disk store,
// which verifies, is made to refuse every change.
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { loadConfig } from '../../../src/config'
import { newId } from '../../../src/lib/ids'
import { S3Storage } from '../../../src/modules/media/storage'
import { mediaKeys } from '../../../src/modules/media/view'
import { ok } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { startMediaApp } from '../../helpers/media'
import * as files from './fixtures'

setDefaultTimeout(20_000)

describe('S3 upload URLs', () => {
  const s3 = new S3Storage(
    loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9', S3_BUCKET: 'hearth-media', S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' }).s3,
  )
  const key = mediaKeys.original(newId())
  const ticket = () => s3.uploadUrl({ key, contentType: 'image/png', size: 1234, expiresInSeconds: 600 })

  test('content-length and content-type are signed headers', async () => {
    const url = new URL((await ticket()).url)
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toEqual(['content-length', 'content-type', 'host'])
  })

  test('the URL expires in the minutes asked', async () => {
    const url = new URL((await ticket()).url)
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600')
  })

  test('the URL carries no checksum the client would have to compute', async () => {
    const params = [...new URL((await ticket()).url).searchParams.keys()].map((k) => k.toLowerCase())
    expect(params.filter((k) => k.includes('checksum'))).toEqual([])
  })

  test('the client is told to send exactly the signed content type', async () => {
    expect((await ticket()).headers).toEqual({ 'content-type': 'image/png' })
  })

  test('a download URL fixes the type and disposition it is served with', async () => {
    const url = new URL(await s3.downloadUrl({ key, contentType: 'application/pdf', expiresInSeconds: 60, attachment: { filename: 'a.pdf' } }))
    expect(url.searchParams.get('response-content-type')).toBe('application/pdf')
    expect(url.searchParams.get('response-content-disposition')).toStartWith('attachment; filename="a.pdf"')
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('the disk store verifies what it signed', async () => {
  const app = await startMediaApp('disk')
  const u = await registerUser(app.http)
  const bytes = await files.png(60, 60)

  /** A fresh upload of `bytes` declared as PNG; answers its ticket. */
  const ticket = async () =>
    ok(await app.http.post('/v1/media/uploads', { filename: 'a.png', contentType: 'image/png', size: bytes.length }, { token: u.accessToken }), 201).body
      .upload as { url: string; headers: Record<string, string> }
  const send = (url: string, body: Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = { 'content-type': 'image/png' }) =>
    fetch(app.absolute(url), { method: 'PUT', headers, body })
  const withParam = (url: string, name: string, value: string | null) => {
    const u = new URL(app.absolute(url))
    if (value === null) u.searchParams.delete(name)
    else u.searchParams.set(name, value)
    return u.toString()
  }
  const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as any).error })

  test('the signed file is accepted', async () => {
    expect((await send((await ticket()).url, bytes)).status).toBe(200)
  })

  test('another content type is refused (403)', async () => {
    const res = await send((await ticket()).url, bytes, { 'content-type': 'text/html' })
    expect(await errorOf(res)).toMatchObject({ status: 403, code: 'invalid_signature', message: 'this URL accepts content type image/png only (got text/html)' })
  })

  test('more bytes than signed are refused (403 on the declared length)', async () => {
    const res = await send((await ticket()).url, new Uint8Array([...bytes, 0, 0]))
    expect(await errorOf(res)).toMatchObject({ status: 403, code: 'invalid_signature' })
  })

  test('fewer bytes than signed are refused (403 on the declared length)', async () => {
    const res = await send((await ticket()).url, bytes.slice(0, -1))
    expect(await errorOf(res)).toMatchObject({ status: 403, code: 'invalid_signature' })
  })

  test('a streamed body with no length is counted as it is read: longer than signed is refused (400) and nothing is stored', async () => {
    const t = await ticket()
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes)
        c.enqueue(new Uint8Array(100))
        c.close()
      },
    })
    const res = await send(t.url, stream)
    expect(await errorOf(res)).toMatchObject({ status: 400, message: `the body is longer than the ${bytes.length} bytes this URL accepts` })
    const key = new URL(app.absolute(t.url)).pathname.split('/blobs/')[1]!
    expect(await app.storage.stat(key)).toBeUndefined()
  })

  test('a streamed body shorter than signed is refused (400)', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, 10))
        c.close()
      },
    })
    const res = await send((await ticket()).url, stream)
    expect(await errorOf(res)).toMatchObject({ status: 400, message: `the body was 10 bytes; this URL accepts exactly ${bytes.length}` })
  })

  test('a size changed in the URL breaks the signature (403)', async () => {
    const res = await send(withParam((await ticket()).url, 'n', String(bytes.length + 1)), new Uint8Array([...bytes, 0]))
    expect(await errorOf(res)).toMatchObject({ status: 403, code: 'invalid_signature' })
  })

  test('a type changed in the URL breaks the signature (403)', async () => {
    const res = await send(withParam((await ticket()).url, 't', 'text/html'), bytes, { 'content-type': 'text/html' })
    expect(await errorOf(res)).toMatchObject({ status: 403, code: 'invalid_signature' })
  })

  test('a later expiry written into the URL breaks the signature (403)', async () => {
    const t = await ticket()
    const later = String(Number(new URL(app.absolute(t.url)).searchParams.get('e')) + 3600)
    expect(await errorOf(await send(withParam(t.url, 'e', later), bytes))).toMatchObject({ status: 403, code: 'invalid_signature' })
  })

  test('an upload URL cannot be used twice: the first file stays (409)', async () => {
    const t = await ticket()
    expect((await send(t.url, bytes)).status).toBe(200)
    const again = await send(t.url, bytes)
    expect(again.status).toBe(409)
  })

  test('an expired upload URL is refused (403 url_expired)', async () => {
    const key = mediaKeys.original(newId())
    const t = await app.storage.uploadUrl({ key, contentType: 'image/png', size: bytes.length, expiresInSeconds: 1 })
    await Bun.sleep(2100)
    expect(await errorOf(await send(t.url, bytes))).toMatchObject({ status: 403, code: 'url_expired' })
  })

  describe('downloads', () => {
    const key = mediaKeys.file(newId())
    const body = files.text()
    const signed = async () => {
      await app.storage.write(key, body, 'text/plain')
      return app.storage.downloadUrl({ key, contentType: 'text/plain; charset=utf-8', expiresInSeconds: 60, attachment: { filename: 'n.txt' } })
    }

    test('a signed download is served as the signed type, as an attachment, never sniffed', async () => {
      const res = await fetch(app.absolute(await signed()))
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
      expect(res.headers.get('content-disposition')).toStartWith('attachment; filename="n.txt"')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(body)
    })

    test('a download whose type was changed to HTML is refused (403)', async () => {
      expect((await fetch(withParam(await signed(), 't', 'text/html'))).status).toBe(403)
    })

    test('a download whose attachment disposition was removed is refused (403)', async () => {
      expect((await fetch(withParam(await signed(), 'd', null))).status).toBe(403)
    })

    test('a download of another key with the same signature is refused (403)', async () => {
      const other = mediaKeys.file(newId())
      await app.storage.write(other, body, 'text/plain')
      const url = (await signed()).replace(key, other)
      expect((await fetch(app.absolute(url))).status).toBe(403)
    })

    test('a download URL for a path outside the store is refused (422)', async () => {
      const url = (await signed()).replace(key, `${newId()}/..%2F..%2Fmedia-signing.key`)
      expect((await fetch(app.absolute(url))).status).toBe(422) // the name fails the key shape before anything is read
    })
  })
})

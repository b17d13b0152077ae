import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import type { Config } from '../../../config'
import { assertKey, attachmentDisposition, type MediaStorage, type StoredObject, type UploadTicket } from './types'

/**
 * Media in an S3 bucket. Upload URLs are presigned PUTs with `content-type` and
 * `content-length` among the signed headers, so the service refuses any other size or
 * type. Checksums are added only when an operation requires one: a presigned URL must not
 * carry a checksum the client cannot compute.
 */
export class S3Storage implements MediaStorage {
  readonly kind = 's3'
  private readonly client: S3Client
  private readonly bucket: string

  constructor(s3: Config['s3']) {
    this.bucket = s3.bucket
    this.client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: s3.forcePathStyle,
      credentials: s3.accessKeyId && s3.secretAccessKey ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    })
  }

  async uploadUrl(opts: { key: string; contentType: string; size: number; expiresInSeconds: number }): Promise<UploadTicket> {
    assertKey(opts.key)
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: opts.key, ContentType: opts.contentType, ContentLength: opts.size })
    const url = await getSignedUrl(this.client, command, {
      expiresIn: opts.expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
    })
    return {
      url,
      method: 'PUT',
      headers: { 'content-type': opts.contentType },
      expiresAt: new Date(Date.now() + opts.expiresInSeconds * 1000).toISOString(),
    }
  }

  downloadUrl(opts: { key: string; contentType: string; expiresInSeconds: number; attachment?: { filename: string } }): Promise<string> {
    assertKey(opts.key)
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: opts.key,
      ResponseContentType: opts.contentType,
      ResponseContentDisposition: opts.attachment ? attachmentDisposition(opts.attachment.filename) : 'inline',
    })
    return getSignedUrl(this.client, command, { expiresIn: opts.expiresInSeconds })
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    assertKey(key)
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      return { size: head.ContentLength ?? 0 }
    } catch (err) {
      if (isMissing(err)) return undefined
      throw err
    }
  }

  async read(key: string, opts: { bytes?: number } = {}): Promise<Uint8Array> {
    assertKey(key)
    const range = opts.bytes ? `bytes=0-${opts.bytes - 1}` : undefined
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }))
    return object.Body!.transformToByteArray()
  }

  async write(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    assertKey(key)
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType }))
  }

  async remove(keys: string[]): Promise<void> {
    for (const key of keys) assertKey(key)
    await Promise.all(
      keys.map((key) =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })).catch((err) => {
          if (!isMissing(err)) throw err
        }),
      ),
    )
  }
}

const isMissing = (err: unknown) =>
  err instanceof S3ServiceException && (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404)

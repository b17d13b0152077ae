import type { MediaRow } from '../../db/schema'
import type { DomainEventInput } from '../../domain-events/types'
import type { EnqueueOptions } from '../../jobs/producer'
import { jobId } from '../../jobs/queues'
import { isImageType } from './formats'
import type { MediaSummaryView, MediaView } from './model'
import type { MediaStorage } from './storage'

/** The re-encoded images made of every image: the longest side at most `size` pixels. */
export const variantSpecs = [
  { name: 'w400', size: 400 },
  { name: 'w1280', size: 1280 },
] as const

/** Where a media's bytes live: the upload, a checked copy of a file, an image's variants. */
export const mediaKeys = {
  original: (id: string) => `${id}/original`,
  file: (id: string) => `${id}/file`,
  variant: (id: string, name: string) => `${id}/${name}.webp`,
  /** Every key a media can have, written or not (what deleting it removes). */
  all: (id: string) => [mediaKeys.original(id), mediaKeys.file(id), ...variantSpecs.map((v) => mediaKeys.variant(id, v.name))],
}

/**
 * How long after its upload URL's expiry a media's original key is cleaned once more:
 * the URL's expiry is stamped a moment after the row, by another clock (S3's).
 */
export const UPLOAD_URL_SLACK_MS = 5 * 60_000

/** Until when an upload URL handed out for this media may still be accepted. */
export const uploadUrlLiveUntil = (row: Pick<MediaRow, 'createdAt'>, uploadTtlSeconds: number) =>
  row.createdAt.getTime() + uploadTtlSeconds * 1000 + UPLOAD_URL_SLACK_MS

/**
 * The original of a media that ended (ready or failed) is deleted at once, but its upload
 * URL may still be live and put the bytes back (S3 takes any number of PUTs, the disk
 * store another once the key is gone): bytes no quota counts and nothing serves or
 * deletes. This job (maintenance queue, `media.drop-original`) deletes the key again once
 * the URL has expired. Undefined when it already has.
 */
export function dropOriginalJob(row: Pick<MediaRow, 'id' | 'createdAt'>, uploadTtlSeconds: number, now = Date.now()): EnqueueOptions | undefined {
  const delayMs = uploadUrlLiveUntil(row, uploadTtlSeconds) - now
  if (delayMs < 0) return undefined
  return { queue: 'maintenance', name: 'media.drop-original', data: { mediaId: row.id }, jobId: jobId('media-drop', row.id), delayMs }
}

/** Files are served as the type their bytes were found to be, text always as UTF-8. */
export const servedType = (contentType: string) => (contentType.startsWith('text/') ? `${contentType}; charset=utf-8` : contentType)

const optional = <K extends string, V>(key: K, value: V | null | undefined) =>
  (value === null || value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>

export function toSummary(row: MediaRow): MediaSummaryView {
  return {
    id: row.id,
    status: row.status === 'deleted' ? 'failed' : row.status,
    contentType: row.contentType,
    filename: row.filename,
    size: row.size,
    ...optional('width', row.width),
    ...optional('height', row.height),
    ...optional('thumbhash', row.thumbhash),
  }
}

/**
 * The media as its viewer sees it, with signed URLs once it is ready: the variants of an
 * image (never the original), or the file itself as an attachment.
 */
export async function toView(row: MediaRow, opts: { storage: MediaStorage; ttlSeconds: number }): Promise<MediaView> {
  const base = {
    ...toSummary(row),
    purpose: row.purpose,
    variants: [] as MediaView['variants'],
    ...optional('error', row.error),
    createdAt: row.createdAt.toISOString(),
  }
  if (row.status !== 'ready') return base
  const { storage, ttlSeconds } = opts
  if (isImageType(row.contentType)) {
    const variants = await Promise.all(
      row.variants.map(async (v) => ({
        name: v.name,
        url: await storage.downloadUrl({ key: v.key, contentType: v.contentType, expiresInSeconds: ttlSeconds }),
        width: v.width,
        height: v.height,
        contentType: v.contentType,
      })),
    )
    return { ...base, variants, ...optional('url', variants.at(-1)?.url) }
  }
  const url = await storage.downloadUrl({
    key: mediaKeys.file(row.id),
    contentType: servedType(row.contentType),
    expiresInSeconds: ttlSeconds,
    attachment: { filename: row.filename },
  })
  return { ...base, url }
}

/** The domain event of a media that ended ready or failed. */
export const mediaUpdated = (row: MediaRow): DomainEventInput<'media.updated'> => ({
  type: 'media.updated',
  actorId: row.ownerId,
  data: { mediaId: row.id, ownerId: row.ownerId, status: row.status === 'ready' ? 'ready' : 'failed' },
})

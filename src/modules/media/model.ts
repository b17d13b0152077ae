import { t, type Static } from 'elysia'
import { Id } from '../../lib/model'

export const purposes = ['attachment', 'avatar', 'community_icon', 'post'] as const
export type Purpose = (typeof purposes)[number]

export const UploadBody = t.Object({
  filename: t.String({ minLength: 1, maxLength: 255 }),
  contentType: t.String({ minLength: 3, maxLength: 100, pattern: '^[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+$', description: 'e.g. image/png' }),
  size: t.Integer({ minimum: 1, maximum: 5 * 1024 ** 3, description: 'bytes; the upload URL accepts exactly this many' }),
  purpose: t.Optional(t.UnionEnum(purposes, { default: 'attachment' })),
})

export const MediaParams = t.Object({ id: Id })

export const Variant = t.Object({
  name: t.String(),
  url: t.String(),
  width: t.Integer(),
  height: t.Integer(),
  contentType: t.String(),
})

export const MediaStatus = t.UnionEnum(['pending', 'processing', 'ready', 'failed'])

export const Media = t.Object({
  id: t.String(),
  status: MediaStatus,
  purpose: t.UnionEnum(purposes),
  filename: t.String(),
  contentType: t.String(),
  size: t.Integer(),
  width: t.Optional(t.Integer()),
  height: t.Optional(t.Integer()),
  thumbhash: t.Optional(t.String({ description: 'base64 ThumbHash placeholder' })),
  url: t.Optional(t.String({ description: 'signed and expiring: the largest variant of an image, the file itself otherwise' })),
  variants: t.Array(Variant),
  error: t.Optional(t.String()),
  createdAt: t.String({ format: 'date-time' }),
})

export const UploadTicket = t.Object({
  url: t.String(),
  method: t.Literal('PUT'),
  headers: t.Record(t.String(), t.String()),
  expiresAt: t.String({ format: 'date-time' }),
})

export const UploadAnswer = t.Object({ media: Media, upload: UploadTicket })

export const AvatarBody = t.Object({ mediaId: t.Nullable(Id, { description: 'a ready image of yours; null removes the avatar' }) })
export const IconBody = t.Object({ mediaId: t.Nullable(Id, { description: 'a ready image of yours; null removes the icon' }) })

/**
 * What a message or post shows of its media without URLs, so a client can lay out a
 * placeholder at once (readers fetch the URLs from GET /v1/media/:id).
 */
export const MediaSummary = t.Object({
  id: t.String(),
  status: MediaStatus,
  contentType: t.String(),
  filename: t.String(),
  size: t.Integer(),
  width: t.Optional(t.Integer()),
  height: t.Optional(t.Integer()),
  thumbhash: t.Optional(t.String()),
})

/** Answers without a JSON body: an avatar's redirect, the disk store's PUT and GET. */
export const ImageRedirect = t.Void({ description: 'Location: a signed URL of the 400 px variant' })
export const BlobStored = t.String({ description: 'empty: the bytes are stored' })
export const BlobBytes = t.String({ format: 'binary', description: 'the file, with the content type it was checked to be' })

export const SignedQuery = t.Object({
  e: t.Optional(t.String({ maxLength: 20 })),
  n: t.Optional(t.String({ maxLength: 20 })),
  t: t.Optional(t.String({ maxLength: 100 })),
  d: t.Optional(t.String({ maxLength: 255 })),
  sig: t.Optional(t.String({ maxLength: 128 })),
})

export const BlobParams = t.Object({
  mediaId: Id,
  name: t.String({ pattern: '^[a-z0-9][a-z0-9.-]{0,39}$' }),
})

export type UploadInput = Static<typeof UploadBody>
export type MediaView = Static<typeof Media>
export type MediaSummaryView = Static<typeof MediaSummary>

declare module '../../domain-events/types' {
  interface DomainEventMap {
    /**
     * A media's processing ended (`ready` or `failed`), or its bytes were refused at
     * complete. Messages carrying it are shown again (`message.updated`). At least once:
     * it may come again for the same change.
     */
    'media.updated': { mediaId: string; ownerId: string; status: 'ready' | 'failed' }
  }
}

import { and, eq, gt, inArray, ne, or, sql } from 'drizzle-orm'
import type { MediaConfig } from '../../config'
import type { Database } from '../../db/client'
import { communities, media, mediaRefs, users, type CommunityRow, type MediaRow, type UserRow } from '../../db/schema'
import type { Tx } from '../../db/tx'
import { lockKey } from '../../db/tx'
import type { DomainEvents } from '../../domain-events/bus'
import { AppError, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import type { Logger } from '../../lib/log'
import type { JobRunner } from '../../jobs/runner'
import { jobId } from '../../jobs/queues'
import type { PermissionService } from '../permissions/service'
import { acceptedTypes, isImageType } from './formats'
import { HEAD_BYTES, inspectBytes, Refusal } from './inspect'
import type { MediaSummaryView, MediaView, Purpose, UploadInput } from './model'
import type { LivePort } from './ports'
import type { MediaRefs } from './refs'
import type { MediaStorage, UploadTicket } from './storage'
import { dropOriginalJob, mediaKeys, mediaUpdated, toView, UPLOAD_URL_SLACK_MS } from './view'

/** Decides whether a user can see any of the targets of one kind that reference a media (e.g. posts by their visibility). */
export type RefVisibility = (userId: string, targetIds: string[]) => Promise<boolean>

export interface MediaDeps {
  db: Database
  storage: MediaStorage
  config: MediaConfig
  log: Logger
  jobs: Pick<JobRunner, 'enqueue'>
  permissions: Pick<PermissionService, 'canViewRooms' | 'requireCommunity'>
  live: LivePort
  /** Where changes commit with their domain events (`media.updated`). */
  events: Pick<DomainEvents, 'transaction'>
  refs: MediaRefs
}

/** Avatars and community icons are shown to anyone who sees the user or the community. */
const publicKinds = new Set(['avatar', 'community_icon'])
const imagePurposes = new Set<Purpose>(['avatar', 'community_icon'])
const aliases: Record<string, string> = { 'image/jpg': 'image/jpeg', 'audio/mp3': 'audio/mpeg', 'audio/x-wav': 'audio/wav', 'audio/wave': 'audio/wav' }

/**
 * Uploads go straight to storage with a URL that accepts exactly the declared file;
 * `complete` checks what arrived and hands it to the media queue; reads are allowed to
 * the uploader and to whoever can see something that references the media.
 */
export class MediaService {
  /** Kinds of reference without a room (posts, comments) and how to check them; kinds with neither are visible to the uploader only. */
  private readonly refVisibility = new Map<string, RefVisibility>()

  constructor(private readonly deps: MediaDeps) {}

  /** Lets readers of another kind of target (posts, comments: a later feature) fetch the media it references. */
  visibleThrough(kind: string, visibility: RefVisibility): void {
    this.refVisibility.set(kind, visibility)
  }

  /** Before a send or a post: the caller's own media, completed and not failed (422 naming the media otherwise); their summaries. */
  validateAttachments(opts: { userId: string; mediaIds: string[] }): Promise<MediaSummaryView[]> {
    return this.deps.refs.validateAttachments(opts)
  }

  /** Summaries (status, type, dimensions, placeholder; no URLs) of media, in the order asked; gone ones left out. */
  summaries(mediaIds: string[]): Promise<MediaSummaryView[]> {
    return this.deps.refs.summaries(mediaIds)
  }

  /**
   * References media from a target (a post), in the transaction that writes it: the
   * owner's own, completed and not failed (422 otherwise).
   */
  attach(opts: { tx: Tx; kind: string; targetId: string; mediaIds: string[]; ownerId: string }): Promise<void> {
    return this.deps.refs.attach(opts)
  }

  /** Drops the references of a target (or of several of one kind) in the transaction that deletes it; media left unreferenced go at the next sweep. */
  release(opts: { tx: Tx; kind: string; targetId: string | string[] }): Promise<string[]> {
    return this.deps.refs.release(opts)
  }

  /** The messages that carry a media, with their rooms (to show them again when it is ready). */
  messagesCarrying(mediaId: string): Promise<{ messageId: string; roomId: string }[]> {
    return this.deps.refs.messagesCarrying(mediaId)
  }

  async createUpload(opts: UploadInput & { userId: string }): Promise<{ media: MediaView; upload: UploadTicket }> {
    const { config } = this.deps
    const purpose = opts.purpose ?? 'attachment'
    const contentType = normaliseType(opts.contentType)
    if (imagePurposes.has(purpose) && !isImageType(contentType)) {
      throw new AppError('unsupported_media_type', `${purposeName[purpose]} must be a PNG, JPEG, GIF or WebP image`)
    }
    if (!acceptedTypes.includes(contentType)) {
      throw new AppError('unsupported_media_type', `${contentType} files are not accepted; accepted: ${acceptedTypes.join(', ')}`)
    }
    const limit = config.maxBytes[purpose]
    if (opts.size > limit) throw new AppError('payload_too_large', `${purposeName[purpose]} may be at most ${formatBytes(limit)}`)

    const id = newId()
    const row = await this.deps.db.transaction(async (tx) => {
      // One upload at a time per user passes the quota check.
      await lockKey(tx, `media-quota:${opts.userId}`)
      // A refused upload counts while its URL may still put bytes back (until media.drop-original deletes them).
      const urlLive = sql`now() - make_interval(secs => ${config.uploadTtlSeconds + UPLOAD_URL_SLACK_MS / 1000})`
      const [used] = await tx
        .select({ bytes: sql<string>`coalesce(sum(${media.size}), 0)` })
        .from(media)
        .where(
          and(
            eq(media.ownerId, opts.userId),
            or(inArray(media.status, ['pending', 'processing', 'ready']), and(eq(media.status, 'failed'), gt(media.createdAt, urlLive))),
          ),
        )
      const usedBytes = Number(used?.bytes ?? 0)
      if (usedBytes + opts.size > config.quotaBytes) {
        throw new AppError(
          'quota_exceeded',
          `this upload would take your media to ${formatBytes(usedBytes + opts.size)}; the quota is ${formatBytes(config.quotaBytes)}`,
        )
      }
      const [inserted] = await tx
        .insert(media)
        .values({ id, ownerId: opts.userId, purpose, filename: safeFilename(opts.filename), contentType, size: opts.size, originalKey: mediaKeys.original(id) })
        .returning()
      return inserted!
    })
    const upload = await this.deps.storage.uploadUrl({ key: row.originalKey, contentType, size: opts.size, expiresInSeconds: config.uploadTtlSeconds })
    return { media: await this.view(row), upload }
  }

  /**
   * Looks at what was stored: its size, its type by its bytes, an image's pixel count by
   * its header. Refused media end `failed` (422 with the reason) and their bytes are
   * deleted; accepted media go `processing` and to the media queue.
   */
  async complete(opts: { userId: string; mediaId: string }): Promise<MediaView> {
    const row = await this.own(opts)
    if (row.status === 'failed') throw new AppError('media_rejected', row.error ?? 'this media failed')
    if (row.status !== 'pending') return this.view(row)
    const { storage, config } = this.deps
    const stored = await storage.stat(row.originalKey)
    if (!stored) throw new AppError('upload_missing', 'nothing was uploaded yet: send the file to the upload URL, then complete')
    const head = await storage.read(row.originalKey, { bytes: Math.min(HEAD_BYTES, stored.size) })
    try {
      inspectBytes(head, {
        declaredType: row.contentType,
        declaredSize: row.size,
        storedSize: stored.size,
        maxPixels: config.maxPixels,
        complete: stored.size <= HEAD_BYTES,
      })
    } catch (err) {
      if (!(err instanceof Refusal)) throw err
      await this.reject(row, err.message)
      throw new AppError('media_rejected', err.message)
    }
    const [processing] = await this.deps.db
      .update(media)
      .set({ status: 'processing', processingAt: new Date() })
      .where(and(eq(media.id, row.id), eq(media.status, 'pending')))
      .returning()
    if (!processing) return this.view(await this.own(opts)) // completed twice at once: the other call won
    try {
      await this.deps.jobs.enqueue({ queue: 'media', name: 'media.process', data: { mediaId: row.id }, jobId: jobId('media', row.id) })
    } catch (err) {
      // Not queued: back to pending, so a retried complete queues it.
      await this.deps.db.update(media).set({ status: 'pending', processingAt: null }).where(eq(media.id, row.id))
      throw err
    }
    return this.view(processing)
  }

  /** The media with signed URLs; 404 to anyone who may not see it. */
  async get(opts: { userId: string; mediaId: string }): Promise<MediaView> {
    const row = await this.find(opts.mediaId)
    if (!row || !(await this.canView(opts.userId, opts.mediaId, row))) throw notFound('media')
    return this.view(row)
  }

  /** The uploader, and anyone who can see something that references the media (a room's readers, for a message's). */
  async canView(userId: string, mediaId: string, known?: MediaRow): Promise<boolean> {
    const row = known ?? (await this.find(mediaId))
    if (!row || row.status === 'deleted') return false
    if (row.ownerId === userId) return true
    const refs = await this.deps.db.select().from(mediaRefs).where(eq(mediaRefs.mediaId, mediaId))
    if (refs.some((r) => publicKinds.has(r.kind))) return true
    const roomIds = refs.flatMap((r) => (r.roomId ? [r.roomId] : []))
    if (roomIds.length && (await this.deps.permissions.canViewRooms(userId, roomIds)).size > 0) return true
    const byKind = new Map<string, string[]>()
    for (const r of refs) if (!r.roomId && this.refVisibility.has(r.kind)) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r.targetId])
    for (const [kind, targetIds] of byKind) if (await this.refVisibility.get(kind)!(userId, targetIds)) return true
    return false
  }

  /**
   * Makes one of the caller's ready images their avatar (null: none). The old avatar is
   * released (and deleted if nothing else uses it). `avatarUrl` is a stable Hearth URL per
   * avatar that redirects to a fresh signed URL; user views read it from the user's row.
   */
  async setAvatar(opts: { userId: string; mediaId: string | null }): Promise<UserRow> {
    return this.setPublicImage({ ...opts, kind: 'avatar', targetId: opts.userId }, async (tx, url) => {
      const [user] = await tx.update(users).set({ avatarUrl: url }).where(eq(users.id, opts.userId)).returning()
      if (!user) throw new AppError('unauthorized', 'the account of this token no longer exists')
      return user
    })
  }

  /** Sets a community's icon to one of the caller's ready images (null: none); manage_community. */
  async setCommunityIcon(opts: { userId: string; communityId: string; mediaId: string | null }): Promise<CommunityRow> {
    await this.deps.permissions.requireCommunity(opts.userId, opts.communityId, 'manage_community')
    return this.setPublicImage({ ...opts, kind: 'community_icon', targetId: opts.communityId }, async (tx, url) => {
      const [community] = await tx.update(communities).set({ iconUrl: url }).where(eq(communities.id, opts.communityId)).returning()
      if (!community) throw notFound('community')
      return community
    })
  }

  /** An avatar or an icon: the media checked and referenced, the old one released, the owner's row pointed at it. */
  private async setPublicImage<T>(
    opts: { userId: string; mediaId: string | null; kind: 'avatar' | 'community_icon'; targetId: string },
    write: (tx: Tx, url: string | null) => Promise<T>,
  ): Promise<T> {
    const { userId, mediaId, kind, targetId } = opts
    const { result, released } = await this.deps.events.transaction({ actorId: userId }, async (tx) => {
      // One change of a user's avatar (a community's icon) at a time: two at once would each
      // release only the old one and both stay referenced (public, never deleted).
      await lockKey(tx, `media-${kind}:${targetId}`)
      if (mediaId) {
        const [row] = await tx.select().from(media).where(and(eq(media.id, mediaId), eq(media.ownerId, userId))).for('update')
        if (!row || row.status === 'deleted') throw new AppError('invalid_media', `media ${mediaId} is not one of your uploads`)
        if (!isImageType(row.contentType)) throw new AppError('invalid_media', `${purposeName[kind]} must be an image`)
        if (row.status === 'failed') throw new AppError('invalid_media', `media ${mediaId} failed: ${row.error ?? 'it could not be processed'}`)
        if (row.status !== 'ready') throw new AppError('media_not_ready', 'this image is not processed yet; set it once media.updated says ready')
      }
      const old = await tx
        .delete(mediaRefs)
        .where(and(eq(mediaRefs.kind, kind), eq(mediaRefs.targetId, targetId), mediaId ? ne(mediaRefs.mediaId, mediaId) : undefined))
        .returning({ mediaId: mediaRefs.mediaId })
      if (mediaId) await this.deps.refs.attach({ tx, mediaIds: [mediaId], kind, targetId, ownerId: userId })
      const result = await write(tx, mediaId ? this.avatarUrl(mediaId) : null)
      return { result, released: old.map((o) => o.mediaId) }
    })
    await this.deps.refs.purgeUnreferenced(released).catch((err) => this.deps.log.warn(`could not delete ${purposeName[kind]} that was replaced`, { error: err }))
    return result
  }

  /** The stable URL of an avatar or community icon. */
  avatarUrl(mediaId: string): string {
    return `${this.deps.config.publicUrl ?? ''}/v1/media/${mediaId}/avatar`
  }

  /** Where an avatar or community icon is now: a signed URL of its small variant. 404 for any other media. */
  async publicImageLocation(mediaId: string): Promise<string> {
    const [row] = await this.deps.db
      .select({ media })
      .from(media)
      .innerJoin(mediaRefs, eq(mediaRefs.mediaId, media.id))
      .where(and(eq(media.id, mediaId), eq(media.status, 'ready'), inArray(mediaRefs.kind, [...publicKinds])))
      .limit(1)
    const variant = row?.media.variants[0]
    if (!variant) throw notFound('avatar')
    return this.deps.storage.downloadUrl({ key: variant.key, contentType: variant.contentType, expiresInSeconds: this.deps.config.downloadTtlSeconds })
  }

  private async reject(row: MediaRow, reason: string): Promise<void> {
    const failed = await this.deps.events.transaction({ actorId: row.ownerId }, async (tx, emit) => {
      const [failed] = await tx
        .update(media)
        .set({ status: 'failed', error: reason })
        .where(and(eq(media.id, row.id), eq(media.status, 'pending')))
        .returning()
      if (failed) emit(mediaUpdated(failed))
      return failed
    })
    if (failed) {
      // Its upload URL may still be live: the bytes it puts back are deleted once it has expired.
      const job = dropOriginalJob(failed, this.deps.config.uploadTtlSeconds)
      if (job) await this.deps.jobs.enqueue(job).catch((err) => this.deps.log.warn('could not queue the late clean-up of an upload', { mediaId: row.id, error: err }))
    }
    await this.deps.storage.remove(mediaKeys.all(row.id))
    if (failed) await this.deps.live.toUser(row.ownerId, { type: 'media.updated', data: await this.view(failed) })
  }

  private async own(opts: { userId: string; mediaId: string }): Promise<MediaRow> {
    const row = await this.find(opts.mediaId)
    if (!row || row.ownerId !== opts.userId || row.status === 'deleted') throw notFound('media')
    return row
  }

  private async find(mediaId: string): Promise<MediaRow | undefined> {
    const [row] = await this.deps.db.select().from(media).where(eq(media.id, mediaId))
    return row
  }

  private view(row: MediaRow): Promise<MediaView> {
    return toView(row, { storage: this.deps.storage, ttlSeconds: this.deps.config.downloadTtlSeconds })
  }
}

const purposeName: Record<Purpose, string> = {
  attachment: 'an attachment',
  post: 'a post image or file',
  avatar: 'an avatar',
  community_icon: 'a community icon',
}

const normaliseType = (type: string) => {
  const t = type.trim().toLowerCase()
  return aliases[t] ?? t
}

/** No paths, no control characters; what is left is shown and offered as the download name. */
function safeFilename(name: string): string {
  const cleaned = name
    .replace(/[\x00-\x1f\x7f]/g, '')
    .replace(/[\\/]/g, '_')
    .trim()
    .slice(0, 255)
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${Math.round((n / 1024 ** 3) * 10) / 10} GB`
  if (n >= 1024 ** 2) return `${Math.round((n / 1024 ** 2) * 10) / 10} MB`
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KB`
  return `${n} bytes`
}

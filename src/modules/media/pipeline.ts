import { and, eq, lt } from 'drizzle-orm'
import type { MediaConfig } from '../../config'
import type { Database } from '../../db/client'
import type { DomainEvents } from '../../domain-events/bus'
import { media, type MediaRow, type StoredVariant } from '../../db/schema'
import type { JobContext } from '../../jobs/processors'
import type { Logger } from '../../lib/log'
import { TimeoutError, withTimeout } from '../../lib/timeout'
import { isImageType } from './formats'
import { inspectBytes, Refusal } from './inspect'
import type { LivePort } from './ports'
import type { MediaRefs } from './refs'
import type { MediaStorage } from './storage'
import { dropOriginalJob, mediaKeys, mediaUpdated, toView } from './view'

export interface MediaPipelineDeps {
  db: Database
  storage: MediaStorage
  config: MediaConfig
  log: Logger
  live: LivePort
  /** Where a status change commits with its `media.updated` event. */
  events: Pick<DomainEvents, 'transaction'>
  refs: MediaRefs
  /** Queues the late clean-up of an original a live upload URL may refill (`media.drop-original`). */
  jobs: Pick<JobContext['jobs'], 'enqueue'>
}

/**
 * What happens to media after `complete`: the bytes are read whole and checked again (an
 * upload URL may still be live), images become variants and a placeholder, files are
 * copied to a key no upload URL can write, and the upload itself is deleted. Media end
 * `ready` or `failed`, never stuck: the last attempt marks them failed, and the sweep
 * fails any left `processing` by a lost job.
 */
export class MediaPipeline {
  constructor(private readonly deps: MediaPipelineDeps) {}

  /**
   * One attempt; `final` says whether a failure now is the last (it then marks the media
   * failed). Bytes that are refused (or cannot be decoded) fail the media at once and end
   * the job normally: the uploader's bad file is not an operator's dead letter. Anything
   * else (a timeout, storage down) throws, to be retried and then dead-lettered.
   */
  async process(opts: { mediaId: string; final: boolean }): Promise<'ready' | 'failed' | 'skipped'> {
    const [row] = await this.deps.db.select().from(media).where(eq(media.id, opts.mediaId))
    if (!row || row.status !== 'processing') return 'skipped'
    try {
      const abort = new AbortController()
      // Sharp cannot be stopped: after a timeout the work goes on, told by `abort` to write nothing more.
      const ms = this.deps.config.processTimeoutMs
      const written = await withTimeout(this.produce(row, abort.signal), ms, { abort, message: `processing took longer than ${ms} ms` })
      const updated = await this.deps.events.transaction({ actorId: row.ownerId }, async (tx, emit) => {
        const [ready] = await tx
          .update(media)
          .set({ status: 'ready', ...written.fields })
          .where(and(eq(media.id, row.id), eq(media.status, 'processing')))
          .returning()
        if (ready) emit(mediaUpdated(ready))
        return ready
      })
      if (!updated) {
        // Deleted or failed by the sweep while we worked: what we wrote goes too.
        await this.deps.storage.remove(written.keys)
        return 'skipped'
      }
      await this.dropOriginalLater(updated)
      await this.deps.storage.remove([row.originalKey])
      await this.announce(updated)
      return 'ready'
    } catch (err) {
      if (err instanceof Refusal) {
        await this.fail(row.id, err.message)
        return 'failed'
      }
      if (opts.final) await this.fail(row.id, processingError(err))
      throw err
    }
  }

  /** Marks media failed (if still processing), deletes its bytes and tells the uploader. */
  async fail(mediaId: string, reason: string): Promise<void> {
    const failed = await this.deps.events.transaction({}, async (tx, emit) => {
      const [row] = await tx
        .update(media)
        .set({ status: 'failed', error: reason, variants: [], thumbhash: null })
        .where(and(eq(media.id, mediaId), eq(media.status, 'processing')))
        .returning()
      if (row) emit(mediaUpdated(row))
      return row
    })
    if (!failed) return
    await this.dropOriginalLater(failed)
    await this.deps.storage.remove(mediaKeys.all(mediaId)).catch((err) => this.deps.log.warn('could not delete the bytes of failed media', { mediaId, error: err }))
    await this.announce(failed)
  }

  /**
   * The periodic sweep: media `processing` for too long (their job lost to a crash beyond
   * its retries) end failed; orphans, released media and half-deleted rows are deleted.
   */
  async sweep(now = new Date()): Promise<{ stale: number; deleted: number }> {
    const { config } = this.deps
    const staleBefore = new Date(now.getTime() - config.staleProcessingSeconds * 1000)
    const stale = await this.deps.db
      .select({ id: media.id })
      .from(media)
      .where(and(eq(media.status, 'processing'), lt(media.processingAt, staleBefore)))
      .limit(500)
    for (const { id } of stale) await this.fail(id, 'processing did not finish in time')
    const due = await this.deps.refs.dueForDeletion({ orphanBefore: new Date(now.getTime() - config.orphanSeconds * 1000), limit: 500 })
    const deleted = await this.deps.refs.purgeUnreferenced(due)
    return { stale: stale.length, deleted }
  }

  /**
   * The `media.drop-original` job: once the media's upload URL has expired, deletes what
   * it may have put back at the original key after processing or a refusal deleted it.
   * Nothing while the media is still pending or processing (the original is its upload).
   */
  async dropOriginal(mediaId: string): Promise<boolean> {
    const [row] = await this.deps.db.select({ status: media.status }).from(media).where(eq(media.id, mediaId))
    if (row?.status === 'pending' || row?.status === 'processing') return false
    await this.deps.storage.remove([mediaKeys.original(mediaId)])
    return true
  }

  /** Queues `media.drop-original` for when the media's upload URL has expired (a lost one leaves at most one file). */
  private async dropOriginalLater(row: MediaRow): Promise<void> {
    const job = dropOriginalJob(row, this.deps.config.uploadTtlSeconds)
    if (!job) return
    await this.deps.jobs.enqueue(job).catch((err) => this.deps.log.warn('could not queue the late clean-up of an upload', { mediaId: row.id, error: err }))
  }

  private async produce(row: MediaRow, signal: AbortSignal): Promise<{ fields: Partial<MediaRow>; keys: string[] }> {
    const { storage, config } = this.deps
    const stored = await storage.stat(row.originalKey)
    if (!stored) throw new Refusal('the uploaded file is gone')
    if (stored.size !== row.size) throw new Refusal(`the stored file is ${stored.size} bytes, not the ${row.size} declared`)
    const bytes = await storage.read(row.originalKey)
    inspectBytes(bytes, { declaredType: row.contentType, declaredSize: row.size, storedSize: bytes.byteLength, maxPixels: config.maxPixels, complete: true })
    if (!isImageType(row.contentType)) {
      const key = mediaKeys.file(row.id)
      signal.throwIfAborted()
      await storage.write(key, bytes, row.contentType)
      return { fields: {}, keys: [key] }
    }
    let image
    try {
      // sharp is loaded where images are made (the worker threads), not in every process that imports media.
      const { renderImage } = await import('./image')
      image = await renderImage(bytes, { maxPixels: config.maxPixels, nice: config.nice })
    } catch (err) {
      throw new Refusal(`the image could not be decoded (${err instanceof Error ? err.message : String(err)})`)
    }
    const variants: StoredVariant[] = []
    for (const v of image.variants) {
      const key = mediaKeys.variant(row.id, v.name)
      signal.throwIfAborted()
      await storage.write(key, v.bytes, v.contentType)
      variants.push({ name: v.name, key, width: v.width, height: v.height, contentType: v.contentType, size: v.bytes.byteLength })
    }
    return {
      fields: { width: image.width, height: image.height, thumbhash: image.thumbhash, variants },
      keys: variants.map((v) => v.key),
    }
  }

  private async announce(row: MediaRow): Promise<void> {
    try {
      const view = await toView(row, { storage: this.deps.storage, ttlSeconds: this.deps.config.downloadTtlSeconds })
      await this.deps.live.toUser(row.ownerId, { type: 'media.updated', data: view })
    } catch (err) {
      this.deps.log.warn('could not announce a media update', { mediaId: row.id, error: err })
    }
  }
}

const processingError = (err: unknown) =>
  err instanceof TimeoutError ? err.message : `processing failed (${err instanceof Error ? err.message : String(err)})`


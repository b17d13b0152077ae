import type { Body, Data } from '../../client/src/index.ts'
import { thumbHashToDataURL } from 'thumbhash'
import { hearth, unwrap } from './session'

export type MediaView = Data<'/v1/media/{id}', 'get'>

/** What a message says of its attachments (`attachmentInfo`), before asking for URLs. */
export type MediaSummary = Pick<MediaView, 'id' | 'status' | 'contentType' | 'size' | 'width' | 'height' | 'thumbhash' | 'filename'>

type Purpose = NonNullable<Body<'/v1/media/uploads', 'post'>['purpose']>

/** Sends a file to storage with the signed URL Hearth gives, then asks Hearth to check it. */
export async function upload(file: File, opts: { purpose?: Purpose } = {}): Promise<MediaView> {
  const started = unwrap(
    await hearth.api.POST('/v1/media/uploads', {
      body: {
        filename: file.name || 'upload',
        contentType: file.type || 'application/octet-stream',
        size: file.size,
        ...(opts.purpose ? { purpose: opts.purpose } : {}),
      },
    }),
  )
  // The signed URL is storage's (S3 or Hearth's disk store), not an API route: plain fetch, no token.
  const put = await fetch(started.upload.url, { method: started.upload.method, headers: started.upload.headers, body: file })
  if (!put.ok) throw new Error(`the upload was refused (${put.status})`)
  return unwrap(await hearth.api.POST('/v1/media/{id}/complete', { params: { path: { id: started.media.id } } }))
}

export const getMedia = async (id: string): Promise<MediaView> => unwrap(await hearth.api.GET('/v1/media/{id}', { params: { path: { id } } }))

/**
 * Resolves once Hearth has processed an upload (`media.updated` on my sockets, or asked
 * again each second should that push be missed); rejects if it failed or took over a minute.
 */
export function waitUntilReady(id: string, timeoutMs = 60_000): Promise<MediaView> {
  return new Promise((resolve, reject) => {
    let done = false
    const finish = (fn: () => void) => {
      if (done) return
      done = true
      clearInterval(timer)
      stop()
      fn()
    }
    const look = () =>
      getMedia(id).then((m) => {
        if (m.status === 'ready') finish(() => resolve(m))
        else if (m.status === 'failed') finish(() => reject(new Error(`the image could not be used${m.error ? `: ${m.error}` : ''}`)))
      }, () => undefined)
    const started = Date.now()
    const timer = setInterval(() => (Date.now() - started > timeoutMs ? finish(() => reject(new Error('the image is still being processed: try again in a moment'))) : look()), 1000)
    const stop = hearth.realtime.onEvent('media.updated', (data) => {
      // The uploader's sockets hear the media itself (`id`), or the domain event (`mediaId`).
      if (data.id === id || data.mediaId === id) look()
    })
    look()
  })
}

/** The blurred stand-in of an image still processing, from its thumbhash. */
export function placeholderOf(thumbhash: string | undefined): string | undefined {
  if (!thumbhash) return undefined
  try {
    const bytes = Uint8Array.from(atob(thumbhash.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
    return thumbHashToDataURL(bytes)
  } catch {
    return undefined
  }
}

export const isImage = (contentType: string) => /^image\/(png|jpe?g|gif|webp|avif)$/.test(contentType)

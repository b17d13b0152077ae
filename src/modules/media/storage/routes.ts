import { Elysia } from 'elysia'
import { RAW_BODY } from '../../../lib/json-body'
import { BlobBytes, BlobParams, BlobStored, SignedQuery } from '../model'
import { BLOB_PATH, type DiskStorage } from './disk'

/**
 * The disk store's own HTTP face: a signed PUT that takes exactly the signed file, and a
 * signed GET. No bearer token: the signature is the permission, and it expires. Mounted
 * only when media live on disk.
 */
export const diskStorageRoutes = (storage: DiskStorage) =>
  new Elysia({ prefix: BLOB_PATH, detail: { tags: ['media'] } })
    .put(
      '/:mediaId/:name',
      async ({ params, query, request, set }) => {
        await storage.receive({ key: `${params.mediaId}/${params.name}`, query, headers: request.headers, body: request.body })
        set.status = 200
        return ''
      },
      {
        params: BlobParams,
        query: SignedQuery,
        parse: 'none',
        response: { 200: BlobStored },
        // The store counts the bytes itself (exactly the signed size), past the JSON body limit.
        detail: { summary: 'Upload the bytes of a media (the URL from POST /v1/media/uploads; exactly its size and content type)', [RAW_BODY]: true },
      },
    )
    .get('/:mediaId/:name', ({ params, query }) => storage.serve({ key: `${params.mediaId}/${params.name}`, query }), {
      params: BlobParams,
      query: SignedQuery,
      response: { 200: BlobBytes },
      detail: { summary: 'Download a media file or variant (a signed, expiring URL from GET /v1/media/:id)' },
    })

import { Elysia } from 'elysia'
import type { authGuard } from '../auth/guard'
import { Self } from '../auth/model'
import { toSelfView } from '../auth/service'
import { AvatarBody, Media, MediaParams, UploadAnswer, UploadBody } from './model'
import type { MediaService } from './service'
import { DiskStorage, type MediaStorage } from './storage'
import { diskStorageRoutes } from './storage/routes'

export interface MediaRoutesDeps {
  media: MediaService
  storage: MediaStorage
  signedIn: () => ReturnType<typeof authGuard>
}

/** Media: uploads, completion, reads, the avatar; and, when media live on disk, the disk store's signed URLs. */
export const mediaRoutes = (deps: MediaRoutesDeps) =>
  new Elysia({ name: 'media' })
    .use(deps.storage instanceof DiskStorage ? diskStorageRoutes(deps.storage) : new Elysia())
    .use(publicImages(deps.media))
    .use(signedInRoutes(deps))

// An <img src> sends no bearer token: avatars and community icons are public, through a
// stable URL that redirects to a fresh signed one.
const publicImages = (media: MediaService) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['media'] } }).get(
    '/media/:id/avatar',
    async ({ params, redirect, set }) => {
      set.headers['cache-control'] = 'private, max-age=300'
      return redirect(await media.publicImageLocation(params.id), 302)
    },
    { params: MediaParams, detail: { summary: 'An avatar or community icon: redirects (302) to a signed URL of its 400 px variant' } },
  )

const signedInRoutes = (deps: MediaRoutesDeps) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['media'], security: [{ bearer: [] }] } })
    .use(deps.signedIn())
    .post('/media/uploads', async ({ user, body, status }) => status(201, await deps.media.createUpload({ ...body, userId: user.id })), {
      body: UploadBody,
      response: { 201: UploadAnswer },
      detail: {
        summary: 'Start an upload: answers the media (pending) and a URL that takes exactly this file, for a few minutes',
      },
    })
    .post(
      '/media/:id/complete',
      async ({ user, params, status }) => status(202, await deps.media.complete({ userId: user.id, mediaId: params.id })),
      {
        params: MediaParams,
        response: { 202: Media },
        detail: { summary: 'The upload is done: the stored file is checked (size, type by its bytes, pixel count) and processed' },
      },
    )
    .get('/media/:id', ({ user, params }) => deps.media.get({ userId: user.id, mediaId: params.id }), {
      params: MediaParams,
      response: { 200: Media },
      detail: { summary: 'A media with signed, expiring URLs: for its uploader and whoever can see what references it' },
    })
    .put(
      '/users/me/avatar',
      async ({ user, body }) => toSelfView(await deps.media.setAvatar({ userId: user.id, mediaId: body.mediaId })),
      {
        body: AvatarBody,
        response: { 200: Self },
        detail: { summary: 'Set your avatar to one of your ready images (null removes it); answers you with avatarUrl' },
      },
    )

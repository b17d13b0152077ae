import { Elysia } from 'elysia'
import type { Config } from '../../config'
import type { Database } from '../../db/client'
import type { DomainEvents } from '../../domain-events/bus'
import { defineFeature } from '../../feature'
import type { JobRunner } from '../../jobs/runner'
import { IdParams } from '../../lib/model'
import type { Logger } from '../../lib/log'
import type { Fanout } from '../../realtime/fanout'
import type { SignedIn } from '../auth/guard'
import { Self, toSelfView } from '../auth/model'
import { Community, toCommunityView } from '../communities/model'
import type { PermissionService } from '../permissions/service'
import { mediaReactions } from './events'
import { AvatarBody, IconBody, ImageRedirect, Media, MediaParams, UploadAnswer, UploadBody } from './model'
import { mediaProcessors, scheduleMediaSweep } from './processors'
import { MediaRefs } from './refs'
import { MediaService } from './service'
import { createStorage, DiskStorage } from './storage'
import { diskStorageRoutes } from './storage/routes'

export interface MediaFeatureDeps {
  config: Config
  db: Database
  log: Logger
  jobs: JobRunner
  permissions: PermissionService
  events: DomainEvents
  live: Fanout
  signedIn: SignedIn
}

/**
 * Media: uploads straight to storage (S3, or Hearth's own disk store and its signed URLs),
 * checked at complete, processed in the worker threads (`media.process`), swept of orphans
 * (`media.sweep`); avatars and community icons. Messages check their attachments through
 * its api and it references them from `message.created` (released by `message.deleted`).
 */
export const mediaFeature = defineFeature<MediaFeatureDeps, { media: MediaService }>({
  name: 'media',
  processors: mediaProcessors,
  reactions: mediaReactions,
  build: (deps) => {
    const storage = createStorage(deps.config)
    const media = new MediaService({
      db: deps.db,
      storage,
      config: deps.config.media,
      log: deps.log,
      jobs: deps.jobs,
      permissions: deps.permissions,
      live: deps.live,
      events: deps.events,
      refs: new MediaRefs({ db: deps.db, storage, log: deps.log }),
    })
    return {
      routes: new Elysia({ name: 'media' })
        // The disk store's signed URLs read their own bytes (RAW_BODY): mounted here, so the app sees them raw.
        .use(storage instanceof DiskStorage ? diskStorageRoutes(storage) : new Elysia())
        .use(publicImages(media))
        .use(signedInRoutes(media, deps.signedIn)),
      api: { media },
      start: () => scheduleMediaSweep(deps.jobs.queues.maintenance, deps.config),
    }
  },
})

// An <img src> sends no bearer token: avatars and community icons are public, through a
// stable URL that redirects to a fresh signed one.
const publicImages = (media: MediaService) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['media'] } }).get(
    '/media/:id/avatar',
    async ({ params, redirect, set }) => {
      set.headers['cache-control'] = 'private, max-age=300'
      return redirect(await media.publicImageLocation(params.id), 302)
    },
    {
      params: MediaParams,
      response: { 302: ImageRedirect },
      detail: { summary: 'An avatar or community icon: redirects (302) to a signed URL of its 400 px variant' },
    },
  )

const signedInRoutes = (media: MediaService, signedIn: SignedIn) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['media'], security: [{ bearer: [] }] } })
    .use(signedIn())
    .post('/media/uploads', async ({ user, body, status }) => status(201, await media.createUpload({ ...body, userId: user.id })), {
      body: UploadBody,
      response: { 201: UploadAnswer },
      detail: {
        summary: 'Start an upload: answers the media (pending) and a URL that takes exactly this file, for a few minutes',
      },
    })
    .post(
      '/media/:id/complete',
      async ({ user, params, status }) => status(202, await media.complete({ userId: user.id, mediaId: params.id })),
      {
        params: MediaParams,
        response: { 202: Media },
        detail: { summary: 'The upload is done: the stored file is checked (size, type by its bytes, pixel count) and processed' },
      },
    )
    .get('/media/:id', ({ user, params }) => media.get({ userId: user.id, mediaId: params.id }), {
      params: MediaParams,
      response: { 200: Media },
      detail: { summary: 'A media with signed, expiring URLs: for its uploader and whoever can see what references it' },
    })
    .put('/users/me/avatar', async ({ user, body }) => toSelfView(await media.setAvatar({ userId: user.id, mediaId: body.mediaId })), {
      body: AvatarBody,
      response: { 200: Self },
      detail: { summary: 'Set your avatar to one of your ready images (null removes it); answers you with avatarUrl' },
    })
    .put(
      '/communities/:id/icon',
      async ({ user, params, body }) => toCommunityView(await media.setCommunityIcon({ userId: user.id, communityId: params.id, mediaId: body.mediaId })),
      {
        params: IdParams,
        body: IconBody,
        response: { 200: Community },
        detail: { summary: "Set the community's icon to one of your ready images (null removes it); manage_community" },
      },
    )

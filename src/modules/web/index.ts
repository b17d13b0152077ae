import { Elysia } from 'elysia'
import type { Config } from '../../config'
import { defineFeature } from '../../feature'
import { AppError } from '../../lib/errors'
import type { Logger } from '../../lib/log'
import { WebBundle, type WebAsset } from './bundle'

export interface WebDeps {
  config: Pick<Config, 'production'>
  log: Logger
}

/**
 * The web app (web/) at /app: its page and its hashed files, bundled by Bun in this
 * process on first use. Everything it shows comes from the API through client/.
 */
export const webFeature = defineFeature<WebDeps>({
  name: 'web',
  build: ({ config, log }) => {
    const bundle = new WebBundle({
      watch: !config.production,
      onBuilt: (build) => log.info('web app built', { ms: build.ms, files: build.files.size, scriptGzipBytes: build.scriptGzipBytes }),
    })
    return { routes: webRoutes(bundle) }
  },
})

// The page may run only its own scripts; media and uploads may live on another origin (S3).
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: http: https:",
  "media-src 'self' blob: http: https:",
  "connect-src 'self' ws: wss: http: https:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

function send(request: Request, asset: WebAsset, headers: Record<string, string>): Response {
  const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '')
  return new Response(gzip ? asset.gzip : asset.body, {
    headers: {
      'content-type': asset.type,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...headers,
    },
  })
}

const page = async (bundle: WebBundle, request: Request) =>
  send(request, (await bundle.get({ fresh: true })).index, {
    'cache-control': 'no-cache',
    'content-security-policy': PAGE_POLICY,
    'referrer-policy': 'no-referrer',
  })

const webRoutes = (bundle: WebBundle) =>
  new Elysia({ name: 'web' })
    .get('/app', ({ request }) => page(bundle, request), { detail: { hide: true } })
    .get(
      '/app/*',
      async ({ request, params }) => {
        const path: string = params['*']
        // A file of the build, or a place in the app (the page routes in the browser).
        const file = /^[\w.-]+$/.test(path) ? (await bundle.get()).files.get(path) : undefined
        if (file) return send(request, file, { 'cache-control': 'public, max-age=31536000, immutable' })
        if (/\.(js|css|map|png|svg|ico|woff2?)$/.test(path)) throw new AppError('route_not_found', 'no such file in the web app')
        return page(bundle, request)
      },
      { detail: { hide: true } },
    )

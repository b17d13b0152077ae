import { toOpenAPISchema } from '@elysiajs/openapi'
import { Elysia, type AnyElysia } from 'elysia'
import { AppError } from './lib/errors'
import { normalizeDocument } from './lib/openapi'

const ASSETS = new URL('../node_modules/swagger-ui-dist/', import.meta.url).pathname
const ASSET_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png'])

/**
 * `/swagger/json`: the OpenAPI 3.1 document of every route the app serves (normalized for
 * third-party tools, src/lib/openapi.ts), rebuilt only when the routes change; `/swagger`
 * (and `/swagger/`): Swagger UI from the installed, pinned package — no CDN, so it works
 * offline — reading the document at an absolute URL.
 */
export function docsRoutes(opts: { app: () => AnyElysia; info: { title: string; version: string; description: string } }) {
  let cached: { routes: number; doc: unknown } | undefined
  const document = () => {
    const app = opts.app()
    if (cached?.routes === app.routes.length) return cached.doc
    const raw = toOpenAPISchema(app, { staticFile: false, paths: [/^\/swagger/, /^\/admin\/queues/] } as never, undefined, undefined, '3.1.0')
    const doc = normalizeDocument({
      openapi: '3.1.0',
      info: opts.info,
      tags: [],
      paths: raw.paths,
      components: { ...raw.components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    })
    cached = { routes: app.routes.length, doc }
    return doc
  }
  const page = () =>
    new Response(swaggerPage(opts.info.title), { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } })
  return new Elysia({ name: 'docs' })
    .get('/swagger/json', document, { detail: { hide: true } })
    .get('/swagger', page, { detail: { hide: true } })
    .get('/swagger/', page, { detail: { hide: true } })
    .get(
      '/swagger/assets/:file',
      ({ params }) => {
        if (!ASSET_FILES.has(params.file)) throw new AppError('route_not_found', 'no such asset')
        return new Response(Bun.file(ASSETS + params.file), { headers: { 'cache-control': 'public, max-age=86400' } })
      },
      { detail: { hide: true } },
    )
}

function swaggerPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} API</title>
  <link rel="icon" href="/swagger/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/swagger/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/swagger/assets/swagger-ui-bundle.js"></script>
  <script src="/swagger/assets/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/swagger/json', dom_id: '#swagger-ui', deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' })
  </script>
</body>
</html>`
}

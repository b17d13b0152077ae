import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { ElysiaAdapter } from '@bull-board/elysia'
import { Elysia } from 'elysia'
import type { Config } from '../../config'
import { queueNames } from '../../jobs/queues'
import type { JobRunner } from '../../jobs/runner'
import type { AuthService } from '../auth/service'
import { ADMIN_COOKIE, bearerToken, requirePlatformAdmin } from './guard'

export const BOARD_PATH = '/admin/queues'

/**
 * Bull Board at /admin/queues, platform admins only. A browser sends no bearer header
 * with the dashboard's page, asset and API requests, so the access token is accepted
 * once from `Authorization: Bearer` or `?token=`, and then travels in an HttpOnly,
 * SameSite=Strict cookie scoped to /admin/queues that lives as long as the token.
 * Every request re-checks the token and the admin flag. A `?token=` is redirected
 * away so it does not stay in the address bar or the history.
 */
export function queueBoardRoutes(auth: AuthService, jobs: JobRunner, config: Config) {
  const serverAdapter = new ElysiaAdapter(BOARD_PATH)
  createBullBoard({ queues: queueNames.map((q) => new BullMQAdapter(jobs.queues[q])), serverAdapter })
  return new Elysia({ name: 'queue-board' })
    .onRequest(async ({ request, set }) => {
      const url = new URL(request.url)
      if (url.pathname !== BOARD_PATH && !url.pathname.startsWith(`${BOARD_PATH}/`)) return
      const fromQuery = url.searchParams.get('token') ?? undefined
      const fromHeader = bearerToken(request.headers.get('authorization') ?? undefined)
      const token = fromHeader ?? fromQuery ?? readCookie(request.headers.get('cookie'), ADMIN_COOKIE)
      // A browser that opens the dashboard without a session gets told how to sign in.
      if (token === undefined && request.method === 'GET' && request.headers.get('accept')?.includes('text/html')) {
        return new Response(SIGN_IN_PAGE, { status: 401, headers: { 'content-type': 'text/html; charset=utf-8' } })
      }
      await requirePlatformAdmin(auth, token)
      if (token !== undefined && (fromHeader || fromQuery)) {
        const cookie = [
          `${ADMIN_COOKIE}=${token}`,
          `Path=${BOARD_PATH}`,
          `Max-Age=${config.jwt.accessTtlSeconds}`,
          'HttpOnly',
          'SameSite=Strict',
          ...(config.production ? ['Secure'] : []),
        ].join('; ')
        if (fromQuery && request.method === 'GET') {
          url.searchParams.delete('token')
          return new Response(null, { status: 303, headers: { location: url.pathname + url.search, 'set-cookie': cookie } })
        }
        set.headers['set-cookie'] = cookie
      }
    })
    .use(
      // The adapter's plugin comes from Elysia's CommonJS build, which the ESM `use` does
      // not recognise inside a promise; wrapping it in an ESM instance does.
      serverAdapter.registerPlugin().then((board) => new Elysia({ name: 'queue-board-routes' }).use(board)),
    )
}

const SIGN_IN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hearth queues: sign in</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The queue dashboard is for platform admins</h1>
<p>Open it once with an access token of a platform admin: <code>${BOARD_PATH}?token=&lt;accessToken&gt;</code>.
The token is then kept in a cookie for this page only, and taken out of the address bar.</p>
<p>Get a token by signing in: <code>curl -X POST localhost:3000/v1/auth/login -H 'content-type: application/json'
-d '{"login":"alice","password":"…"}'</code> (the <code>accessToken</code> of the answer).</p>
<p>Make someone a platform admin with <code>HEARTH_ADMINS=alice</code> in the environment, or <code>bun run admin:grant alice</code>.</p>
</body></html>`

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return undefined
}

import { Elysia } from 'elysia'
import type { RateRule } from '../../config'
import { AppError } from '../../lib/errors'
import type { RateLimiter } from '../../lib/rate-limit'
import type { AuthService, AuthUser } from './service'

/** The token of an `Authorization: Bearer <token>` header. */
export const bearerToken = (header: string | null | undefined): string | undefined =>
  header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined

/**
 * Marks the `derive` of a guard with the check it makes, so the app can run that check
 * before it reads a request body (src/lib/body-parser.ts): a request without a token to a
 * signed-in route is a 401 before anything reads, parses or validates its body.
 */
export const EARLY_AUTH = Symbol.for('hearth.earlyAuth')
export type EarlyAuth = (request: Request) => Promise<unknown>

/** A derive function carrying its early check (see EARLY_AUTH). */
export function markEarlyAuth<F extends object>(derive: F, check: EarlyAuth): F {
  return Object.assign(derive, { [EARLY_AUTH]: check })
}

/** The early check of a route's hooks, if one of its guards has one. */
export function earlyAuthOf(hooks: { transform?: unknown; beforeHandle?: unknown } | undefined): EarlyAuth | undefined {
  for (const list of [hooks?.transform, hooks?.beforeHandle]) {
    if (!Array.isArray(list)) continue
    for (const hook of list) {
      const fn = typeof hook === 'function' ? hook : (hook as { fn?: unknown })?.fn
      const check = (fn as { [EARLY_AUTH]?: EarlyAuth } | undefined)?.[EARLY_AUTH]
      if (check) return check
    }
  }
  return undefined
}

/**
 * Remembers one answer per request, so the check the body parser makes early and the
 * one the guard makes are one token verification (and one rate-limit hit).
 */
export function oncePerRequest<T>(check: (request: Request) => Promise<T>): (request: Request) => Promise<T> {
  const answers = new WeakMap<Request, Promise<T>>()
  return (request) => {
    let answer = answers.get(request)
    if (!answer) answers.set(request, (answer = check(request)))
    return answer
  }
}

/**
 * The one place a bearer token is read. Routes of a module that uses this plugin get
 * `user` (`{id, sessionId}`) or never run: no or bad token is a 401, found before the body
 * is read or validated. With `budgets`, every request counts against the user's write
 * budget, or for a GET their read budget (429 past it).
 */
export const authGuard = (auth: AuthService, budgets?: { rateLimiter: RateLimiter; writes: RateRule; reads: RateRule }) => {
  const signIn = oncePerRequest(async (request: Request): Promise<AuthUser> => {
    const token = bearerToken(request.headers.get('authorization'))
    if (!token) throw new AppError('unauthorized', 'send an access token as "Authorization: Bearer <token>"')
    const user = await auth.verifyAccessToken(token)
    if (budgets) {
      const read = request.method === 'GET' || request.method === 'HEAD'
      await budgets.rateLimiter.hit(`${read ? 'r' : 'w'}:${user.id}`, read ? budgets.reads : budgets.writes)
    }
    return user
  })
  return new Elysia().derive(
    { as: 'scoped' },
    markEarlyAuth(async ({ request }: { request: Request }) => ({ user: await signIn(request) }), signIn),
  )
}

/** Makes the guard plugin every signed-in feature uses (src/hearth.ts builds it once, with the budgets). */
export type SignedIn = () => ReturnType<typeof authGuard>

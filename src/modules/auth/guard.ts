import { Elysia } from 'elysia'
import type { RateRule } from '../../config'
import { AppError } from '../../lib/errors'
import type { RateLimiter } from '../../lib/rate-limit'
import type { AuthService } from './service'

/** The token of an `Authorization: Bearer <token>` header. */
export const bearerToken = (header: string | undefined): string | undefined =>
  header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined

/**
 * The one place a bearer token is read. Routes of a module that uses this plugin get
 * `user` (`{id, sessionId}`) or never run: no or bad token is a 401. With `budgets`, every
 * request counts against the user's write budget, or for a GET their read budget (429 past it).
 */
export const authGuard = (auth: AuthService, budgets?: { rateLimiter: RateLimiter; writes: RateRule; reads: RateRule }) =>
  new Elysia().resolve({ as: 'scoped' }, async ({ headers, request }) => {
    const token = bearerToken(headers.authorization)
    if (!token) throw new AppError('unauthorized', 'send an access token as "Authorization: Bearer <token>"')
    const user = await auth.verifyAccessToken(token)
    if (budgets) {
      const read = request.method === 'GET'
      await budgets.rateLimiter.hit(`${read ? 'r' : 'w'}:${user.id}`, read ? budgets.reads : budgets.writes)
    }
    return { user }
  })

import { Elysia } from 'elysia'
import { AppError } from '../../lib/errors'
import type { AuthService } from './service'

/**
 * The one place a bearer token is read. Routes of a module that uses this plugin get
 * `user` (`{id, sessionId}`) or never run: no or bad token is a 401.
 */
export const authGuard = (auth: AuthService) =>
  new Elysia().resolve({ as: 'scoped' }, async ({ headers }) => {
    const header = headers.authorization
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
    if (!match) throw new AppError('unauthorized', 'send an access token as "Authorization: Bearer <token>"')
    return { user: await auth.verifyAccessToken(match[1]!) }
  })

import { Elysia } from 'elysia'
import { AppError, forbidden } from '../../lib/errors'
import type { AuthService } from '../auth/service'
import { bearerToken } from '../auth/guard'

export { bearerToken }

/** The cookie that carries a platform admin's access token for the queue dashboard. */
export const ADMIN_COOKIE = 'hearth_admin'

/** Platform admins only: 401 without a valid token, 403 for anyone else. */
export async function requirePlatformAdmin(auth: AuthService, token: string | undefined) {
  if (!token) throw new AppError('unauthorized', 'send an access token as "Authorization: Bearer <token>"')
  const user = await auth.verifyAccessToken(token)
  const row = await auth.findUser(user.id)
  if (!row) throw new AppError('unauthorized', 'the account of this token no longer exists')
  if (!row.isPlatformAdmin) throw forbidden('platform admins only')
  return user
}

/** Resolves `admin` from the bearer token; for the REST admin API. */
export const platformAdminGuard = (auth: AuthService) =>
  new Elysia().resolve({ as: 'scoped' }, async ({ headers }) => ({
    admin: await requirePlatformAdmin(auth, bearerToken(headers.authorization)),
  }))

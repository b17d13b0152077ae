import { Elysia } from 'elysia'
import { AppError, forbidden } from '../../lib/errors'
import type { AuthService } from '../auth/service'
import { bearerToken, markEarlyAuth, oncePerRequest } from '../auth/guard'

export { bearerToken }

/** The cookie that carries a platform admin's access token for the queue dashboard. */
export const ADMIN_COOKIE = 'hearth_admin'

/** Platform admins only: 401 without a valid token, 403 for anyone else. */
export async function requirePlatformAdmin(auth: AuthService, token: string | undefined) {
  if (!token) throw new AppError('unauthorized', 'send an access token as "Authorization: Bearer <token>"')
  const user = await auth.verifyAccessToken(token)
  const row = await auth.findUser(user.id)
  if (!row) throw new AppError('unauthorized', 'the account of this token no longer exists')
  if (!auth.isPlatformAdmin(row)) throw forbidden('platform admins only')
  return user
}

/** Derives `admin` from the bearer token, before any body is read; for the REST admin API. */
export const platformAdminGuard = (auth: AuthService) => {
  const check = oncePerRequest((request: Request) => requirePlatformAdmin(auth, bearerToken(request.headers.get('authorization'))))
  return new Elysia().derive(
    { as: 'scoped' },
    markEarlyAuth(async ({ request }: { request: Request }) => ({ admin: await check(request) }), check),
  )
}

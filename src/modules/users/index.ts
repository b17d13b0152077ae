import { Elysia } from 'elysia'
import { AppError } from '../../lib/errors'
import { Self } from '../auth/model'
import { authGuard } from '../auth/guard'
import { toSelfView, type AuthService } from '../auth/service'

export const usersModule = (auth: AuthService) =>
  new Elysia({ prefix: '/v1/users', detail: { tags: ['users'], security: [{ bearer: [] }] } })
    .use(authGuard(auth))
    .get(
      '/me',
      async ({ user }) => {
        const row = await auth.findUser(user.id)
        if (!row) throw new AppError('unauthorized', 'the account of this token no longer exists')
        return toSelfView(row)
      },
      { response: { 200: Self }, detail: { summary: 'The signed-in user' } },
    )

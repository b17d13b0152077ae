import { Elysia } from 'elysia'
import { defineFeature } from '../../feature'
import { AppError } from '../../lib/errors'
import type { SignedIn } from '../auth/guard'
import { Self, toSelfView } from '../auth/model'
import type { AuthService } from '../auth/service'

export interface UsersDeps {
  auth: Pick<AuthService, 'findUser' | 'isPlatformAdmin'>
  signedIn: SignedIn
}

/** The signed-in user's own account. */
export const usersFeature = defineFeature<UsersDeps>({
  name: 'users',
  build: ({ auth, signedIn }) => ({
    routes: new Elysia({ prefix: '/v1/users', detail: { tags: ['users'], security: [{ bearer: [] }] } })
      .use(signedIn())
      .get(
        '/me',
        async ({ user }) => {
          const row = await auth.findUser(user.id)
          if (!row) throw new AppError('unauthorized', 'the account of this token no longer exists')
          return { ...toSelfView(row), isPlatformAdmin: auth.isPlatformAdmin(row) }
        },
        { response: { 200: Self }, detail: { summary: 'The signed-in user' } },
      ),
  }),
})

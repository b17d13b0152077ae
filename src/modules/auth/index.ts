import { Elysia } from 'elysia'
import type { Config } from '../../config'
import { defineFeature } from '../../feature'
import { NoContent } from '../../lib/model'
import { clientInfo } from '../../lib/http'
import type { SigningKeys } from './keys'
import { Jwks, LoginBody, RefreshBody, RegisterBody, Session, TokenPair } from './model'
import type { AuthService } from './service'

export interface AuthDeps {
  auth: AuthService
  keys: SigningKeys
  config: Pick<Config, 'trustProxy'>
}

/** Accounts and sessions: register, login, refresh, logout, and the public keys of the access tokens. */
export const authFeature = defineFeature<AuthDeps>({
  name: 'auth',
  build: (deps) => ({ routes: new Elysia().use(sessionRoutes(deps)).use(jwksRoutes(deps)) }),
})

const sessionRoutes = ({ auth, config }: AuthDeps) =>
  new Elysia({ prefix: '/v1/auth', detail: { tags: ['auth'] } })
    .derive(({ request, server }) => ({ client: clientInfo(request, server, config.trustProxy) }))
    .post('/register', async ({ body, client, status }) => status(201, await auth.register(body, client)), {
      body: RegisterBody,
      response: { 201: Session },
      detail: { summary: 'Create an account and start a session' },
    })
    .post('/login', ({ body, client }) => auth.login(body, client), {
      body: LoginBody,
      response: { 200: Session },
      detail: { summary: 'Start a session with a username or email and a password' },
    })
    .post('/refresh', ({ body, client }) => auth.refresh(body.refreshToken, client), {
      body: RefreshBody,
      response: { 200: TokenPair },
      detail: { summary: 'Spend a refresh token for a new token pair (reuse revokes the family)' },
    })
    .post(
      '/logout',
      async ({ body, status }) => {
        await auth.logout(body.refreshToken)
        return status(204, undefined)
      },
      { response: { 204: NoContent }, body: RefreshBody, detail: { summary: 'End the session of a refresh token' } },
    )

const jwksRoutes = ({ keys }: AuthDeps) =>
  new Elysia({ detail: { tags: ['auth'] } }).get(
    '/.well-known/jwks.json',
    ({ set }) => {
      set.headers['cache-control'] = 'public, max-age=300'
      return { keys: [keys.publicJwk as Record<string, unknown>] }
    },
    { response: { 200: Jwks }, detail: { summary: 'Public keys that verify access tokens' } },
  )

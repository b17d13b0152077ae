import { t, type Static } from 'elysia'
import type { UserRow } from '../../db/schema'

export const USERNAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.]{1,30}[A-Za-z0-9_]$'
export const EMAIL_PATTERN = '^[^\\s@]{1,64}@[^\\s@]+\\.[^\\s@]+$'

export const User = t.Object({
  id: t.String(),
  username: t.String(),
  displayName: t.Nullable(t.String()),
  avatarUrl: t.Nullable(t.String()),
  createdAt: t.String({ format: 'date-time' }),
})

/** The caller's own user: adds what only they may see. */
export const Self = t.Composite([
  User,
  t.Object({ email: t.String(), isPlatformAdmin: t.Boolean() }),
])

export const RegisterBody = t.Object({
  username: t.String({ pattern: USERNAME_PATTERN, minLength: 3, maxLength: 32, description: 'letters, digits, _ and .' }),
  email: t.String({ pattern: EMAIL_PATTERN, maxLength: 254 }),
  password: t.String({ minLength: 8, maxLength: 256 }),
})

export const LoginBody = t.Object({
  login: t.String({ minLength: 1, maxLength: 254, description: 'username or email' }),
  password: t.String({ minLength: 1, maxLength: 256 }),
})

export const RefreshBody = t.Object({ refreshToken: t.String({ minLength: 1, maxLength: 512 }) })

export const TokenPair = t.Object({ accessToken: t.String(), refreshToken: t.String() })
export const Session = t.Composite([t.Object({ user: Self }), TokenPair])

export const Jwks = t.Object({ keys: t.Array(t.Record(t.String(), t.Unknown())) })

export type SelfView = Static<typeof Self>
export type UserView = Static<typeof User>

export const toUserView = (u: UserRow): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  avatarUrl: u.avatarUrl,
  createdAt: u.createdAt.toISOString(),
})

export const toSelfView = (u: UserRow): SelfView => ({
  ...toUserView(u),
  email: u.email,
  isPlatformAdmin: u.isPlatformAdmin,
})

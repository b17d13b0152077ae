import { and, eq, isNull, gt, or, sql } from 'drizzle-orm'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import { refreshTokens, users, type UserRow } from '../../db/schema'
import type { Queryable } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { newId, randomToken, sha256 } from '../../lib/ids'
import { uniqueViolation } from '../../lib/pg-errors'
import type { Resources } from '../../resources'
import { TOKEN_ALG } from './keys'
import { toSelfView } from './model'

export interface AuthUser {
  id: string
  /** The refresh-token family this access token was issued under. */
  sessionId: string
  /** When the access token stops being valid (ms since the epoch). */
  expiresAt: number
}

export interface ClientInfo {
  ip: string
  userAgent: string | undefined
}

type AuthResources = Pick<Resources, 'config' | 'db' | 'keys' | 'rateLimiter'>

export class AuthService {
  // Verified against when the login names nobody, so both paths cost the same.
  private decoyHash: Promise<string>

  constructor(private readonly res: AuthResources) {
    this.decoyHash = this.hashPassword(randomToken(16))
  }

  async register(input: { username: string; email: string; password: string }, client: ClientInfo) {
    await this.res.rateLimiter.hit(`auth:ip:${client.ip}`, this.res.config.rateLimits.authPerIp)
    const passwordHash = await this.hashPassword(input.password)
    let user: UserRow
    try {
      ;[user] = (await this.res.db
        .insert(users)
        .values({ id: newId(), username: input.username, email: input.email.trim().toLowerCase(), passwordHash })
        .returning()) as [UserRow]
    } catch (err) {
      const constraint = uniqueViolation(err)
      if (constraint === 'users_username_lower_key') throw new AppError('username_taken', 'that username is taken')
      if (constraint === 'users_email_key') throw new AppError('email_taken', 'an account with that email exists')
      throw err
    }
    return { user: toSelfView(user), ...(await this.startSession(user.id, client)) }
  }

  async login(input: { login: string; password: string }, client: ClientInfo) {
    const { rateLimiter, config } = this.res
    await rateLimiter.hit(`auth:ip:${client.ip}`, config.rateLimits.authPerIp)

    const login = input.login.trim().toLowerCase()
    const [user] = await this.res.db
      .select()
      .from(users)
      .where(or(eq(sql`lower(${users.username})`, login), eq(users.email, login)))
      .limit(1)
    // One count per account, whichever of its names (username, email) the guesses use.
    const account = `auth:acct:${user?.id ?? login}`
    await rateLimiter.check(account, config.rateLimits.loginFailuresPerAccount)
    const ok = await Bun.password.verify(input.password, user?.passwordHash ?? (await this.decoyHash))
    if (!user || !ok) {
      await rateLimiter.add(account, config.rateLimits.loginFailuresPerAccount)
      throw new AppError('invalid_credentials', 'wrong login or password')
    }
    await rateLimiter.reset(account)
    return { user: toSelfView(user), ...(await this.startSession(user.id, client)) }
  }

  /** Spends a refresh token and issues the next of its family. A spent token presented again revokes the family. */
  async refresh(token: string, client: ClientInfo) {
    const { db } = this.res
    const tokenHash = sha256(token)
    // Spending and issuing the next token commit together: a reuse waits on the spent row's
    // lock until the next token exists, so revoking the family revokes that one too.
    const next = await db.transaction(async (tx) => {
      const [spent] = await tx
        .update(refreshTokens)
        .set({ spentAt: new Date() })
        .where(
          and(
            eq(refreshTokens.tokenHash, tokenHash),
            isNull(refreshTokens.spentAt),
            isNull(refreshTokens.revokedAt),
            gt(refreshTokens.expiresAt, new Date()),
          ),
        )
        .returning()
      return spent ? this.issue(spent.userId, spent.familyId, client, tx) : undefined
    })
    if (next) return next

    const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1)
    if (!row || row.revokedAt) throw new AppError('unauthorized', 'refresh token is not valid')
    if (row.spentAt) {
      await this.revokeFamily(row.familyId)
      throw new AppError('refresh_token_reused', 'refresh token was already used; every session of its family is revoked')
    }
    throw new AppError('token_expired', 'refresh token has expired')
  }

  async logout(token: string): Promise<void> {
    const [row] = await this.res.db
      .select({ familyId: refreshTokens.familyId })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, sha256(token)))
      .limit(1)
    if (row) await this.revokeFamily(row.familyId)
  }

  async verifyAccessToken(token: string): Promise<AuthUser> {
    const { keys, config } = this.res
    try {
      const { payload } = await jwtVerify(token, keys.publicKey, {
        algorithms: [TOKEN_ALG],
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
        requiredClaims: ['sub', 'exp', 'sid'],
      })
      return { id: payload.sub!, sessionId: String(payload.sid), expiresAt: payload.exp! * 1000 }
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new AppError('token_expired', 'access token has expired')
      throw new AppError('unauthorized', 'access token is not valid')
    }
  }

  /** A platform admin: marked so in the database (`bun run admin:grant`), or named in HEARTH_ADMINS. */
  isPlatformAdmin(user: Pick<UserRow, 'isPlatformAdmin' | 'username'>): boolean {
    return user.isPlatformAdmin || this.res.config.admins.includes(user.username.toLowerCase())
  }

  async findUser(id: string): Promise<UserRow | undefined> {
    const [user] = await this.res.db.select().from(users).where(eq(users.id, id)).limit(1)
    return user
  }

  private hashPassword(password: string): Promise<string> {
    return Bun.password.hash(password, {
      algorithm: 'argon2id',
      memoryCost: this.res.config.passwordMemoryKib,
      timeCost: 2,
    })
  }

  private startSession(userId: string, client: ClientInfo) {
    return this.issue(userId, newId(), client)
  }

  private async issue(userId: string, familyId: string, client: ClientInfo, db: Queryable = this.res.db) {
    const { config, keys } = this.res
    const refreshToken = randomToken(32)
    await db.insert(refreshTokens).values({
      id: newId(),
      familyId,
      userId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + config.jwt.refreshTtlSeconds * 1000),
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 256),
    })
    const accessToken = await new SignJWT({ sid: familyId })
      .setProtectedHeader({ alg: TOKEN_ALG, kid: keys.kid, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(config.jwt.issuer)
      .setAudience(config.jwt.audience)
      .setIssuedAt()
      .setJti(newId())
      .setExpirationTime(`${config.jwt.accessTtlSeconds}s`)
      .sign(keys.privateKey)
    return { accessToken, refreshToken }
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.res.db.transaction(async (tx) => {
      // Waits for a refresh of the family in flight (it holds its spent row) to commit, so
      // the update below, a statement of its own, sees the token that refresh issued.
      await tx.select({ id: refreshTokens.id }).from(refreshTokens).where(eq(refreshTokens.familyId, familyId)).for('update')
      await tx
        .update(refreshTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    })
  }
}

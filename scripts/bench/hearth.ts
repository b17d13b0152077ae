// Hearth under test: `bun src/main.ts` on a scratch Postgres database (dropped after) and its
// own Redis key prefix, populated through the public API: users, one community, rooms.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scratchDatabase } from '../lib/scratch'
import { createClient } from 'redis'
import { HttpClient } from '../../test/helpers/http'
import { freePort, POSTGRES_URL, startServer, type ServerProcess } from './processes'

export { POSTGRES_URL }
export const REDIS_URL = 'redis://127.0.0.1:6379'

export interface HearthWorld {
  tokens: string[]
  /** rooms[0] is the big room of scenarios 1 and 4. */
  roomIds: string[]
}

/** This checkout's root (its src/main.ts is Hearth under test). */
const ROOT = join(import.meta.dir, '../..')

/** Access tokens older than this are renewed before a scenario (they last ACCESS_TOKEN_TTL, 15 minutes). */
const TOKENS_RENEWED_AFTER_MS = 5 * 60_000

export class HearthUnderTest {
  private readonly database = scratchDatabase(POSTGRES_URL, 'hearth_bench_')
  private readonly runId = crypto.randomUUID().slice(0, 8)
  private readonly prefix = `ws-bench:${this.runId}:`
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-'))
  world: HearthWorld = { tokens: [], roomIds: [] }
  /** The refresh token of each of `world.tokens`' users, index for index. */
  private refreshTokens: string[] = []
  /** When `world.tokens` were issued. */
  private tokensAt = 0

  get databaseName(): string {
    return this.database.name
  }

  /**
   * A fresh Hearth process on the same database, keys and signing key; `root` runs another
   * checkout's src/main.ts (a baseline for before/after figures). Its users get new access
   * tokens first: one lasts ACCESS_TOKEN_TTL (at most 15 minutes), and a full run on a slow
   * machine reached scenario 4 after that (every socket closed 4001).
   */
  async start({ root = ROOT }: { root?: string } = {}): Promise<ServerProcess> {
    if (this.refreshTokens.length && Date.now() - this.tokensAt > TOKENS_RENEWED_AFTER_MS) {
      // On a process of its own: a thousand refreshes on the measured one grew its heap before
      // scenario 3 read its RSS at rest (4.9 KB per socket measured instead of 7.3).
      const renewer = await this.startProcess(ROOT)
      try {
        await this.renewTokens(renewer.baseUrl)
      } finally {
        await renewer.stop()
      }
    }
    return this.startProcess(root)
  }

  /** Each user's pair is replaced as soon as its refresh answers: a refresh token is spent once, and presenting it again revokes its family. */
  private async renewTokens(baseUrl: string) {
    const http = new HttpClient(baseUrl)
    const tokens = [...this.world.tokens]
    try {
      await inParallel(this.refreshTokens.length, 16, async (i) => {
        const renewed = expect(await http.post('/v1/auth/refresh', { refreshToken: this.refreshTokens[i]! }), 200, 'refresh')
        this.refreshTokens[i] = renewed.refreshToken
        tokens[i] = renewed.accessToken
      })
    } finally {
      this.world = { ...this.world, tokens }
    }
    this.tokensAt = Date.now()
  }

  private startProcess(root: string): Promise<ServerProcess> {
    return startServer({
      name: 'hearth',
      // BENCH_BUN_FLAGS (e.g. `--cpu-prof-md --cpu-prof-dir=/tmp/prof`) profiles the server under load.
      cmd: ['bun', ...(process.env.BENCH_BUN_FLAGS?.split(' ').filter(Boolean) ?? []), join(root, 'src/main.ts')],
      port: freePort(),
      env: {
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        DATABASE_URL: this.database.url,
        REDIS_URL,
        REDIS_PREFIX: this.prefix,
        DATA_DIR: this.dataDir,
        LOG_LEVEL: 'warn',
        PASSWORD_MEMORY_KIB: '1024',
        RATE_AUTH_PER_IP: '1000000/60',
        // The app process as deployed (fly.toml): HTTP and WebSockets; jobs run in the worker group.
        ROLE: 'api',
        RATE_WRITES_PER_USER: '100000000/60',
        WS_RATE_LIMIT: '1000000000/1',
        WS_MAX_VIOLATIONS: '100000',
        ACCESS_TOKEN_TTL: '900',
      },
    })
  }

  /** Creates the database, then registers `users` users in one community with `rooms` rooms. */
  async setup(opts: { users: number; rooms: number }) {
    await this.database.create()
    const server = await this.startProcess(ROOT)
    try {
      const http = new HttpClient(server.baseUrl)
      const started = performance.now()
      const registered = await inParallel(opts.users, 16, async (i) => {
        const username = `bench_${i}_${this.runId}`
        const res = await http.post('/v1/auth/register', { username, email: `${username}@bench.test`, password: 'bench password 1' })
        return expect(res, 201, 'register') as { accessToken: string; refreshToken: string }
      })
      this.refreshTokens = registered.map((r) => r.refreshToken)
      this.tokensAt = Date.now()
      const tokens = registered.map((r) => r.accessToken)
      const owner = { token: tokens[0]! }
      const community = expect(await http.post('/v1/communities', { name: 'Bench' }, owner), 201, 'community')
      const invite = expect(await http.post(`/v1/communities/${community.id}/invites`, {}, owner), 201, 'invite')
      await inParallel(opts.users - 1, 16, async (i) =>
        expect(await http.post(`/v1/invites/${invite.code}/accept`, undefined, { token: tokens[i + 1]! }), 200, 'accept'),
      )
      const roomIds = await inParallel(opts.rooms, 8, async (i) =>
        expect(await http.post(`/v1/communities/${community.id}/rooms`, { name: `room-${i}` }, owner), 201, 'room').id as string,
      )
      this.world = { tokens, roomIds }
      return { seconds: (performance.now() - started) / 1000 }
    } finally {
      await server.stop()
    }
  }

  async destroy() {
    await this.database.drop().catch(() => {})
    const redis = createClient({ url: REDIS_URL })
    await redis.connect()
    for await (const keys of redis.scanIterator({ MATCH: `${this.prefix}*`, COUNT: 1000 })) {
      if (keys.length) await redis.del(keys)
    }
    await redis.quit()
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}

function expect(res: { status: number; body: any }, status: number, what: string) {
  if (res.status !== status) throw new Error(`hearth setup: ${what} answered ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`)
  return res.body
}

async function inParallel<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) out[i] = await task(i)
    }),
  )
  return out
}

import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { ConfigError, loadConfig } from '../src/config'
import postgres from 'postgres'
import { createTestDatabase, TEST_REDIS_URL } from './helpers/app'
import { childEnv, freePort, spawnHearth, waitForLog } from './helpers/process'

// Boot tests start PGlite in a child (initdb takes 5 s and more on a loaded machine).
// Per file, because bun reads neither bunfig's [test] timeout nor a preload's default
// beyond the first file (oven-sh/bun#43787).
setDefaultTimeout(20_000)

describe('loadConfig', () => {
  test('runs with no environment on local defaults', () => {
    const c = loadConfig({})
    expect(c.port).toBe(3000)
    expect(c.databaseUrl).toBeUndefined()
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379')
    expect(c.jwt.accessTtlSeconds).toBeLessThanOrEqual(900)
    expect(c.nodeId).toMatch(/^node-/)
    expect(c.role).toBe('all')
  })

  test('NODE_ID falls back to FLY_MACHINE_ID', () => {
    expect(loadConfig({ FLY_MACHINE_ID: 'abc123' }).nodeId).toBe('abc123')
    expect(loadConfig({ FLY_MACHINE_ID: 'abc123', NODE_ID: 'n1' }).nodeId).toBe('n1')
  })

  test('CLUSTER: off by default, redis on Fly with a shared database or when asked', () => {
    expect(loadConfig({}).cluster).toMatchObject({ mode: 'off', leaseMs: 3000, heartbeatMs: 1000, vnodes: 128 })
    expect(loadConfig({ FLY_MACHINE_ID: 'm1' }).cluster.mode).toBe('off')
    expect(loadConfig({ FLY_MACHINE_ID: 'm1', DATABASE_URL: 'postgres://h/db' }).cluster.mode).toBe('redis')
    expect(loadConfig({ CLUSTER: 'redis', DATABASE_URL: 'postgres://h/db', CLUSTER_LEASE_MS: '1500' }).cluster).toMatchObject({
      mode: 'redis',
      leaseMs: 1500,
      heartbeatMs: 500,
      sendDeadlineMs: 8500,
    })
  })

  test.each([
    ['CLUSTER=redis without DATABASE_URL', { CLUSTER: 'redis' }, /^CLUSTER=redis: nodes must share one Postgres/],
    ['CLUSTER=mesh', { CLUSTER: 'mesh' }, /^CLUSTER: "mesh" is not one of off, redis/],
    ['PORT=eighty', { PORT: 'eighty' }, /^PORT: "eighty" is not a whole number/],
    ['PORT=70000', { PORT: '70000' }, /^PORT: .* from 0 to 65535/],
    ['REDIS_URL=http://', { REDIS_URL: 'http://localhost' }, /^REDIS_URL: .* must start with redis:/],
    ['DATABASE_URL=not a url', { DATABASE_URL: 'not a url' }, /^DATABASE_URL: .* is not a URL/],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL: "loud" is not one of debug, info/],
    ['ACCESS_TOKEN_TTL=3600', { ACCESS_TOKEN_TTL: '3600' }, /^ACCESS_TOKEN_TTL: .* from 30 to 900/],
    ['RATE_AUTH_PER_IP=lots', { RATE_AUTH_PER_IP: 'lots' }, /^RATE_AUTH_PER_IP: .* COUNT\/SECONDS/],
    ['production without DATABASE_URL', { NODE_ENV: 'production', JWT_PRIVATE_KEY: 'k' }, /^DATABASE_URL: required in production/],
    ['production without JWT_PRIVATE_KEY', { NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db' }, /^JWT_PRIVATE_KEY: required in production/],
    ['NODE_ID with spaces', { NODE_ID: 'has spaces' }, /^NODE_ID: /],
    [
      'an incoming-hook replay memory shorter than twice the timestamp tolerance',
      { WEBHOOK_INCOMING_TOLERANCE: '600', WEBHOOK_INCOMING_REPLAY_TTL: '900' },
      /^WEBHOOK_INCOMING_REPLAY_TTL: "900" is not a whole number from 1200 to/,
    ],
  ])('%s is refused with a line naming the setting', (_name, env: Record<string, string>, message: RegExp) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })

  test('passwords in URLs are not echoed', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:secret@h/db' })).toThrow(/\*\*\*/)
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:secret@h/db' })).not.toThrow(/secret/)
  })
})

describe('boot', () => {
  const expectBootFailure = async (env: Record<string, string>, line: RegExp) => {
    const dir = mkdtempSync(`${tmpdir()}/hearth-boot-`)
    try {
      const proc = spawnHearth({ DATA_DIR: dir, PORT: '0', ...env })
      expect(await proc.exited).toBe(1)
      const stderr = (await new Response(proc.stderr).text()).trim()
      expect(stderr.split('\n')).toHaveLength(1)
      expect(stderr).toMatch(line)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  test('Redis unreachable: one clear line, non-zero exit', async () => {
    const port = freePort()
    await expectBootFailure(
      { REDIS_URL: `redis://127.0.0.1:${port}` },
      new RegExp(`^hearth: REDIS_URL: nothing answers at redis://127.0.0.1:${port}.* — start Redis or set REDIS_URL$`),
    )
  }, 30_000)

  test('Postgres unreachable: one clear line, non-zero exit', async () => {
    const port = freePort()
    await expectBootFailure(
      { DATABASE_URL: `postgres://postgres:pw@127.0.0.1:${port}/hearth`, REDIS_URL: TEST_REDIS_URL },
      /^hearth: DATABASE_URL: nothing answers at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/hearth .*— start Postgres or set DATABASE_URL/,
    )
  }, 30_000)

  test('a bad setting: one clear line, non-zero exit', async () => {
    await expectBootFailure({ PORT: 'abc' }, /^hearth: PORT: "abc" is not a whole number/)
  }, 30_000)

  test('`bun start` with no database configured runs on embedded PGlite', async () => {
    const dir = mkdtempSync(`${tmpdir()}/hearth-embedded-`)
    const proc = spawnHearth({ DATA_DIR: dir, PORT: '0', REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `test:${crypto.randomUUID()}:` })
    try {
      const started = await waitForLog(proc, (l) => String(l.msg).startsWith('hearth listening at http://'), 60_000)
      expect(started.database).toStartWith('pglite:')
      const base = `http://127.0.0.1:${started.port}`
      expect((await fetch(`${base}/health`)).status).toBe(200)
      const spec = (await (await fetch(`${base}/swagger/json`)).json()) as { paths: Record<string, unknown> }
      expect(Object.keys(spec.paths)).toContain('/v1/auth/register')

      const reg = await fetch(`${base}/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'embedded', email: 'e@example.test', password: 'long enough pw' }),
      })
      expect(reg.status).toBe(201)
      const { accessToken } = (await reg.json()) as { accessToken: string }
      const me = await fetch(`${base}/v1/users/me`, { headers: { authorization: `Bearer ${accessToken}` } })
      expect(((await me.json()) as { username: string }).username).toBe('embedded')

      proc.kill('SIGTERM')
      expect(await proc.exited).toBe(0)
    } finally {
      proc.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  }, 90_000)
})

describe('bun run db:migrate', () => {
  test('applies every migration to DATABASE_URL, and again is a no-op', async () => {
    const database = await createTestDatabase()
    try {
      for (let run = 0; run < 2; run++) {
        const proc = Bun.spawn(['bun', 'run', 'db:migrate'], {
          cwd: new URL('..', import.meta.url).pathname,
          env: childEnv({ DATABASE_URL: database.url }),
          stdout: 'pipe',
          stderr: 'pipe',
        })
        expect(await proc.exited).toBe(0)
        expect(await new Response(proc.stdout).text()).toContain('migrations applied')
      }
      const sql = postgres(database.url, { max: 1 })
      const tables = await sql`select tablename from pg_tables where schemaname = 'public' order by 1`
      const triggers = await sql`select tgname from pg_trigger where tgname = 'users_touch_updated_at'`
      await sql.end()
      expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(['users', 'refresh_tokens']))
      expect(triggers).toHaveLength(1)
    } finally {
      await database.drop()
    }
  }, 30_000)
})

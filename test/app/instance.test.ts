// What a newcomer meets on their own machine: one instance per port and per data
// directory, a Redis of its own when none is running, a platform admin on any install.
import { describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchNodes, portFree } from '../../scripts/lib/nodes'
import { openDatabase } from '../../src/db/client'
import { startPrivateRedis } from '../../src/lib/private-redis'
import { createLogger } from '../../src/lib/log'
import { startTestApp } from '../helpers/app'
import { registerUser } from '../helpers/http'
import { childEnv, freePort, spawnHearth } from '../helpers/process'

const root = new URL('../..', import.meta.url).pathname
const scratch = () => {
  const dir = join(tmpdir(), `hearth-instance-${crypto.randomUUID().slice(0, 8)}`)
  mkdirSync(dir, { recursive: true })
  return dir
}
async function outcome(proc: ReturnType<typeof spawnHearth>) {
  const [err, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited])
  return { code, lines: err.trim().split('\n').filter(Boolean) }
}

describe('one instance per port and data directory', () => {
  test('a port another process listens on is a one-line error, not a second listener', async () => {
    const port = freePort()
    const holder = Bun.serve({ port, hostname: '0.0.0.0', fetch: () => new Response('mine') })
    try {
      const { code, lines } = await outcome(spawnHearth({ PORT: String(port), DATA_DIR: scratch(), REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'error' }))
      expect(code).toBe(1)
      expect(lines).toEqual([`hearth: PORT: ${port} on 0.0.0.0 is in use by another process — stop it, or set PORT (0: any free port)`])
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('mine')
    } finally {
      holder.stop(true)
    }
  })

  test('an embedded database held by a live process is refused, naming it', async () => {
    const dataDir = scratch()
    const holder = Bun.spawn(['sleep', '30'])
    mkdirSync(join(dataDir, 'pglite'), { recursive: true })
    writeFileSync(join(dataDir, 'pglite.lock'), String(holder.pid))
    try {
      const { code, lines } = await outcome(spawnHearth({ PORT: '0', DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'error' }))
      expect(code).toBe(1)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(`is in use by process ${holder.pid}`)
    } finally {
      holder.kill()
    }
  })

  test('a lock left by a process that is gone is taken over, and given back on close', async () => {
    const dataDir = scratch()
    const gone = Bun.spawn(['true'])
    await gone.exited
    mkdirSync(join(dataDir, 'pglite'), { recursive: true })
    writeFileSync(join(dataDir, 'pglite.lock'), String(gone.pid))
    const database = await openDatabase({ url: undefined, dataDir })
    expect(await Bun.file(join(dataDir, 'pglite.lock')).text()).toBe(String(process.pid))
    await database.close()
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false)
  }, 60_000)

  test('bun run cluster refuses ports in use before starting anything', async () => {
    const port = freePort()
    const holder = Bun.serve({ port, hostname: '0.0.0.0', fetch: () => new Response('mine') })
    try {
      expect(portFree(port)).toBe(false)
      expect(portFree(port + 1) || portFree(port + 2)).toBe(true)
      await expect(launchNodes({ count: 2, basePort: port - 1, databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres', output: 'ignore' })).rejects.toThrow(
        `port ${port} already in use`,
      )
    } finally {
      holder.stop(true)
    }
  })
})

describe('Redis on a fresh machine', () => {
  test('a private redis-server keeps its data under the given directory and stops with the process', async () => {
    const dir = scratch()
    const own = await startPrivateRedis({ dir: join(dir, 'redis'), log: createLogger('silent') })
    const { createClient } = await import('redis')
    const client = createClient({ url: own.url })
    await client.connect()
    await client.set('k', 'v')
    expect(await client.get('k')).toBe('v')
    await client.close()
    await own.stop()
    expect(existsSync(join(dir, 'redis'))).toBe(true)
    const port = Number(new URL(own.url).port)
    await expect(Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } })).rejects.toThrow()
  })

  test('with no redis-server installed, the one line says how to install one', async () => {
    const script = `import { startPrivateRedis } from './src/lib/private-redis'
      import { createLogger } from './src/lib/log'
      await startPrivateRedis({ dir: '/tmp/none', log: createLogger('silent') }).catch((e) => console.log(e.message))`
    const proc = Bun.spawn([process.execPath, '-e', script], { cwd: root, env: childEnv({ PATH: '/nonexistent' }), stdout: 'pipe' })
    const out = (await new Response(proc.stdout).text()).trim()
    expect(out).toContain('no redis-server is installed')
    expect(out).toContain('apt-get install redis-server')
    expect(out).toContain('brew install redis')
  })
})

describe('a platform admin on any install', () => {
  test('HEARTH_ADMINS names them', async () => {
    const app = await startTestApp({ HEARTH_ADMINS: 'Ops_Alice, nobody' })
    const alice = await registerUser(app.http, 'ops_alice')
    const me = await app.http.get('/v1/users/me', { token: alice.accessToken })
    expect(me.body.isPlatformAdmin).toBe(true)
    expect((await app.http.get('/v1/admin/dead-letters', { token: alice.accessToken })).status).toBe(200)
    const bob = await registerUser(app.http)
    expect((await app.http.get('/v1/admin/dead-letters', { token: bob.accessToken })).status).toBe(403)
  })

  test('bun run admin:grant makes one in the database the server uses', async () => {
    const app = await startTestApp()
    const carol = await registerUser(app.http)
    expect((await app.http.get('/v1/admin/dead-letters', { token: carol.accessToken })).status).toBe(403)
    const proc = Bun.spawn([process.execPath, 'scripts/admin-grant.ts', carol.username], {
      cwd: root,
      env: childEnv({ DATABASE_URL: app.res.config.databaseUrl! }),
      stdout: 'pipe',
    })
    expect((await new Response(proc.stdout).text()).trim()).toBe(`admin:grant: ${carol.username} is now a platform admin`)
    expect((await app.http.get('/v1/admin/dead-letters', { token: carol.accessToken })).status).toBe(200)
  })

  test('the queue dashboard opened in a browser without a session says how to sign in', async () => {
    const app = await startTestApp()
    const res = await fetch(`${app.url}/admin/queues`, { headers: { accept: 'text/html' } })
    expect(res.status).toBe(401)
    const page = await res.text()
    expect(page).toContain('/admin/queues?token=')
    expect(page).toContain('HEARTH_ADMINS')
  })
})

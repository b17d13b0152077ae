import { mkdirSync } from 'node:fs'
import { ConfigError } from '../config'
import type { Logger } from './log'

const INSTALL_HINT =
  'install one (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`; ' +
  'a container: `docker run -p 6379:6379 redis:7`) or set REDIS_URL'

/** A redis-server of this process's own, for a machine with none: its data under `dir`, stopped with the process. */
export interface PrivateRedis {
  url: string
  stop(): Promise<void>
}

/**
 * Starts `redis-server` (from the PATH) on a free loopback port with its data in `dir`
 * (append-only, so queued jobs survive a restart), and waits until it answers.
 */
export async function startPrivateRedis(opts: { dir: string; log: Logger }): Promise<PrivateRedis> {
  const binary = Bun.which('redis-server')
  if (!binary) throw new ConfigError(`REDIS_URL: nothing answers at redis://127.0.0.1:6379 and no redis-server is installed — ${INSTALL_HINT}`)
  mkdirSync(opts.dir, { recursive: true })
  const port = freePort()
  const proc = Bun.spawn(
    [binary, '--port', String(port), '--bind', '127.0.0.1', '--dir', opts.dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdout: 'ignore', stderr: 'pipe', stdin: 'ignore' },
  )
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) break
    try {
      const socket = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } })
      socket.end()
      opts.log.info('started a private redis-server (REDIS_URL is unset and nothing answered on 6379)', { port, dir: opts.dir })
      return {
        url: `redis://127.0.0.1:${port}`,
        async stop() {
          proc.kill('SIGTERM')
          await proc.exited
        },
      }
    } catch {
      await Bun.sleep(50)
    }
  }
  proc.kill()
  const reason = (await new Response(proc.stderr).text()).trim().split('\n').pop()
  throw new ConfigError(`REDIS_URL: unset, and a private redis-server would not start (${reason || 'no answer'}) — ${INSTALL_HINT}`)
}

function freePort(): number {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = server.port
  server.stop(true)
  return port
}

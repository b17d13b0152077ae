import type { Subprocess } from 'bun'

const root = new URL('../..', import.meta.url).pathname

/** Environment for a child Hearth: only what is given, plus what Bun needs to run. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }
}

export function spawnHearth(env: Record<string, string>): Subprocess<'ignore', 'pipe', 'pipe'> {
  return Bun.spawn(['bun', 'src/main.ts'], { cwd: root, env: childEnv(env), stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
}

/** Reads JSON log lines from a child's stdout until one matches, or throws after `ms`. */
export async function waitForLog(
  proc: Subprocess<'ignore', 'pipe', 'pipe'>,
  match: (line: Record<string, any>) => boolean,
  ms = 20_000,
): Promise<Record<string, any>> {
  const reader = proc.stdout.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const deadline = Date.now() + ms
  try {
    while (Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)])
      if (!chunk || chunk.done) break
      buffer += decoder.decode(chunk.value)
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        if (!line.startsWith('{')) continue
        const parsed = JSON.parse(line)
        if (match(parsed)) return parsed
      }
    }
  } finally {
    reader.releaseLock()
  }
  throw new Error(`no matching log line within ${ms} ms; stderr: ${await new Response(proc.stderr).text()}`)
}

/** A port nothing listens on (bound then released). */
export function freePort(): number {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = server.port
  server.stop(true)
  return port
}

/** Starts a private redis-server on `port` and waits until it answers. */
export async function startRedisServer(port: number): Promise<Subprocess> {
  const proc = Bun.spawn(
    ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdout: 'ignore', stderr: 'ignore' },
  )
  for (let i = 0; i < 100; i++) {
    try {
      const sock = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } })
      sock.end()
      return proc
    } catch {
      await Bun.sleep(50)
    }
  }
  proc.kill()
  throw new Error(`redis-server did not start on port ${port}`)
}

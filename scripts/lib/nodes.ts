import type { Subprocess } from 'bun'
import { exportPKCS8, generateKeyPair } from 'jose'
import { eq } from 'drizzle-orm'
import { openDatabase } from '../../src/db/client'
import { users } from '../../src/db/schema'

const root = new URL('../..', import.meta.url).pathname

export interface LocalNode {
  nodeId: string
  port: number
  url: string
  proc: Subprocess
}

export interface LocalCluster {
  nodes: LocalNode[]
  /** A platform admin's access token (GET /cluster is for platform admins), valid 15 minutes. */
  adminToken: string
  /** SIGTERM to every node (they hand their rooms over and close sockets with 4012), then waits. */
  stop(): Promise<void>
}

/** A fresh Ed25519 signing key: every node of one cluster must sign with the same one. */
export async function newSigningKey(): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  return exportPKCS8(privateKey)
}

/**
 * Starts `count` Hearth nodes on this machine (`bun src/main.ts`, CLUSTER=redis) sharing
 * one Postgres and one Redis: NODE_ID node-1..N on ports basePort..basePort+N-1. The
 * database is migrated once before the nodes start.
 */
export async function launchNodes(opts: {
  count: number
  basePort: number
  databaseUrl: string
  env?: Record<string, string>
  /** Where each node's output goes; default: this process's, prefixed by the node id. */
  output?: 'inherit' | 'ignore'
}): Promise<LocalCluster> {
  const taken = Array.from({ length: opts.count }, (_, i) => opts.basePort + i).filter((port) => !portFree(port))
  if (taken.length) {
    throw new Error(`port${taken.length > 1 ? 's' : ''} ${taken.join(', ')} already in use — stop what holds ${taken.length > 1 ? 'them' : 'it'}, or set BASE_PORT`)
  }
  const database = await openDatabase({ url: opts.databaseUrl, dataDir: '', poolSize: 1 })
  await database.migrate()
  await database.close()
  const jwtKey = opts.env?.JWT_PRIVATE_KEY ?? process.env.JWT_PRIVATE_KEY ?? (await newSigningKey())
  const nodes: LocalNode[] = []
  for (let i = 0; i < opts.count; i++) {
    const nodeId = `node-${i + 1}`
    const port = opts.basePort + i
    const proc = Bun.spawn(['bun', 'src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        CLUSTER: 'redis',
        NODE_ID: nodeId,
        PORT: String(port),
        DATABASE_URL: opts.databaseUrl,
        JWT_PRIVATE_KEY: jwtKey,
        ...opts.env,
      },
      stdin: 'ignore',
      stdout: opts.output === 'ignore' ? 'ignore' : 'pipe',
      stderr: opts.output === 'ignore' ? 'ignore' : 'pipe',
    })
    if (opts.output !== 'ignore') {
      void prefixLines(proc.stdout as ReadableStream<Uint8Array>, `[${nodeId}] `, process.stdout)
      void prefixLines(proc.stderr as ReadableStream<Uint8Array>, `[${nodeId}] `, process.stderr)
    }
    nodes.push({ nodeId, port, url: `http://127.0.0.1:${port}`, proc })
  }
  const stop = async () => {
    for (const n of nodes) if (n.proc.exitCode === null) n.proc.kill('SIGTERM')
    await Promise.all(nodes.map((n) => n.proc.exited))
  }
  try {
    const adminToken = await registerAdmin(nodes[0]!, opts.databaseUrl)
    await Promise.all(nodes.map((n) => waitUntilJoined(n, opts.count, adminToken)))
    return { nodes, adminToken, stop }
  } catch (err) {
    // A launch that failed leaves nothing running behind it.
    await stop()
    throw err
  }
}

/** Whether nothing listens on the port (bound and released at once). */
export function portFree(port: number): boolean {
  try {
    Bun.listen({ hostname: '0.0.0.0', port, socket: { data() {} } }).stop(true)
    return true
  } catch {
    return false
  }
}

/** Registers an operator account through the node's API and makes it a platform admin in the database. */
async function registerAdmin(node: LocalNode, databaseUrl: string): Promise<string> {
  const username = `ops_${crypto.randomUUID().slice(0, 8)}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (node.proc.exitCode !== null) throw new Error(`${node.nodeId} exited with ${node.proc.exitCode}`)
    const res = await fetch(`${node.url}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, email: `${username}@ops.invalid`, password: crypto.randomUUID() }),
    }).catch(() => undefined)
    if (res?.status === 201) {
      const { user, accessToken } = (await res.json()) as { user: { id: string }; accessToken: string }
      const database = await openDatabase({ url: databaseUrl, dataDir: '', poolSize: 1 })
      try {
        await database.db.update(users).set({ isPlatformAdmin: true }).where(eq(users.id, user.id))
      } finally {
        await database.close()
      }
      return accessToken
    }
    if (res && res.status !== 503) throw new Error(`registering the operator on ${node.nodeId}: ${res.status} ${await res.text()}`)
    if (Date.now() > deadline) throw new Error(`${node.nodeId} did not answer within 30 s`)
    await Bun.sleep(100)
  }
}

async function waitUntilJoined(node: LocalNode, members: number, adminToken: string) {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (node.proc.exitCode !== null) throw new Error(`${node.nodeId} exited with ${node.proc.exitCode}`)
    const status = await fetch(`${node.url}/cluster`, { headers: { authorization: `Bearer ${adminToken}` } })
      .then((r) => (r.ok ? (r.json() as Promise<{ members: string[] }>) : undefined))
      .catch(() => undefined)
    if (status && status.members.length >= members) return
    await Bun.sleep(100)
  }
  throw new Error(`${node.nodeId} did not join a cluster of ${members} within 30 s`)
}

async function prefixLines(stream: ReadableStream<Uint8Array>, prefix: string, out: NodeJS.WriteStream) {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true })
    let nl: number
    while ((nl = buffer.indexOf('\n')) >= 0) {
      out.write(prefix + buffer.slice(0, nl + 1))
      buffer = buffer.slice(nl + 1)
    }
  }
}

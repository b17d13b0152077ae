import type { Subprocess } from 'bun'
import { exportPKCS8, generateKeyPair } from 'jose'
import postgres from 'postgres'
import { openDatabase } from '../../src/db/client'
import { createTestDatabase, TEST_REDIS_URL } from './app'
import { HttpClient, registerUser } from './http'
import { childEnv, freePort } from './process'
import { eventually } from './wait'

const root = new URL('../..', import.meta.url).pathname

export interface HearthNode {
  nodeId: string
  machineId: string
  url: string
  wsUrl: string
  http: HttpClient
  proc: Subprocess
  /** This node's stdout (JSON log lines). */
  logFile: string
  /** What the node says about the cluster (`GET /cluster`). */
  status(roomId?: string): Promise<{ members: string[]; owner?: string; roomMessagesReceived: number; activeRooms: number }>
}

export interface HearthCluster {
  nodes: HearthNode[]
  sql: postgres.Sql
  /** Starts (or restarts, on its old port) a node. */
  start(nodeId: string): Promise<HearthNode>
  /** Waits until every running node sees exactly `nodeIds` as members. */
  settle(nodeIds: string[], ms?: number): Promise<void>
  stop(): Promise<void>
}

/**
 * Hearth nodes as child processes (`bun src/main.ts`, CLUSTER=redis) sharing one fresh
 * Postgres database, one Redis prefix and one signing key; each has NODE_ID `<id>` and
 * FLY_MACHINE_ID `machine-<id>`.
 */
export async function startHearthCluster(
  nodeIds: string[],
  env: Record<string, string> = {},
  /** Settings of single nodes, e.g. `{ 'node-a': { ROLE: 'all' } }` for one that also runs the jobs. */
  perNode: Record<string, Record<string, string>> = {},
): Promise<HearthCluster> {
  const database = await createTestDatabase()
  const handle = await openDatabase({ url: database.url, dataDir: '', poolSize: 1 })
  await handle.migrate()
  await handle.close()
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const jwtKey = await exportPKCS8(privateKey)
  const prefix = `test:${crypto.randomUUID().slice(0, 8)}:`
  const ports = new Map<string, number>()
  const running = new Map<string, HearthNode>()
  const sql = postgres(database.url, { max: 2, onnotice: () => {} })
  const logFiles: string[] = []
  // GET /cluster is for platform admins: one, registered through the first node that asks.
  let admin: Promise<string> | undefined
  const adminToken = (http: HttpClient) =>
    (admin ??= (async () => {
      const user = await registerUser(http, `ops_${prefix.slice(5, 13)}`)
      await sql`update users set is_platform_admin = true where id = ${user.id}`
      return user.accessToken
    })().catch((err) => {
      admin = undefined // a node that was not ready: the next call tries again
      throw err
    }))

  const start = async (nodeId: string): Promise<HearthNode> => {
    const port = ports.get(nodeId) ?? freePort()
    ports.set(nodeId, port)
    const logFile = `/tmp/hearth-${prefix.slice(5, 13)}-${nodeId}-${Date.now()}.log`
    logFiles.push(logFile, `${logFile}.err`)
    const proc = Bun.spawn(['bun', 'src/main.ts'], {
      cwd: root,
      env: childEnv({
        CLUSTER: 'redis',
        NODE_ID: nodeId,
        FLY_MACHINE_ID: `machine-${nodeId}`,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        JWT_PRIVATE_KEY: jwtKey,
        ROLE: 'api',
        LOG_LEVEL: 'info',
        PASSWORD_MEMORY_KIB: '4096',
        RATE_AUTH_PER_IP: '10000/60',
        RATE_WRITES_PER_USER: '100000/60',
        WS_RATE_LIMIT: '100000/10',
        TRUST_PROXY: 'true',
        ...env,
        ...perNode[nodeId],
      }),
      stdin: 'ignore',
      stdout: Bun.file(logFile),
      stderr: Bun.file(`${logFile}.err`),
    })
    const url = `http://127.0.0.1:${port}`
    const http = new HttpClient(url)
    const node: HearthNode = {
      nodeId,
      machineId: `machine-${nodeId}`,
      url,
      wsUrl: url.replace('http', 'ws'),
      http,
      proc,
      logFile,
      async status(roomId) {
        const res = await http.get(roomId ? `/cluster?roomId=${roomId}` : '/cluster', { token: await adminToken(http) })
        if (res.status !== 200) throw new Error(`GET /cluster on ${nodeId}: ${res.status}`)
        return res.body
      },
    }
    await eventually(`${nodeId} to listen`, async () => (await http.get('/health').catch(() => undefined))?.status === 200, 20_000)
    running.set(nodeId, node)
    return node
  }

  const nodes: HearthNode[] = []
  for (const id of nodeIds) nodes.push(await start(id))
  const cluster: HearthCluster = {
    nodes,
    sql,
    start,
    async settle(ids, ms = 10_000) {
      const want = [...ids].sort().join(',')
      await eventually(`members ${want}`, async () => {
        for (const node of running.values()) {
          if (node.proc.exitCode !== null || node.proc.signalCode !== null) continue
          if ((await node.status()).members.join(',') !== want) return false
        }
        return true
      }, ms)
    },
    async stop() {
      for (const node of running.values()) node.proc.kill('SIGKILL')
      await Promise.all([...running.values()].map((n) => n.proc.exited))
      await sql.end()
      const { createClient } = await import('redis')
      const redis = createClient({ url: TEST_REDIS_URL })
      await redis.connect()
      for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) await redis.del(keys)
      await redis.close()
      await database.drop()
      const { rm } = await import('node:fs/promises')
      for (const file of logFiles) await rm(file, { force: true })
    },
  }
  await cluster.settle(nodeIds)
  return cluster
}

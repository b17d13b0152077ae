// Boot: config -> redis -> db -> cluster (CLUSTER=redis) -> http -> job workers (ROLE: all = both, api = http only,
// worker = job workers only, no HTTP server). A configuration or dependency problem at boot
// prints one line saying what and how to fix it, and exits non-zero.
import { createApp } from './app'
import { ConfigError, loadConfig, redactUrl } from './config'
import { installLastResort } from './lib/last-resort'
import { createLogger } from './lib/log'
import { closeResources, openResources } from './resources'
import { FEATURE_JOBS } from './features'
import { createHearth } from './hearth'

async function main() {
  const config = loadConfig()
  // Said at once, before the seconds a database takes to open (listen() says it again if the port is taken meanwhile).
  if (config.role !== 'worker' && config.port !== 0) assertPortFree(config)
  const booting = installLastResort({ log: createLogger(config.logLevel, { node: config.nodeId }) })
  const res = await openResources(config)
  booting()
  installLastResort({ log: res.log, metrics: res.metrics })
  const hearth = createHearth(res)
  await hearth.start()
  const app = config.role === 'worker' ? undefined : listen(createApp(hearth), config)
  if (config.role !== 'api') await res.jobs.startWorkers({ modules: [FEATURE_JOBS] })
  const url = app ? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${app.server!.port}` : undefined
  res.log.info(url ? `hearth listening at ${url} (API docs: ${url}/swagger)` : 'hearth worker running', {
    url,
    port: app?.server?.port,
    database: config.databaseUrl ? redactUrl(config.databaseUrl) : `pglite:${config.dataDir}/pglite`,
    redis: redactUrl(config.redisUrl),
    role: config.role,
    jobThreads: res.jobs.liveThreads,
  })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    res.log.info('stopping', { signal })
    await hearth.stop()
    await app?.stop()
    // Job threads finish their running jobs (or hand them back) before the connections close.
    await closeResources(res)
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

function assertPortFree(config: { port: number; host: string }) {
  try {
    Bun.listen({ hostname: config.host, port: config.port, socket: { data() {} } }).stop(true)
  } catch {
    throw portInUse(config)
  }
}

const portInUse = (config: { port: number; host: string }) =>
  new ConfigError(`PORT: ${config.port} on ${config.host} is in use by another process — stop it, or set PORT (0: any free port)`)

/** Listens on PORT alone: a port another process holds is a one-line error, not a second listener (reusePort off). */
function listen(app: ReturnType<typeof createApp>, config: { port: number; host: string }) {
  try {
    return app.listen({ port: config.port, hostname: config.host, reusePort: false })
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE' || /in use/i.test(String(err))) throw portInUse(config)
    throw err
  }
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`hearth: ${err.message}\n`)
  } else {
    process.stderr.write(`hearth: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`)
  }
  process.exit(1)
})

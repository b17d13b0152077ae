// Boot: config -> redis -> db (migrated) -> http. A configuration or dependency problem at boot
// prints one line saying what and how to fix it, and exits non-zero.
import { createApp } from './app'
import { ConfigError, loadConfig, redactUrl } from './config'
import { closeResources, openResources } from './resources'
import { createServices } from './services'

async function main() {
  const config = loadConfig()
  const res = await openResources(config)
  const services = createServices(res)
  const app = createApp(res, services).listen({ port: config.port, hostname: config.host })
  res.log.info('hearth listening', {
    port: app.server?.port,
    database: config.databaseUrl ? redactUrl(config.databaseUrl) : `pglite:${config.dataDir}/pglite`,
    redis: redactUrl(config.redisUrl),
    role: config.role,
  })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    res.log.info('stopping', { signal })
    await services.stop()
    await app.stop()
    await closeResources(res)
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`hearth: ${err.message}\n`)
  } else {
    process.stderr.write(`hearth: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`)
  }
  process.exit(1)
})

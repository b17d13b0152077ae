// `bun run db:migrate`: applies the migrations in drizzle/ to DATABASE_URL (or the embedded database).
import { ConfigError, loadConfig } from '../src/config'
import { openDatabase } from '../src/db/client'

try {
  const config = loadConfig()
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir })
  await database.migrate()
  await database.close()
  console.log(`migrations applied to ${database.kind === 'pglite' ? 'the embedded database' : 'DATABASE_URL'}`)
} catch (err) {
  console.error(`hearth: ${err instanceof ConfigError ? err.message : err}`)
  process.exit(1)
}

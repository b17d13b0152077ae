// `bun run admin:grant <username>` makes a user a platform admin (`--revoke` takes it back),
// in the database the server uses: DATABASE_URL, or the embedded one under DATA_DIR (stop
// the server first: the embedded database is one process's). HEARTH_ADMINS=alice,bob in
// the server's environment does the same without touching the database.
import { sql } from 'drizzle-orm'
import { ConfigError, loadConfig } from '../src/config'
import { openDatabase } from '../src/db/client'
import { users } from '../src/db/schema'

const args = process.argv.slice(2)
const username = args.find((a) => !a.startsWith('--'))
const revoke = args.includes('--revoke')
if (!username) {
  console.error('usage: bun run admin:grant <username> [--revoke]')
  process.exit(1)
}
try {
  const config = loadConfig()
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 })
  try {
    await database.migrate()
    const rows = await database.db
      .update(users)
      .set({ isPlatformAdmin: !revoke })
      .where(sql`lower(${users.username}) = ${username.toLowerCase()}`)
      .returning({ username: users.username })
    if (rows.length === 0) {
      console.error(`admin:grant: no user named ${username}`)
      process.exitCode = 1
    } else {
      console.log(`admin:grant: ${rows[0]!.username} is ${revoke ? 'no longer' : 'now'} a platform admin`)
    }
  } finally {
    await database.close()
  }
} catch (err) {
  console.error(`admin:grant: ${err instanceof ConfigError ? err.message : err}`)
  process.exit(1)
}

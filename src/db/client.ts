import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { ConfigError, redactUrl } from '../config'
import * as schema from './schema'

/** The one database type every module uses, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>

export interface DatabaseHandle {
  db: Database
  kind: 'postgres' | 'pglite'
  migrate(): Promise<void>
  ping(): Promise<void>
  close(): Promise<void>
}

const migrationsFolder = new URL('../../drizzle', import.meta.url).pathname
// Several nodes may boot together; one applies the migrations, the others wait for it.
const MIGRATION_LOCK = 7_242_001

export async function openDatabase(opts: { url: string | undefined; dataDir: string; poolSize?: number }): Promise<DatabaseHandle> {
  if (!opts.url) return openPglite(`${opts.dataDir}/pglite`)

  const client = postgres(opts.url, {
    max: opts.poolSize ?? 10,
    connect_timeout: 5,
    idle_timeout: 30,
    onnotice: () => {},
  })
  const db = drizzlePostgres(client, { schema }) as unknown as Database
  const handle: DatabaseHandle = {
    db,
    kind: 'postgres',
    async migrate() {
      // One connection, so the session lock and the migration share it.
      const single = postgres(opts.url!, { max: 1, connect_timeout: 5, onnotice: () => {} })
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK})`
        await migratePostgres(drizzlePostgres(single), { migrationsFolder })
      } finally {
        await single.end({ timeout: 5 })
      }
    },
    async ping() {
      await client`select 1`
    },
    async close() {
      await client.end({ timeout: 5 })
    },
  }
  try {
    await handle.ping()
  } catch (err) {
    await client.end({ timeout: 0 }).catch(() => {})
    throw new ConfigError(
      `DATABASE_URL: nothing answers at ${redactUrl(opts.url)} (${describe(err)}) — start Postgres or set DATABASE_URL (unset it to use the embedded database)`,
    )
  }
  return handle
}

/**
 * The embedded database is one process's: a second process opening the same directory
 * could damage it. A lock file beside it names the holder; a stale one (its process gone)
 * is taken over.
 */
function lockDirectory(dir: string): () => void {
  const lock = `${dir}.lock`
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' })
      return () => rmSync(lock, { force: true })
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err
      const holder = Number(readFileSync(lock, 'utf8').trim())
      if (holder && holder !== process.pid && alive(holder)) {
        throw new ConfigError(
          `DATA_DIR: the embedded database in ${dir} is in use by process ${holder} — stop it, or give this one another DATA_DIR (or a DATABASE_URL)`,
        )
      }
      rmSync(lock, { force: true })
    }
  }
  throw new ConfigError(`DATA_DIR: could not lock ${dir}`)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM'
  }
}

async function openPglite(dir: string): Promise<DatabaseHandle> {
  mkdirSync(dir, { recursive: true })
  const unlock = lockDirectory(dir)
  const client = new PGlite(dir)
  await client.waitReady
  const db = drizzlePglite(client, { schema }) as unknown as Database
  return {
    db,
    kind: 'pglite',
    async migrate() {
      await migratePglite(drizzlePglite(client), { migrationsFolder })
    },
    async ping() {
      await db.execute(sql`select 1`)
    },
    async close() {
      await client.close()
      unlock()
    },
  }
}

function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err) return String((err as { code: unknown }).code)
  return err instanceof Error ? err.message : String(err)
}

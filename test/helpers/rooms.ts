import { afterAll } from 'bun:test'
import { sql } from 'drizzle-orm'
import { loadConfig } from '../../src/config'
import { openDatabase, type Database } from '../../src/db/client'
import { users } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { createLogger } from '../../src/lib/log'
import { RoomHost, type RoomHostOptions, type RoomResources } from '../../rooms'
import { createTestDatabase } from './app'

export interface RoomsTestbed {
  resources: RoomResources
  db: Database
  /** A host on this file's database, stopped after the file. */
  host(options?: RoomHostOptions): RoomHost
  createUsers(n: number): Promise<string[]>
  /** How many Postgres transactions wrote this room's messages (distinct xmin). */
  writeTransactions(roomId: string): Promise<number>
  /** Stops the hosts and drops the database (run by afterAll unless `manualClose`). */
  close(): Promise<void>
}

/** A fresh migrated database for one test file, and the room runtime's resources over it. */
export async function openRoomsTestbed(
  env: Record<string, string> = {},
  opts: { manualClose?: boolean } = {},
): Promise<RoomsTestbed> {
  const database = await createTestDatabase()
  const handle = await openDatabase({ url: database.url, dataDir: '', poolSize: 10 })
  await handle.migrate()
  const resources: RoomResources = {
    db: handle.db,
    log: createLogger('silent'),
    config: loadConfig({ NODE_ID: 'rooms-test', ...env }),
  }
  const hosts: RoomHost[] = []
  const close = async () => {
    for (const h of hosts.splice(0)) await h.stop()
    await handle.close()
    await database.drop()
  }
  // Hooks registered from inside another hook do not run at file end, so a caller opening
  // the testbed in beforeAll (the router contract) closes it itself.
  if (!opts.manualClose) afterAll(close)
  return {
    close,
    resources,
    db: handle.db,
    host(options) {
      const h = new RoomHost(resources, options)
      hosts.push(h)
      return h
    },
    async createUsers(n) {
      const ids = Array.from({ length: n }, () => newId())
      await handle.db.insert(users).values(
        ids.map((id) => ({ id, username: `u_${id.slice(-12)}`, email: `${id}@example.test`, passwordHash: 'x' })),
      )
      return ids
    },
    async writeTransactions(roomId) {
      const rows = await handle.db.execute<{ n: number }>(
        sql`select count(distinct xmin::text)::int as n from messages where room_id = ${roomId}`,
      )
      return Number((rows as unknown as { n: number }[])[0]!.n)
    },
  }
}

export const newRoomId = newId

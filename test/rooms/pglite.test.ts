import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalRouter, RoomHost } from '../../rooms'
import { loadConfig } from '../../src/config'
import { openDatabase } from '../../src/db/client'
import { users } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { createLogger } from '../../src/lib/log'
import { routerContract } from '../helpers/router-contract'

// `bun start` with no DATABASE_URL runs on the embedded database; the room runtime must too.
routerContract('LocalRouter on PGlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-rooms-'))
  const handle = await openDatabase({ url: undefined, dataDir: dir })
  await handle.migrate()
  const host = new RoomHost({ db: handle.db, log: createLogger('silent'), config: loadConfig({ NODE_ID: 'pglite' }) })
  const ids = [newId(), newId(), newId()]
  await handle.db.insert(users).values(ids.map((id) => ({ id, username: id, email: `${id}@x.test`, passwordHash: 'x' })))
  return {
    router: new LocalRouter({ host }),
    users: ids,
    async close() {
      await host.stop()
      await handle.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})

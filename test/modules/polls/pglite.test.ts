import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../../../src/db/client'
import { communities, pollOptions, polls, rooms, users } from '../../../src/db/schema'
import { newId } from '../../../src/lib/ids'
import { createLogger } from '../../../src/lib/log'
import { BallotBox } from '../../../src/modules/polls/ballot-box'
import { loadRecords, loadState } from '../../../src/modules/polls/store'

// `bun start` with no DATABASE_URL runs on the embedded database: the ballots, their
// triggers and the batch statement must work there too.
const dir = mkdtempSync(join(tmpdir(), 'hearth-polls-'))
const handle = await openDatabase({ url: undefined, dataDir: dir })
await handle.migrate()
afterAll(async () => {
  await handle.close()
  rmSync(dir, { recursive: true, force: true })
})

test('votes on the embedded database: group-committed, counted by the triggers, changed and taken back', async () => {
  const db = handle.db
  const voters = Array.from({ length: 50 }, () => newId())
  await db.insert(users).values(voters.map((id) => ({ id, username: id, email: `${id}@x.test`, passwordHash: 'x' })))
  const communityId = newId()
  const roomId = newId()
  const pollId = newId()
  const [a, b] = [newId(), newId()]
  await db.insert(communities).values({ id: communityId, name: 'c' })
  await db.insert(rooms).values({ id: roomId, communityId, kind: 'text', name: 'r' })
  await db.insert(polls).values({ id: pollId, roomId, authorId: voters[0], nonce: 'n', question: 'Q?', messageId: newId(), seq: 1 })
  await db.insert(pollOptions).values([
    { id: a, pollId, position: 0, text: 'a' },
    { id: b, pollId, position: 1, text: 'b' },
  ])
  const record = (await loadRecords(db, [pollId])).get(pollId)!
  const box = new BallotBox({ db, log: createLogger('silent'), batchMax: 20 })

  await Promise.all(voters.map((userId, i) => box.cast(record, userId, [i % 2 ? b : a].sort())))
  expect((await loadState(db, pollId))!.state).toMatchObject({ voterCount: 50, counts: { [a]: 25, [b]: 25 } })

  await Promise.all(voters.slice(0, 10).map((userId) => box.cast(record, userId, [])))
  await Promise.all(voters.slice(10, 20).map((userId) => box.cast(record, userId, [a])))
  const { state, mine } = (await loadState(db, pollId, voters[11]))!
  expect(state).toMatchObject({ voterCount: 40, counts: { [a]: 25, [b]: 15 } })
  expect(mine).toEqual([a])
})

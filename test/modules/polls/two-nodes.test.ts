import { describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { createLogger } from '../../../src/lib/log'
import { AppError } from '../../../src/lib/errors'
import { BallotBox } from '../../../src/modules/polls/ballot-box'
import { rowsOf } from '../../../src/db/tx'
import { loadRecords, loadState } from '../../../src/modules/polls/store'
import { pollRoom, pollsWorld } from './world'

// Two API nodes each have their own ballot box: the votes of one user can reach both at
// once (two devices). Their transactions are ordered by the lock on the poll row; the one
// that waited must see what the other committed.
const w = await pollsWorld()
const t = await pollRoom(w)
const db = w.app.res.db
const log = createLogger('silent')
const nodeA = new BallotBox({ db, log, batchMax: 20 })
const nodeB = new BallotBox({ db, log, batchMax: 20 })

const settle = <T>(p: Promise<T>) => p.then((value) => ({ value, error: undefined }), (error: unknown) => ({ value: undefined, error }))

/** Holds the poll row while `start` begins its votes (each after the one before is waiting), then lets them run in that order. */
async function queued<T>(pollId: string, starts: (() => Promise<T>)[]) {
  const started: Promise<{ value: T | undefined; error: unknown }>[] = []
  await db.transaction(async (tx) => {
    await tx.execute(sql`select 1 from polls where id = ${pollId} for update`)
    for (const start of starts) {
      started.push(settle(start()))
      await Bun.sleep(150)
    }
  })
  return Promise.all(started)
}

async function ballot(pollId: string, userId: string): Promise<string[] | null> {
  const [row] = rowsOf<{ option_ids: string[] | string }>(
    await db.execute(sql`select option_ids from poll_ballots where poll_id = ${pollId} and user_id = ${userId}`),
  )
  if (!row) return null
  return typeof row.option_ids === 'string' ? row.option_ids.slice(1, -1).split(',') : row.option_ids
}

describe('one voter on two nodes at once', () => {
  test('a poll without changes: one vote counts, the other is 409 already_voted (not a database error)', async () => {
    const { poll } = await t.create({ question: 'Once?', options: ['a', 'b'], allowChange: false })
    const record = (await loadRecords(db, [poll.id])).get(poll.id)!
    const [a, b] = record.options.map((o) => o.id)
    const [first, second] = await queued(poll.id, [() => nodeA.cast(record, t.voter.id, [a!]), () => nodeB.cast(record, t.voter.id, [b!])])
    expect(first!.error).toBeUndefined()
    expect(first!.value!.choices).toEqual([a!])
    expect(second!.error).toBeInstanceOf(AppError)
    expect((second!.error as AppError).code).toBe('already_voted')
    expect(await ballot(poll.id, t.voter.id)).toEqual([a!])
    expect((await loadState(db, poll.id))!.state.voterCount).toBe(1)
  })

  test('a vote taken back on one node and changed on the other: the answer of each is what is stored after it', async () => {
    const { poll } = await t.create({ question: 'Change?', options: ['a', 'b'] })
    const record = (await loadRecords(db, [poll.id])).get(poll.id)!
    const [a, b] = record.options.map((o) => o.id)
    await nodeA.cast(record, t.voter.id, [a!])
    const [retracted, changed] = await queued(poll.id, [() => nodeA.cast(record, t.voter.id, []), () => nodeB.cast(record, t.voter.id, [b!])])
    expect(retracted!.error).toBeUndefined()
    expect(changed!.error).toBeUndefined()
    expect(changed!.value!.choices).toEqual([b!])
    // The later vote was acknowledged with [b]: it must be what is stored.
    expect(await ballot(poll.id, t.voter.id)).toEqual([b!])
    const state = (await loadState(db, poll.id))!.state
    expect(state.voterCount).toBe(1)
    expect(state.counts).toEqual({ [a!]: 0, [b!]: 1 })
  })
})

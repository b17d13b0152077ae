import { describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { rowsOf } from '../../../src/db/tx'
import { ok } from '../../helpers/community'
import { bulkMembers, pollRoom, pollsWorld } from './world'

const w = await pollsWorld()
const t = await pollRoom(w)
const crowd = await bulkMembers(w.app, t.c.id, 1000)
const as = (u: { accessToken: string }) => ({ token: u.accessToken })

const deleteUsers = (ids: string[]) =>
  w.app.res.db.execute(sql`delete from users where id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`)

/** What the ballots say, counted from scratch, beside what the counters say. */
async function tally(pollId: string) {
  const [row] = rowsOf<{ stored: Record<string, number> | null; counters: Record<string, number>; ballots: number; voter_count: number; repeats: number }>(
    await w.app.res.db.execute(sql`
      select (select jsonb_object_agg(option_id, n) from (
                select x.option_id, count(*)::int as n from poll_ballots b, unnest(b.option_ids) x(option_id)
                 where b.poll_id = ${pollId} group by 1) s) as stored,
             (select jsonb_object_agg(id, votes) from poll_options where poll_id = ${pollId}) as counters,
             (select count(*)::int from poll_ballots where poll_id = ${pollId}) as ballots,
             (select voter_count from polls where id = ${pollId}) as voter_count,
             (select count(*)::int from poll_ballots where poll_id = ${pollId}
                and cardinality(option_ids) <> (select count(distinct x) from unnest(option_ids) x)) as repeats`),
  )
  const counters = row!.counters
  const stored = Object.fromEntries(Object.keys(counters).map((id) => [id, row!.stored?.[id] ?? 0]))
  return { counters, stored, ballots: row!.ballots, voterCount: row!.voter_count, repeats: row!.repeats }
}

describe('1000 members voting at once', () => {
  test('single choice: counts equal the stored ballots, one per member, and a retried vote changes nothing', async () => {
    const { poll } = await t.create({ question: 'Hot?', options: ['a', 'b', 'c', 'd'] })
    const ids: string[] = poll.options.map((o: any) => o.id)
    const choice = (i: number) => ids[i % ids.length]!
    // Every member sends their vote twice at once (a client retry).
    const started = performance.now()
    const answers = await Promise.all(
      crowd.flatMap((u, i) => [0, 1].map(() => w.http.put(`/v1/polls/${poll.id}/vote`, { choices: [choice(i)] }, as(u)))),
    )
    console.log('2000 HTTP votes in', Math.round(performance.now() - started), 'ms')
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body)).toEqual([])
    const counts = await tally(poll.id)
    expect(counts.counters).toEqual(counts.stored)
    expect(counts.counters).toEqual(Object.fromEntries(ids.map((id) => [id, 250])))
    expect(counts.ballots).toBe(1000)
    expect(counts.voterCount).toBe(1000)
    expect(counts.repeats).toBe(0)
    const seen = ok(await t.get(poll.id, t.member)).body
    expect(seen.voters).toBe(1000)
    expect(seen.options.map((o: any) => o.votes)).toEqual([250, 250, 250, 250])
  }, 30_000)

  test('multiple choice with changes and retractions racing: the counters still equal the ballots', async () => {
    const { poll } = await t.create({ question: 'Busy?', options: ['a', 'b', 'c', 'd', 'e'], multiple: true, maxChoices: 3 })
    const ids: string[] = poll.options.map((o: any) => o.id)
    const subset = (i: number) => [ids[i % 5]!, ids[(i + 1) % 5]!, ids[(i * 7) % 5]!].filter((v, k, all) => all.indexOf(v) === k)
    await Promise.all(crowd.map((u, i) => w.polls.vote({ userId: u.id, pollId: poll.id, choices: subset(i) })))
    const first = await tally(poll.id)
    expect(first.counters).toEqual(first.stored)
    expect(first.ballots).toBe(1000)
    // Then at once: a third change, a third take their vote back, a third vote the same again.
    await Promise.all(
      crowd.map((u, i) => {
        const choices = i % 3 === 0 ? [ids[4]!] : i % 3 === 1 ? [] : subset(i)
        return w.polls.vote({ userId: u.id, pollId: poll.id, choices })
      }),
    )
    const after = await tally(poll.id)
    expect(after.counters).toEqual(after.stored)
    expect(after.ballots).toBe(1000 - 333)
    expect(after.voterCount).toBe(after.ballots)
    expect(after.repeats).toBe(0)
  })

  test('a deleted account takes its ballots with it, and the counters follow (kept by the database)', async () => {
    const { poll } = await t.create({ question: 'Gone?', options: ['a', 'b'], multiple: true })
    const ids: string[] = poll.options.map((o: any) => o.id)
    const leaving = await bulkMembers(w.app, t.c.id, 10)
    await Promise.all([...crowd.slice(0, 20), ...leaving].map((u) => w.polls.vote({ userId: u.id, pollId: poll.id, choices: ids })))
    await deleteUsers(leaving.map((u) => u.id))
    const counts = await tally(poll.id)
    expect(counts.counters).toEqual(counts.stored)
    expect(counts.counters).toEqual({ [ids[0]!]: 20, [ids[1]!]: 20 })
    expect(counts.voterCount).toBe(20)
  })

  test('a vote of a user deleted meanwhile fails alone; the rest of its batch is counted', async () => {
    const { poll } = await t.create({ question: 'Batch?', options: ['a', 'b'] })
    const ids: string[] = poll.options.map((o: any) => o.id)
    const [gone] = await bulkMembers(w.app, t.c.id, 1)
    await w.polls.get({ userId: gone!.id, pollId: poll.id })
    await deleteUsers([gone!.id])
    const votes = [...crowd.slice(0, 100), gone!, ...crowd.slice(100, 200)].map((u) => w.polls.vote({ userId: u.id, pollId: poll.id, choices: [ids[0]!] }))
    const outcomes = await Promise.allSettled(votes)
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1)
    expect(outcomes[100]!.status).toBe('rejected')
    const counts = await tally(poll.id)
    expect(counts.counters).toEqual({ [ids[0]!]: 200, [ids[1]!]: 0 })
    expect(counts.counters).toEqual(counts.stored)
  })

  test('the room hears a few coalesced updates, the last one with the final counts', async () => {
    const { poll } = await t.create({ question: 'Pushed?', options: ['a', 'b'] })
    const ids: string[] = poll.options.map((o: any) => o.id)
    await Promise.all(crowd.map((u, i) => w.polls.vote({ userId: u.id, pollId: poll.id, choices: [ids[i % 2]!] })))
    await Bun.sleep(w.app.res.config.polls.liveIntervalMs * 2 + 100)
    const updates = w.updates('room', t.room.id).filter((u) => u.id === poll.id)
    expect(updates.length).toBeGreaterThan(0)
    expect(updates.length).toBeLessThan(50)
    expect(updates.at(-1)).toMatchObject({ voters: 1000, options: [{ id: ids[0], votes: 500 }, { id: ids[1], votes: 500 }] })
    const versions = updates.map((u) => u.version)
    expect([...versions].sort((a, b) => a - b)).toEqual(versions)
  })
})

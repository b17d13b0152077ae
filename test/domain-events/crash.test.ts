// A node SIGKILLed between commit and relay: its committed events wait in the outbox, and
// after a restart every one is delivered exactly once to an idempotent consumer
// (notifications: each mention stored once, each event claimed once).
import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { startHearthCluster } from '../helpers/cluster-procs'
import { registerUser } from '../helpers/http'
import { eventually } from '../helpers/wait'

setDefaultTimeout(90_000)

const MESSAGES = 30

const cluster = await startHearthCluster(['node-a'], {}, {
  // node-a commits but never relays: whatever it acks is only in the outbox when it dies.
  'node-a': { EVENTS_RELAY_INTERVAL_MS: '0' },
  'node-b': { ROLE: 'all', JOB_WORKERS: '1' },
})
afterAll(() => cluster.stop())
const [a] = cluster.nodes

describe('domain events survive a SIGKILL between commit and relay', () => {
  test('after the restart, every event is delivered exactly once', async () => {
    const alice = await registerUser(a!.http)
    const bob = await registerUser(a!.http)
    const as = { token: alice.accessToken }
    const community = (await a!.http.post('/v1/communities', { name: 'crash' }, as)).body
    const invite = (await a!.http.post(`/v1/communities/${community.id}/invites`, {}, as)).body
    await a!.http.post(`/v1/invites/${invite.code}/accept`, undefined, { token: bob.accessToken })
    const room = (await a!.http.post(`/v1/communities/${community.id}/rooms`, { name: 'r' }, as)).body
    const sent = await Promise.all(
      Array.from({ length: MESSAGES }, (_, i) => a!.http.post(`/v1/rooms/${room.id}/messages`, { body: `hey @${bob.username} ${i}`, nonce: `n${i}` }, as)),
    )
    expect(sent.map((r) => r.status)).toEqual(Array(MESSAGES).fill(201))
    const messageIds = sent.map((r) => r.body.id as string).sort()

    // Acked means committed: the events are in the outbox, nobody has been notified.
    const [{ n: waiting }] = (await cluster.sql`select count(*)::int as n from domain_events where type = 'messages.committed'`) as unknown as [{ n: number }]
    expect(waiting).toBeGreaterThan(0)
    expect((await cluster.sql`select * from notifications where user_id = ${bob.id}`).length).toBe(0)

    a!.proc.kill('SIGKILL')
    await a!.proc.exited
    const b = await cluster.start('node-b')

    await eventually('every mention notified', async () => {
      const [row] = await cluster.sql`select coalesce(sum(count), 0)::int as n from notifications where user_id = ${bob.id} and type = 'mention'`
      return row!.n === MESSAGES
    }, 60_000)
    // A while longer: nothing arrives twice.
    await Bun.sleep(1500)
    const [{ n: stored }] = (await cluster.sql`select coalesce(sum(count), 0)::int as n from notifications where user_id = ${bob.id} and type = 'mention'`) as unknown as [{ n: number }]
    expect(stored).toBe(MESSAGES)
    const claimed = await cluster.sql`select event_id from consumed_events where consumer = 'notifications' order by event_id`
    expect(claimed.map((r) => r.event_id)).toEqual(messageIds)
    expect((await cluster.sql`select count(*)::int as n from domain_events`)[0]!.n).toBe(0)
    // And bob sees them as a user would.
    const list = await b.http.get('/v1/notifications', { token: bob.accessToken })
    expect(list.body.notifications.reduce((sum: number, n: { count: number }) => sum + n.count, 0)).toBe(MESSAGES)
  })
})

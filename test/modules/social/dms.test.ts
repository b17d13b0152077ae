import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok } from '../../helpers/community'

// Blocks reach DMs: people who block each other (either way) cannot open a DM together,
// nor be added to each other's group DMs — even when they share a community.

setDefaultTimeout(30_000)
const app = await startTestApp()
const { http } = app

async function people() {
  const w = await newCommunity(http)
  const [alice, bob, carol] = [await w.join(), await w.join(), await w.join()]
  return { w, alice, bob, carol }
}

describe('DMs between users who block each other', () => {
  test('the blocked user cannot open a DM with the blocker: 403 blocked', async () => {
    const { w, alice, bob } = await people()
    ok(await http.put(`/v1/users/${bob.id}/block`, undefined, w.as(alice)), 204)
    const res = await http.post('/v1/dms', { userIds: [alice.id] }, w.as(bob))
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('blocked')
  })

  test('the blocker cannot open one either', async () => {
    const { w, alice, bob } = await people()
    ok(await http.put(`/v1/users/${bob.id}/block`, undefined, w.as(alice)), 204)
    const res = await http.post('/v1/dms', { userIds: [bob.id] }, w.as(alice))
    expect([res.status, res.body.error.code]).toEqual([403, 'blocked'])
  })

  test('a DM opened before the block is not handed out again; after an unblock it is', async () => {
    const { w, alice, bob } = await people()
    const dm = ok(await http.post('/v1/dms', { userIds: [bob.id] }, w.as(alice)), 201).body
    ok(await http.put(`/v1/users/${alice.id}/block`, undefined, w.as(bob)), 204)
    expect((await http.post('/v1/dms', { userIds: [bob.id] }, w.as(alice))).status).toBe(403)
    ok(await http.delete(`/v1/users/${alice.id}/block`, w.as(bob)), 204)
    expect(ok(await http.post('/v1/dms', { userIds: [bob.id] }, w.as(alice)), 201).body).toMatchObject({ id: dm.id, created: false })
  })

  test('a group DM cannot be opened with someone who blocks the opener', async () => {
    const { w, alice, bob, carol } = await people()
    ok(await http.put(`/v1/users/${alice.id}/block`, undefined, w.as(carol)), 204)
    const res = await http.post('/v1/dms', { userIds: [bob.id, carol.id] }, w.as(alice))
    expect([res.status, res.body.error.code]).toEqual([403, 'blocked'])
    expect(ok(await http.get('/v1/dms', w.as(alice))).body).toEqual([])
  })

  test('a member of a group DM cannot add someone they block, or who blocks them', async () => {
    const { w, alice, bob, carol } = await people()
    const dave = await w.join()
    const group = ok(await http.post('/v1/dms', { userIds: [bob.id, w.owner.id] }, w.as(alice)), 201).body
    ok(await http.put(`/v1/users/${carol.id}/block`, undefined, w.as(alice)), 204)
    ok(await http.put(`/v1/users/${alice.id}/block`, undefined, w.as(dave)), 204)
    for (const target of [carol, dave]) {
      const res = await http.post(`/v1/rooms/${group.id}/members`, { userId: target.id }, w.as(alice))
      expect([res.status, res.body.error.code]).toEqual([403, 'blocked'])
    }
    // Another member, who blocks nobody, may add carol.
    ok(await http.post(`/v1/rooms/${group.id}/members`, { userId: carol.id }, w.as(bob)), 201)
    expect(ok(await http.get(`/v1/rooms/${group.id}`, w.as(alice))).body.memberCount).toBe(4)
  })
})

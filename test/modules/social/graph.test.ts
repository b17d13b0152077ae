import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { ok } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { socialApp } from './harness'

setDefaultTimeout(30_000)
const h = await socialApp()
const { app, http } = h
const as = (u: { accessToken: string }) => ({ token: u.accessToken })
const user = () => registerUser(app.http)

const profile = async (viewer: { accessToken: string }, id: string) => ok(await http.get(`/v1/users/${id}/profile`, as(viewer))).body
const ids = (page: { users: { id: string }[] }) => page.users.map((u) => u.id)

describe('follows', () => {
  test('follow and unfollow are idempotent; the counters follow by trigger', async () => {
    const [alice, bob] = [await user(), await user()]
    expect(ok(await http.put(`/v1/users/${bob.id}/follow`, undefined, as(alice))).body).toEqual({ following: true })
    expect(ok(await http.put(`/v1/users/${bob.id}/follow`, undefined, as(alice))).body).toEqual({ following: true })
    expect(await profile(alice, bob.id)).toMatchObject({
      id: bob.id,
      username: bob.username,
      followers: 1,
      following: 0,
      posts: 0,
      relationship: { following: true, followedBy: false, blocking: false },
    })
    expect(await profile(bob, alice.id)).toMatchObject({ following: 1, relationship: { following: false, followedBy: true } })
    expect(ok(await http.delete(`/v1/users/${bob.id}/follow`, as(alice))).body).toEqual({ following: false })
    expect(ok(await http.delete(`/v1/users/${bob.id}/follow`, as(alice))).body).toEqual({ following: false })
    expect(await profile(alice, bob.id)).toMatchObject({ followers: 0, relationship: { following: false } })
    await h.settle()
    // One event per change, none for the repeats.
    const mine = h.events.filter((e) => e.type.startsWith('follow.') && 'followerId' in e.data && e.data.followerId === alice.id)
    expect(mine.map((e) => e.type)).toEqual(['follow.created', 'follow.deleted'])
  })

  test('following yourself: 422', async () => {
    const alice = await user()
    const res = await http.put(`/v1/users/${alice.id}/follow`, undefined, as(alice))
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('invalid_target')
  })

  test('following a user that does not exist: 404', async () => {
    const alice = await user()
    const res = await http.put(`/v1/users/${crypto.randomUUID()}/follow`, undefined, as(alice))
    expect(res.status).toBe(404)
  })

  test('an id that is not a lower-case uuid: 422', async () => {
    const [alice, bob] = [await user(), await user()]
    expect((await http.put(`/v1/users/${bob.id.toUpperCase()}/follow`, undefined, as(alice))).status).toBe(422)
    expect((await http.put(`/v1/users/nope/follow`, undefined, as(alice))).status).toBe(422)
  })

  test('followers and following page newest first with a cursor that neither skips nor repeats', async () => {
    const star = await user()
    const fans = [await user(), await user(), await user(), await user(), await user()]
    for (const f of fans) ok(await http.put(`/v1/users/${star.id}/follow`, undefined, as(f)))
    for (const f of fans.slice(0, 3)) ok(await http.put(`/v1/users/${f.id}/follow`, undefined, as(star)))
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: any = ok(await http.get(`/v1/users/${star.id}/followers?limit=2${cursor ? `&cursor=${cursor}` : ''}`, as(fans[0]!))).body
      expect(page.users.length).toBeLessThanOrEqual(2)
      seen.push(...ids(page))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(fans.map((f) => f.id).reverse())
    const following = ok(await http.get(`/v1/users/${star.id}/following`, as(star))).body
    expect(ids(following)).toEqual(fans.slice(0, 3).map((f) => f.id).reverse())
    expect(following.users[0]).toEqual({ id: fans[2]!.id, username: fans[2]!.username, displayName: null, avatarUrl: null })
    expect(following.nextCursor).toBeNull()
  })

  test('a cursor this API did not give out: 422', async () => {
    const alice = await user()
    const res = await http.get(`/v1/users/${alice.id}/followers?cursor=bm9wZQ`, as(alice))
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('validation_failed')
  })

  test('a limit outside 1..100: 422', async () => {
    const alice = await user()
    expect((await http.get(`/v1/users/${alice.id}/followers?limit=0`, as(alice))).status).toBe(422)
    expect((await http.get(`/v1/users/${alice.id}/followers?limit=101`, as(alice))).status).toBe(422)
    expect((await http.get(`/v1/users/${alice.id}/followers?limit=2.5`, as(alice))).status).toBe(422)
  })
})

describe('blocks', () => {
  test('a block ends the follows both ways, and the counters with them', async () => {
    const [alice, bob] = [await user(), await user()]
    ok(await http.put(`/v1/users/${bob.id}/follow`, undefined, as(alice)))
    ok(await http.put(`/v1/users/${alice.id}/follow`, undefined, as(bob)))
    expect((await http.put(`/v1/users/${bob.id}/block`, undefined, as(alice))).status).toBe(204)
    expect((await http.put(`/v1/users/${bob.id}/block`, undefined, as(alice))).status).toBe(204)
    expect(await profile(alice, bob.id)).toMatchObject({
      followers: 0,
      following: 0,
      relationship: { following: false, followedBy: false, blocking: true },
    })
    expect(await profile(bob, alice.id)).toMatchObject({ followers: 0, following: 0, relationship: { blocking: false } })
    expect(ids(ok(await http.get('/v1/me/blocks', as(alice))).body)).toEqual([bob.id])
    expect(await app.hearth.api('social').isBlocked(bob.id, alice.id)).toBe(true)
    expect(await app.hearth.api('social').isBlocked(alice.id, bob.id)).toBe(true)
  })

  test('the blocked user cannot follow the blocker: 403 blocked', async () => {
    const [alice, bob] = [await user(), await user()]
    ok(await http.put(`/v1/users/${bob.id}/block`, undefined, as(alice)), 204)
    const res = await http.put(`/v1/users/${alice.id}/follow`, undefined, as(bob))
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('blocked')
  })

  test('the blocker cannot follow the one they block: 403 blocked', async () => {
    const [alice, bob] = [await user(), await user()]
    ok(await http.put(`/v1/users/${bob.id}/block`, undefined, as(alice)), 204)
    expect((await http.put(`/v1/users/${bob.id}/follow`, undefined, as(alice))).status).toBe(403)
  })

  test('after an unblock they may follow again (earlier follows are not restored)', async () => {
    const [alice, bob] = [await user(), await user()]
    ok(await http.put(`/v1/users/${bob.id}/follow`, undefined, as(alice)))
    ok(await http.put(`/v1/users/${bob.id}/block`, undefined, as(alice)), 204)
    expect((await http.delete(`/v1/users/${bob.id}/block`, as(alice))).status).toBe(204)
    expect(await profile(alice, bob.id)).toMatchObject({ relationship: { following: false, blocking: false } })
    expect(ok(await http.put(`/v1/users/${bob.id}/follow`, undefined, as(alice))).body).toEqual({ following: true })
  })

  test('blocking yourself: 422', async () => {
    const alice = await user()
    expect((await http.put(`/v1/users/${alice.id}/block`, undefined, as(alice))).status).toBe(422)
  })

  test('between users who block each other the lists are empty, and blocked users are left out of others’ lists', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    ok(await http.put(`/v1/users/${carol.id}/follow`, undefined, as(alice)))
    ok(await http.put(`/v1/users/${carol.id}/follow`, undefined, as(bob)))
    ok(await http.put(`/v1/users/${alice.id}/block`, undefined, as(bob)), 204)
    // Bob sees Carol's followers without Alice; Alice sees them without Bob.
    expect(ids(ok(await http.get(`/v1/users/${carol.id}/followers`, as(bob))).body)).toEqual([bob.id])
    expect(ids(ok(await http.get(`/v1/users/${carol.id}/followers`, as(alice))).body)).toEqual([alice.id])
    expect(ok(await http.get(`/v1/users/${bob.id}/following`, as(alice))).body).toEqual({ users: [], nextCursor: null })
    expect(await app.hearth.api('social').blockedAmong(alice.id, [bob.id, carol.id])).toEqual(new Set([bob.id]))
  })

  test('a follow and a block racing between the same two users leave no follow beside the block', async () => {
    for (let i = 0; i < 5; i++) {
      const [alice, bob] = [await user(), await user()]
      const results = await Promise.allSettled([
        h.social.graph.follow({ followerId: bob.id, followeeId: alice.id }),
        h.social.graph.block({ blockerId: alice.id, blockedId: bob.id }),
      ])
      expect(results[1].status).toBe('fulfilled')
      expect(await profile(alice, bob.id)).toMatchObject({ followers: 0, following: 0, relationship: { followedBy: false, blocking: true } })
    }
  })
})

describe('counters', () => {
  test('a deleted account takes its follows, posts and likes with it, and the others’ counters follow', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()]
    ok(await http.put(`/v1/users/${alice.id}/follow`, undefined, as(bob)))
    ok(await http.put(`/v1/users/${bob.id}/follow`, undefined, as(alice)))
    ok(await http.put(`/v1/users/${carol.id}/follow`, undefined, as(bob)))
    const p = ok(await http.post('/v1/posts', { body: 'x' }, as(alice)), 201).body
    const q = ok(await http.post('/v1/posts', { body: 'y' }, as(carol)), 201).body
    ok(await http.put(`/v1/posts/${p.id}/like`, undefined, as(bob)), 204)
    ok(await http.put(`/v1/posts/${q.id}/like`, undefined, as(bob)), 204)
    ok(await http.post(`/v1/posts/${q.id}/comments`, { body: 'hi' }, as(bob)), 201)
    await app.res.db.execute(sql`delete from users where id = ${bob.id}`)
    expect(await profile(alice, alice.id)).toMatchObject({ followers: 0, following: 0, posts: 1 })
    expect(await profile(alice, carol.id)).toMatchObject({ followers: 0, following: 0, posts: 1 })
    expect(ok(await http.get(`/v1/posts/${q.id}`, as(carol))).body).toMatchObject({ likes: 0, comments: 0 })
  })
})

describe('the graph is for signed-in users', () => {
  test('no token: 401', async () => {
    const bob = await user()
    expect((await http.put(`/v1/users/${bob.id}/follow`)).status).toBe(401)
    expect((await http.get(`/v1/users/${bob.id}/followers`)).status).toBe(401)
    expect((await http.put(`/v1/users/${bob.id}/block`)).status).toBe(401)
  })

  test('a bad token: 401', async () => {
    const bob = await user()
    const res = await http.put(`/v1/users/${bob.id}/follow`, undefined, { token: 'not.a.token' })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('unauthorized')
  })
})

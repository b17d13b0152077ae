// `bun run seed` against a running app: what a newcomer then sees, and a second run adds nothing.
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { COMMUNITY_NAME, DEMO_PASSWORD, seed } from '../../scripts/seed'
import { startTestApp } from '../helpers/app'
import { ok } from '../helpers/community'

setDefaultTimeout(60_000)
const app = await startTestApp()

describe('bun run seed', () => {
  test('fills the instance: nested groups, history, a poll, a weekly event, posts and follows', async () => {
    const lines: string[] = []
    const result = await seed({ baseUrl: app.url, log: (line) => lines.push(line) })
    expect(result.created).toBe(true)
    const signIn = ok(await app.http.post('/v1/auth/login', { login: 'margaret', password: DEMO_PASSWORD })).body
    const as = { token: signIn.accessToken }

    const communities = ok(await app.http.get('/v1/communities', as)).body
    expect(communities.map((c: { name: string }) => c.name)).toEqual([COMMUNITY_NAME])
    const tree = ok(await app.http.get(`/v1/communities/${result.communityId}/tree`, as)).body
    const text = JSON.stringify(tree)
    for (const name of ['Town square', 'Projects', 'Web', 'Server', 'Books', 'Science fiction', 'reading-list']) expect(text).toContain(`"${name}"`)
    expect(text).not.toContain('"moderators"') // private: margaret is not in it

    const history = ok(await app.http.get(`/v1/rooms/${result.rooms.welcome}/messages?limit=100`, as)).body.messages
    expect(history.length).toBeGreaterThan(30)
    expect(history.some((m: { kind: string }) => m.kind === 'poll')).toBe(true)
    expect(history[0].reactions.length).toBeGreaterThan(0)

    const from = new Date().toISOString()
    const to = new Date(Date.now() + 30 * 86_400_000).toISOString()
    const occurrences = ok(await app.http.get(`/v1/communities/${result.communityId}/occurrences?from=${from}&to=${to}`, as)).body.occurrences
    expect(occurrences.length).toBeGreaterThanOrEqual(4)
    expect(occurrences[0].title).toBe('Weekly community call')

    const feed = ok(await app.http.get('/v1/feed', as)).body.posts
    expect(feed.map((p: { body: string }) => p.body)).toContain(`${COMMUNITY_NAME} is live! Come say hello in #welcome.`)
    expect(lines.length).toBeGreaterThan(0)
  })

  test('a second run signs the same users in and adds nothing', async () => {
    const again = await seed({ baseUrl: app.url })
    expect(again.created).toBe(false)
    const signIn = ok(await app.http.post('/v1/auth/login', { login: 'ada', password: DEMO_PASSWORD })).body
    expect(ok(await app.http.get('/v1/communities', { token: signIn.accessToken })).body).toHaveLength(1)
  })

  test('says so when nothing answers at the URL', async () => {
    await expect(seed({ baseUrl: 'http://127.0.0.1:1' })).rejects.toThrow('nothing answers at http://127.0.0.1:1/health')
  })
})

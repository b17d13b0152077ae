import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Server } from 'bun'
import type { Browser, Locator, Page, Response as PageResponse } from 'playwright-core'
import { Webhook } from 'standardwebhooks'
import { ok } from '../helpers/community'
import { registerUser } from '../helpers/http'
import { eventually } from '../helpers/wait'
import { gradientPng } from './png'
import { launchBrowser, openSignedIn, screenshot, SCREENSHOTS, startWebNode, unnamedControls, writeConsoleLog, type WebNode } from './harness'

// What managers and members do beyond chat, in Debian's Chromium against a real node: a
// survey made by a manager and answered by a member, automod and webhooks set up in the
// community's settings (and refused to a member), an avatar set and seen by someone else,
// a room muted from its side panel.

const tag = Date.now().toString(36).slice(-5)
const names = { mia: `mia_${tag}`, max: `max_${tag}` }

let node: WebNode
let browser: Browser
let receiver: Server<undefined>
const received: { headers: Record<string, string>; body: string }[] = []
type User = Awaited<ReturnType<typeof registerUser>>
let mia: User, max: User
let communityId: string, generalId: string
let miaPage: Page, maxPage: Page
const pageErrors: string[][] = []

const as = (u: User) => ({ token: u.accessToken })
const absent = async (locator: Locator) => expect(await locator.count()).toBe(0)
/** A message as committed (not my send still in the outbox). */
const committed = (page: Page, text: string) => page.locator('.room-main li.message:not(.outgoing) p.body', { hasText: text })
const places = (page: Page) => page.getByRole('navigation', { name: 'Places' })

beforeAll(async () => {
  receiver = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      received.push({ headers: Object.fromEntries(req.headers), body: await req.text() })
      return new Response('thanks')
    },
  })
  // Loopback http receivers are refused unless allowed (as the webhook tests allow them).
  ;[node, browser] = await Promise.all([startWebNode({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_LOOPBACK: 'true' }), launchBrowser()])
  const http = node.http
  ;[mia, max] = await Promise.all([registerUser(http, names.mia), registerUser(http, names.max)])
  communityId = ok(await http.post('/v1/communities', { name: 'Makers' }, as(mia)), 201).body.id
  const invite = ok(await http.post(`/v1/communities/${communityId}/invites`, {}, as(mia)), 201).body.code
  ok(await http.post(`/v1/invites/${invite}/accept`, undefined, as(max)))
  generalId = ok(await http.post(`/v1/communities/${communityId}/rooms`, { name: 'general' }, as(mia)), 201).body.id
  ok(await http.post(`/v1/rooms/${generalId}/messages`, { body: 'hello from max', nonce: 'max-1' }, as(max)), 201)
  ok(await http.get('/app'))
  const [m, x] = await Promise.all([openSignedIn(browser, mia), openSignedIn(browser, max)])
  pageErrors.push(m.errors, x.errors)
  miaPage = m.page
  maxPage = x.page
}, 60_000)

afterAll(async () => {
  await writeConsoleLog()
  await browser?.close()
  await node?.stop()
  receiver?.stop(true)
  console.log(`web app screenshots: ${SCREENSHOTS}`)
})

describe('managing a community in the web app', () => {
  test('a manager makes a survey, a member answers each kind of question in another browser, the manager sees the results, exports and closes it', async () => {
    await miaPage.goto(`${node.url}/app/c/${communityId}`)
    await places(miaPage).getByRole('link', { name: 'Surveys' }).click()
    await miaPage.getByRole('button', { name: 'New survey' }).click()
    const form = miaPage.getByRole('form', { name: 'New survey' })
    await form.getByLabel('Title').fill('Lunch survey')
    const questions: [string, string, (q: Locator) => Promise<void>][] = [
      ['One choice', 'Where shall we eat?', (q) => q.getByLabel('Choices (one a line)').fill('Soup bar\nPizzeria')],
      ['Several choices', 'Drinks?', (q) => q.getByLabel('Choices (one a line)').fill('Tea\nCoffee\nWater')],
      ['Scale', 'How hungry are you?', async (q) => (await q.getByLabel('From').fill('1'), await q.getByLabel('To').fill('5'))],
      ['Date', 'Which day?', async () => undefined],
      ['Text', 'Anything else?', (q) => q.getByLabel('Required').uncheck()],
    ]
    for (const [i, [kind, prompt, more]] of questions.entries()) {
      if (i > 0) await form.getByRole('button', { name: 'Add a question' }).click()
      const q = form.getByRole('group', { name: `Question ${i + 1}` })
      await q.getByLabel('Kind').selectOption({ label: kind })
      await q.getByLabel('Prompt').fill(prompt)
      await more(q)
    }
    await form.getByLabel('Announce in room').selectOption({ label: 'general' })
    await screenshot(miaPage, '21-survey-new')
    expect(await unnamedControls(miaPage)).toEqual([])
    await form.getByRole('button', { name: 'Create survey' }).click()
    await miaPage.getByRole('heading', { name: 'Lunch survey' }).waitFor()
    await miaPage.getByText('0 respondents').waitFor()

    // The member finds it where it was announced, and answers every kind of question.
    await maxPage.goto(`${node.url}/app/r/${generalId}`)
    await maxPage.locator('li.message').filter({ hasText: 'Lunch survey' }).getByRole('link', { name: 'Open the survey' }).click()
    const answers = maxPage.getByRole('form', { name: 'Your answers' })
    await answers.getByRole('group', { name: /Where shall we eat/ }).getByLabel('Pizzeria').check()
    const drinks = answers.getByRole('group', { name: /Drinks/ })
    await drinks.getByLabel('Tea').check()
    await drinks.getByLabel('Water').check()
    await answers.getByRole('group', { name: /How hungry/ }).getByLabel('4').check()
    await answers.getByLabel(/Which day/).fill('2030-05-17')
    await answers.getByLabel(/Anything else/).fill('No onions, please')
    await answers.getByRole('button', { name: 'Send my answers' }).click()
    await answers.getByText('Your answers were saved.').waitFor()
    await answers.getByRole('button', { name: 'Update my answers' }).waitFor()
    await screenshot(maxPage, '22-survey-answered')
    expect(await unnamedControls(maxPage)).toEqual([])
    // Respondents do not see this survey's results, and a member may not export or close it.
    await absent(maxPage.getByRole('heading', { name: 'Results' }))
    await absent(maxPage.getByRole('button', { name: 'Download responses (CSV)' }))
    await absent(maxPage.getByRole('button', { name: 'Close survey' }))

    await miaPage.getByRole('button', { name: 'Refresh results' }).click()
    await miaPage.getByText('1 respondent', { exact: true }).waitFor()
    const result = (prompt: string) => miaPage.getByRole('group', { name: prompt, exact: true })
    expect(await bars(result('Where shall we eat?'))).toEqual([['Soup bar', '0'], ['Pizzeria', '1']])
    expect(await bars(result('Drinks?'))).toEqual([['Tea', '1'], ['Coffee', '0'], ['Water', '1']])
    await result('How hungry are you?').getByText('Mean: 4.0').waitFor()
    expect(await bars(result('How hungry are you?'))).toEqual([['1', '0'], ['2', '0'], ['3', '0'], ['4', '1'], ['5', '0']])
    expect(await bars(result('Which day?'))).toEqual([['2030-05-17', '1']])
    await result('Anything else?').getByText('1 answer', { exact: true }).waitFor()
    await screenshot(miaPage, '23-survey-results')

    const [download] = await Promise.all([miaPage.waitForEvent('download'), miaPage.getByRole('button', { name: 'Download responses (CSV)' }).click()])
    expect(download.suggestedFilename()).toBe('Lunch survey.csv')
    const csv = await Bun.file((await download.path())!).text()
    expect(csv).toContain('No onions, please')
    expect(csv).toContain(max.id)

    miaPage.once('dialog', (dialog) => dialog.accept())
    await miaPage.getByRole('button', { name: 'Close survey' }).click()
    await miaPage.getByText(/^Closed/).waitFor()
    await maxPage.reload()
    await maxPage.getByText(/^Closed/).waitFor()
    await absent(maxPage.getByRole('form', { name: 'Your answers' }))
  }, 60_000)

  test("a manager adds an automod word rule in the settings; a member's message with the word is refused with a visible error", async () => {
    await miaPage.goto(`${node.url}/app/c/${communityId}`)
    await places(miaPage).getByRole('link', { name: 'Settings' }).click()
    const rule = miaPage.getByRole('form', { name: 'New automod rule' })
    await rule.getByLabel('Rule name').fill('No spoilers')
    await rule.getByLabel('Looks for').selectOption({ label: 'Words' })
    await rule.getByLabel(/^Words/).fill('spoiler')
    await rule.getByLabel('Then').selectOption({ label: 'Refuse it' })
    await rule.getByLabel('Message to the author (optional)').fill('keep the ending secret')
    await rule.getByRole('button', { name: 'Create rule' }).click()
    const item = miaPage.getByRole('listitem', { name: 'Rule No spoilers' })
    await item.getByText('When a text has words: spoiler, it refuses it').waitFor()
    expect(await item.getByRole('checkbox', { name: 'Enabled' }).isChecked()).toBe(true)

    await maxPage.goto(`${node.url}/app/r/${generalId}`)
    const composer = maxPage.getByRole('textbox', { name: 'Message # general' })
    await composer.fill('huge spoiler: the butler did it')
    await composer.press('Enter')
    const refused = maxPage.locator('li.outgoing[data-state="failed"]').filter({ hasText: 'huge spoiler' })
    await refused.getByRole('alert').filter({ hasText: 'blocked by the automod rule "No spoilers": keep the ending secret' }).waitFor()
    await refused.getByText('Not sent').waitFor()
    await screenshot(maxPage, '24-automod-refused')
    const stored = await node.sql`select count(*)::int as n from messages where room_id = ${generalId} and body like '%butler%'`
    expect(stored[0]!.n).toBe(0)

    // What the rule did shows in the settings, from the audit log.
    await miaPage.getByRole('button', { name: 'Refresh activity' }).click()
    await miaPage.getByText(`No spoilers refused a message by ${max.username}`).waitFor()

    // Turned off, the same text goes through.
    const saved = miaPage.waitForResponse((r) => r.url().includes('/v1/automod/rules/') && r.request().method() === 'PATCH' && r.ok())
    await item.getByRole('checkbox', { name: 'Enabled' }).uncheck()
    await item.getByText('off', { exact: true }).waitFor()
    await saved
    await composer.fill('a spoiler, now allowed')
    await composer.press('Enter')
    await committed(maxPage, 'a spoiler, now allowed').waitFor()
  }, 40_000)

  test('a webhook endpoint made in the settings shows its secret once, and it signs what the endpoint gets; an incoming hook shows its URL once and posts with it', async () => {
    await miaPage.goto(`${node.url}/app/c/${communityId}/settings`)
    const form = miaPage.getByRole('form', { name: 'New webhook endpoint' })
    const url = `http://127.0.0.1:${receiver.port}/hearth`
    await form.getByLabel('Endpoint URL').fill(url)
    await form.getByLabel('Description (optional)').fill('our bot')
    await form.getByRole('checkbox', { name: 'Every event' }).uncheck()
    await form.getByRole('checkbox', { name: /^message\.\*/ }).check()
    await form.getByRole('button', { name: 'Add endpoint' }).click()
    const secretField = miaPage.getByLabel('Signing secret of the new endpoint')
    const secret = await secretField.inputValue()
    expect(secret).toMatch(/^whsec_/)
    await screenshot(miaPage, '25-webhook-secret')
    const endpoint = miaPage.getByRole('listitem', { name: `Endpoint ${url}` })
    await endpoint.getByText('Events: message.*').waitFor()
    await miaPage.getByRole('button', { name: 'I have copied it' }).click()
    await absent(secretField)
    await miaPage.reload()
    await endpoint.waitFor()
    expect(await miaPage.content()).not.toContain(secret)

    ok(await node.http.post(`/v1/rooms/${generalId}/messages`, { body: 'ping the bot', nonce: 'hook-1' }, as(mia)), 201)
    await eventually('the receiver to get the message', async () => received.some((r) => r.body.includes('ping the bot')), 20_000)
    const delivery = received.find((r) => r.body.includes('ping the bot'))!
    // The secret shown is the one that signs.
    expect(() => new Webhook(secret).verify(delivery.body, delivery.headers)).not.toThrow()
    await endpoint.getByRole('button', { name: 'Recent deliveries' }).click()
    await endpoint.locator('tr[data-status="succeeded"]', { hasText: 'message.created' }).first().waitFor()

    // An incoming hook for the room: its URL is shown once, and posting to it writes in the room.
    const hooks = miaPage.getByRole('region', { name: 'Incoming hooks' })
    await hooks.getByLabel('Room').selectOption({ label: 'general' })
    await hooks.getByLabel('Hook name').fill('CI')
    await hooks.getByRole('button', { name: 'Create hook' }).click()
    const hookUrl = await hooks.getByLabel("The hook's URL").inputValue()
    expect(hookUrl).toStartWith(`${node.url}/v1/hooks/`)
    await hooks.getByRole('listitem', { name: 'Hook CI' }).waitFor()
    await screenshot(miaPage, '26-settings')
    expect(await unnamedControls(miaPage)).toEqual([])
    await hooks.getByRole('button', { name: 'I have copied it' }).click()
    await absent(hooks.getByLabel("The hook's URL"))
    const posted = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: 'build 42 passed' }) })
    expect(posted.status).toBe(202)
    await committed(maxPage, 'build 42 passed').waitFor({ timeout: 15_000 })

    miaPage.once('dialog', (dialog) => dialog.accept())
    await hooks.getByRole('listitem', { name: 'Hook CI' }).getByRole('button', { name: 'Delete hook' }).click()
    await hooks.getByText('No hooks post in this room.').waitFor()
    expect((await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: 'after delete' }) })).status).toBe(404)
  }, 60_000)

  test('an ordinary member (without create_polls) visits the community, its surveys and its settings and is refused nothing: no Settings, Moderation or New survey, and the settings URL shows a refusal, not the data', async () => {
    // Surveys are started with create_polls, which a new community's default role allows: take it away.
    const roles = ok(await node.http.get(`/v1/communities/${communityId}/roles`, as(mia))).body as { id: string; isDefault: boolean; permissions: string[] }[]
    const everyone = roles.find((r) => r.isDefault)!
    ok(await node.http.patch(`/v1/roles/${everyone.id}`, { permissions: everyone.permissions.filter((p) => p !== 'create_polls') }, as(mia)))

    const refused: string[] = []
    const watch = (r: PageResponse) => void (r.status() === 403 && refused.push(`${r.request().method()} ${new URL(r.url()).pathname}`))
    maxPage.on('response', watch)
    const mine = () => maxPage.waitForResponse((r) => new URL(r.url()).pathname === `/v1/communities/${communityId}/permissions`)

    let asked = mine()
    await maxPage.goto(`${node.url}/app/c/${communityId}`)
    expect((await asked).status()).toBe(200)
    await places(maxPage).getByRole('link', { name: 'Surveys' }).waitFor()
    await maxPage.waitForTimeout(200)
    await absent(places(maxPage).getByRole('link', { name: 'Settings' }))
    await absent(places(maxPage).getByRole('link', { name: 'Moderation' }))
    // The manager's sidebar has them (the checks above are not blind).
    await places(miaPage).getByRole('link', { name: 'Settings' }).waitFor()
    await places(miaPage).getByRole('link', { name: 'Moderation' }).waitFor()

    asked = mine()
    await places(maxPage).getByRole('link', { name: 'Surveys' }).click()
    await maxPage.getByRole('link', { name: 'Lunch survey' }).waitFor()
    await asked
    await maxPage.waitForTimeout(200)
    await absent(maxPage.getByRole('button', { name: 'New survey' }))
    await screenshot(maxPage, '27-surveys-member')

    await maxPage.goto(`${node.url}/app/c/${communityId}/settings`)
    await maxPage.getByRole('alert').filter({ hasText: "You may not change this community's settings" }).waitFor()
    await absent(maxPage.getByRole('heading', { name: 'Automod rules' }))
    await absent(maxPage.getByRole('heading', { name: 'Outgoing webhooks' }))
    const page = await maxPage.content()
    expect(page).not.toContain('No spoilers')
    expect(page).not.toContain(`127.0.0.1:${receiver.port}`)
    await screenshot(maxPage, '27-settings-refused')
    await maxPage.waitForTimeout(300)
    maxPage.off('response', watch)
    expect(refused).toEqual([])
  }, 30_000)

  test('a member given a role with create_polls finds New survey when they next open the surveys, and a poll button in a room, without reloading', async () => {
    await places(maxPage).getByRole('link', { name: 'general' }).click()
    const composer = maxPage.locator('.room-main form.composer')
    await composer.getByRole('button', { name: 'Attach files' }).waitFor()
    await absent(composer.getByRole('button', { name: 'Create a poll' }))
    await places(maxPage).getByRole('link', { name: 'Events' }).click()
    await maxPage.getByRole('heading', { name: 'Events' }).waitFor()
    const role = ok(await node.http.post(`/v1/communities/${communityId}/roles`, { name: 'Pollsters', permissions: ['create_polls'] }, as(mia)), 201).body
    ok(await node.http.put(`/v1/communities/${communityId}/members/${max.id}/roles/${role.id}`, undefined, as(mia)), 204)
    await places(maxPage).getByRole('link', { name: 'Surveys' }).click()
    await maxPage.getByRole('button', { name: 'New survey' }).click()
    await maxPage.getByRole('form', { name: 'New survey' }).getByLabel('Title').waitFor()
    await places(maxPage).getByRole('link', { name: 'general' }).click()
    await composer.getByRole('button', { name: 'Create a poll' }).waitFor()
  }, 30_000)

  test('a member sets an avatar on their profile; the manager then sees the image, not initials, on their profile, post and messages', async () => {
    await maxPage.goto(`${node.url}/app`)
    await places(maxPage).getByRole('link', { name: max.username }).click()
    await maxPage.getByRole('heading', { name: max.username }).waitFor()
    expect(await maxPage.getByRole('img', { name: `${max.username}'s avatar` }).evaluate((el) => el.tagName)).toBe('SPAN') // initials
    await maxPage.getByLabel('Choose a new avatar (an image)').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: gradientPng(320, 320) })
    const mine = maxPage.locator('img.avatar.large')
    await mine.waitFor({ timeout: 30_000 })
    await screenshot(maxPage, '28-avatar-set')
    expect(await unnamedControls(maxPage)).toEqual([])
    ok(await node.http.post('/v1/posts', { body: 'Lunch was great' }, as(max)), 201)

    await miaPage.goto(`${node.url}/app/u/${max.id}`)
    const avatar = miaPage.getByRole('img', { name: `${max.username}'s avatar` })
    // Until the profile is read the head shows initials (the page may know max without his avatar).
    await miaPage.getByText(`@${max.username} ·`).waitFor()
    await avatar.waitFor()
    expect(await avatar.evaluate((el) => el.tagName)).toBe('IMG')
    await eventually('the avatar image to load', async () => loaded(avatar), 10_000)
    const post = miaPage.getByRole('listitem', { name: `Post by ${max.username}` })
    await post.getByText('Lunch was great').waitFor()
    await eventually("the post's avatar to load", async () => loaded(post.locator('img.avatar')), 10_000)
    await absent(post.locator('.initials'))
    await screenshot(miaPage, '29-profile-avatar')

    await miaPage.goto(`${node.url}/app/r/${generalId}`)
    const message = miaPage.locator('.room-main li.message').filter({ has: miaPage.locator('p.body', { hasText: 'hello from max' }) })
    await eventually("the message author's avatar to load", async () => loaded(message.locator('img.avatar')), 10_000)
  }, 60_000)

  test("a member mutes a room from its side panel, which lists the room's members with their avatars", async () => {
    await maxPage.goto(`${node.url}/app/r/${generalId}`)
    await maxPage.getByRole('button', { name: 'Room info' }).click()
    const panel = maxPage.getByRole('complementary', { name: 'About this room' })
    const members = panel.getByRole('list', { name: 'Room members' })
    await members.getByRole('button', { name: mia.username }).waitFor()
    await members.getByRole('button', { name: max.username }).waitFor()
    expect(await members.getByRole('listitem').filter({ hasText: max.username }).locator('img.avatar').count()).toBe(1)
    await panel.getByLabel('This room').selectOption({ label: 'Muted until I unmute' })
    await eventually('the mute to be stored', async () => {
      const mutes = ok(await node.http.get('/v1/notifications/mutes', as(max))).body as { kind: string; id: string; muted: boolean; until: string | null }[]
      return mutes.some((m) => m.kind === 'room' && m.id === generalId && m.muted && m.until === null)
    })
    await panel.getByLabel('All of Makers').selectOption({ label: 'Muted for an hour' })
    await panel.getByLabel('All of Makers').locator('option:checked', { hasText: /^Muted until / }).waitFor({ state: 'attached' })
    await screenshot(maxPage, '30-room-info')
    expect(await unnamedControls(maxPage)).toEqual([])
    await panel.getByRole('button', { name: 'Close room info' }).click()
    await maxPage.reload()
    await maxPage.getByRole('button', { name: 'Room info' }).click()
    expect(await panel.getByLabel('This room').inputValue()).toBe('forever')

    // At phone width the panel covers the room and closes back to it.
    const phone = await openSignedIn(browser, max, { phone: true })
    pageErrors.push(phone.errors)
    await phone.page.goto(`${node.url}/app/c/${communityId}/surveys`)
    await phone.page.getByRole('link', { name: 'Lunch survey' }).waitFor()
    await screenshot(phone.page, '31-phone-surveys')
    await phone.page.goto(`${node.url}/app/r/${generalId}`)
    await phone.page.getByRole('button', { name: 'Room info' }).click()
    await phone.page.getByRole('complementary', { name: 'About this room' }).getByLabel('This room').waitFor()
    await screenshot(phone.page, '32-phone-room-info')
    expect(await unnamedControls(phone.page)).toEqual([])
    await phone.context.close()
  }, 40_000)

  test('a member who may manage rooms but not groups gets only the New room form, refused (and its button off) in a group that denies it to them, and adds a room at the top level', async () => {
    const archive = ok(await node.http.post(`/v1/communities/${communityId}/groups`, { name: 'Archive' }, as(mia)), 201).body.id
    ok(await node.http.post(`/v1/communities/${communityId}/rooms`, { name: 'old-news', groupId: archive }, as(mia)), 201)
    ok(await node.http.put(`/v1/groups/${archive}/overwrites/member/${max.id}`, { allow: [], deny: ['manage_rooms'] }, as(mia)), 204)
    const role = ok(await node.http.post(`/v1/communities/${communityId}/roles`, { name: 'Builders', permissions: ['manage_rooms'] }, as(mia)), 201).body
    ok(await node.http.put(`/v1/communities/${communityId}/members/${max.id}/roles/${role.id}`, undefined, as(mia)), 204)

    await maxPage.goto(`${node.url}/app/c/${communityId}`)
    const newRoom = maxPage.locator('form', { has: maxPage.getByRole('heading', { name: 'New room' }) })
    await newRoom.waitFor()
    await absent(maxPage.getByRole('heading', { name: 'New group' }))
    await newRoom.getByLabel('Room name').fill('max-room')
    await newRoom.getByLabel('In group').selectOption({ label: 'Archive' })
    await newRoom.getByRole('alert').filter({ hasText: 'You may not add a room in that group' }).waitFor()
    expect(await newRoom.getByRole('button', { name: 'Create room' }).isDisabled()).toBe(true)

    await newRoom.getByLabel('In group').selectOption({ label: '(top level)' })
    await absent(newRoom.getByRole('alert'))
    await newRoom.getByRole('button', { name: 'Create room' }).click()
    await maxPage.getByRole('heading', { name: /max-room/ }).waitFor()
    const [room] = await node.sql`select group_id from rooms where community_id = ${communityId} and name = 'max-room'`
    expect(room?.group_id).toBeNull()
  }, 30_000)

  test('no page threw an uncaught error', () => {
    expect(pageErrors.flat()).toEqual([])
  })
})

/** A result's bars as [label, count]. */
async function bars(question: Locator): Promise<string[][]> {
  return question.locator('.result-bar').evaluateAll((items) => items.map((li) => [...li.children].map((c) => c.textContent ?? '')))
}

/** The image behind a locator has loaded (through the avatar URL's redirect). */
async function loaded(locator: Locator): Promise<boolean> {
  if ((await locator.count()) === 0) return false
  return locator.first().evaluate((img) => {
    const image = img as unknown as { complete: boolean; naturalWidth: number }
    return image.complete && image.naturalWidth > 0
  })
}

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, Locator, Page } from 'playwright-core'
import { existsSync } from 'node:fs'
import { ok } from '../helpers/community'
import { registerUser } from '../helpers/http'
import { gradientPng } from './png'
import { launchBrowser, openPerson, openSignedIn, screenshot, SCREENSHOTS, startWebNode, unnamedControls, watchErrors, writeConsoleLog, type WebNode } from './harness'

// The web app in Debian's Chromium against a real `bun src/main.ts`: two people chat live,
// the node is killed and restarted mid-conversation, an outsider tries a private room's URL,
// and every main page is photographed (test/web/screenshots, not committed).

const mediaOnMain = existsSync(new URL('../../src/modules/media/index.ts', import.meta.url))
const tag = Date.now().toString(36).slice(-5)
const names = { alice: `alice_${tag}`, bob: `bob_${tag}`, carol: `carol_${tag}` }

let node: WebNode
let browser: Browser
type User = Awaited<ReturnType<typeof registerUser>>
let alice: User, bob: User, carol: User
let communityId: string, generalId: string, secretId: string, ideasId: string
const pageErrors: string[][] = []

const as = (u: User) => ({ token: u.accessToken })
/** Nothing on the page matches (now). */
const absent = async (locator: Locator) => expect(await locator.count()).toBe(0)
const messagesIn = (page: Page) => page.locator('.room-main .messages > li.message')
/** The message whose own text (not a quote of it) contains `text`. */
const messageWith = (page: Page, text: string | RegExp) => messagesIn(page).filter({ has: page.locator('p.body', { hasText: text }) })
const bodies = async (page: Page) => (await messagesIn(page).locator('.body').allTextContents()).map((t) => t.trim())

beforeAll(async () => {
  ;[node, browser] = await Promise.all([startWebNode({ HEARTH_ADMINS: names.alice }), launchBrowser()])
  const http = node.http
  ;[alice, bob, carol] = await Promise.all([registerUser(http, names.alice), registerUser(http, names.bob), registerUser(http, names.carol)])
  communityId = ok(await http.post('/v1/communities', { name: 'Hearth club' }, as(alice)), 201).body.id
  const invite = ok(await http.post(`/v1/communities/${communityId}/invites`, {}, as(alice)), 201).body.code
  for (const u of [bob, carol]) ok(await http.post(`/v1/invites/${invite}/accept`, undefined, as(u)))
  const design = ok(await http.post(`/v1/communities/${communityId}/groups`, { name: 'Design' }, as(alice)), 201).body
  const drafts = ok(await http.post(`/v1/communities/${communityId}/groups`, { name: 'Drafts', parentId: design.id }, as(alice)), 201).body
  generalId = ok(await http.post(`/v1/communities/${communityId}/rooms`, { name: 'general' }, as(alice)), 201).body.id
  ideasId = ok(await http.post(`/v1/communities/${communityId}/rooms`, { name: 'ideas', groupId: drafts.id }, as(alice)), 201).body.id
  secretId = ok(await http.post(`/v1/communities/${communityId}/rooms`, { name: 'secret', private: true }, as(alice)), 201).body.id
  ok(await http.post(`/v1/rooms/${secretId}/members`, { userId: bob.id }, as(alice)), 201)
  ok(await http.post(`/v1/rooms/${secretId}/messages`, { body: 'the launch date is a secret', nonce: 'secret-1' }, as(alice)), 201)
  // Some history, so the room has pages to scroll back through.
  for (let i = 1; i <= 60; i++) ok(await http.post(`/v1/rooms/${generalId}/messages`, { body: `history ${i}`, nonce: `h-${i}` }, as(i % 2 ? alice : bob)), 201)
  // The page is bundled on its first request: done here, so the first render measured below is the page's own.
  ok(await http.get('/app'))
}, 60_000)

afterAll(async () => {
  await writeConsoleLog()
  await browser?.close()
  await node?.stop()
  console.log(`web app screenshots: ${SCREENSHOTS}`)
})

describe('the web app in a browser', () => {
  let alicePage: Page
  let bobPage: Page

  test('signing in through the form shows the community tree, and a mention elsewhere raises a badge', async () => {
    const { page } = await openPerson(browser)
    pageErrors.push(watchErrors(page))
    await page.goto(`${node.url}/app`)
    await page.getByLabel('Username or email').fill(bob.username)
    await page.getByLabel('Password').fill(bob.password)
    await screenshot(page, '01-sign-in')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('link', { name: 'Hearth club' }).click()
    const rooms = page.getByRole('navigation', { name: 'Places' })
    await rooms.getByRole('link', { name: /^general( |$)/ }).waitFor()
    await rooms.getByText('Design').waitFor()
    await rooms.getByText('Drafts').waitFor()
    await rooms.getByRole('link', { name: /^ideas( |$)/ }).waitFor()
    await rooms.getByRole('link', { name: 'secret (private)' }).waitFor()

    ok(await node.http.post(`/v1/rooms/${ideasId}/messages`, { body: `@${bob.username} what do you think?`, nonce: 'mention-1' }, as(alice)), 201)
    await rooms.locator(`a[data-room="${ideasId}"] .badge.mention`).waitFor()
    expect(await rooms.locator(`a[data-room="${ideasId}"] .badge.mention`).getAttribute('aria-label')).toBe('1 mentions')
    await screenshot(page, '02-community')
    bobPage = page
  }, 30_000)

  test('two people chat live: each sees the other typing, the message, that it was read, and their status', async () => {
    const opened = await openSignedIn(browser, alice)
    pageErrors.push(opened.errors)
    alicePage = opened.page
    await alicePage.goto(`${node.url}/app/r/${generalId}`)
    await messageWith(alicePage, 'history 60').waitFor()
    // The page marks when it first rendered the room's messages; the time is from the navigation's start.
    const firstRender = (await alicePage.evaluate("performance.getEntriesByName('hearth:first-messages')[0]?.startTime")) as number
    const loaded = (await alicePage.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")) as number
    console.log(`chat page first render: ${firstRender.toFixed(0)} ms from navigation to the latest messages rendered (HTML and scripts loaded at ${loaded.toFixed(0)} ms)`)
    await bobPage.getByRole('link', { name: /^general( |$)/ }).click()
    await messageWith(bobPage, 'history 60').waitFor()

    const composer = alicePage.getByRole('textbox', { name: 'Message # general' })
    await composer.focus()
    await alicePage.keyboard.type('Hello Bob, ', { delay: 10 })
    await bobPage.getByText(`${alice.username} is typing…`).waitFor()
    await alicePage.keyboard.type('are you there?')
    await alicePage.keyboard.press('Enter')
    await messageWith(bobPage, 'Hello Bob, are you there?').waitFor()
    await absent(bobPage.getByText(`${alice.username} is typing…`))
    await alicePage.getByText(`Seen by ${bob.username}`).waitFor()

    await bobPage.getByRole('textbox', { name: 'Message # general' }).fill('Yes! Right here.')
    await bobPage.keyboard.press('Enter')
    await messageWith(alicePage, 'Yes! Right here.').waitFor()
    await bobPage.getByText(`Seen by ${alice.username}`).waitFor()

    // Presence: Bob says he is busy, and Alice's page shows it beside his messages.
    await bobPage.getByLabel('My status').selectOption('dnd')
    await messageWith(alicePage, 'Yes! Right here.').getByRole('img', { name: 'do not disturb' }).waitFor()
    await screenshot(alicePage, '03-chat')
    expect(await unnamedControls(alicePage)).toEqual([])
  }, 30_000)

  test('replies, threads, edits, reactions and pins reach the other page', async () => {
    const bobsMessage = messageWith(alicePage, 'Yes! Right here.')
    await bobsMessage.hover()
    await bobsMessage.getByRole('button', { name: 'Reply' }).click()
    await alicePage.keyboard.type('Great, a reply in a thread')
    await alicePage.keyboard.press('Enter')
    const reply = messageWith(bobPage, 'Great, a reply in a thread')
    await reply.locator('.quote').filter({ hasText: 'Yes! Right here.' }).waitFor()
    await messageWith(bobPage, 'Yes! Right here.').getByRole('link', { name: '1 reply in thread' }).click()
    await bobPage.getByRole('complementary', { name: 'Thread' }).getByText('Great, a reply in a thread').waitFor()
    await screenshot(bobPage, '04-thread')

    await reply.hover()
    await reply.getByLabel('Add a reaction').click()
    await reply.getByRole('button', { name: 'React 👍' }).click()
    await messageWith(alicePage, 'Great, a reply in a thread').getByRole('button', { name: '👍 1' }).waitFor()

    await bobPage.getByRole('link', { name: 'Close the thread' }).click()
    const mine = messageWith(bobPage, 'Yes! Right here.')
    await mine.hover()
    await mine.getByRole('button', { name: 'Edit' }).click()
    const editor = bobPage.getByRole('textbox', { name: 'Message # general' })
    await editor.fill('Yes! Right here, edited.')
    await editor.press('Enter')
    const edited = messageWith(alicePage, 'Yes! Right here, edited.')
    await edited.getByText('(edited)').waitFor()

    await edited.hover()
    await edited.getByRole('button', { name: 'Pin' }).click()
    await messageWith(bobPage, 'Yes! Right here, edited.').getByText('pinned').waitFor()
  }, 30_000)

  test('a poll made in one page is voted on in the other, and the count reaches the first live', async () => {
    await alicePage.getByRole('button', { name: 'Create a poll' }).click()
    const dialog = alicePage.getByRole('dialog', { name: 'New poll' })
    await dialog.getByLabel('Question').fill('Lunch?')
    await dialog.getByLabel('Option 1').fill('Pizza')
    await dialog.getByLabel('Option 2').fill('Soup')
    await dialog.getByRole('button', { name: 'Create poll' }).click()
    const poll = bobPage.locator('.poll').filter({ hasText: 'Lunch?' })
    await poll.getByRole('radio', { name: /^Soup/ }).check()
    await poll.getByRole('button', { name: 'Vote' }).click()
    await alicePage.locator('.poll').filter({ hasText: 'Lunch?' }).getByRole('radio', { name: 'Soup 1 votes' }).waitFor()
  }, 30_000)

  test("a person's profile from their name: following them brings their posts to the feed, where they get likes and comments", async () => {
    await messageWith(alicePage, 'Yes! Right here, edited.').getByRole('button', { name: bob.username }).click()
    const profile = alicePage.getByRole('dialog', { name: bob.username })
    await profile.getByRole('button', { name: 'Follow' }).click()
    await profile.getByRole('button', { name: 'Unfollow' }).waitFor()
    await profile.getByRole('button', { name: 'Close' }).click()
    ok(await node.http.post('/v1/posts', { body: 'Bob writes on his feed' }, as(bob)), 201)
    for (let i = 0; i < 20; i++) {
      await alicePage.goto(`${node.url}/app/feed`)
      await alicePage.getByRole('heading', { name: 'Feed' }).waitFor()
      if (await alicePage.getByText('Bob writes on his feed').count()) break
      await Bun.sleep(250)
    }
    const post = alicePage.getByRole('listitem', { name: `Post by ${bob.username}` })
    await post.getByRole('button', { name: /likes/ }).click()
    await post.getByRole('button', { name: '♥ 1 likes', pressed: true }).waitFor()
    await post.getByRole('button', { name: /comments/ }).click()
    await post.getByLabel('Write a comment').fill('Nice one')
    await post.getByRole('button', { name: 'Comment', exact: true }).click()
    await post.getByText('Nice one').waitFor()
    await post.getByRole('button', { name: '💬 1 comments' }).waitFor()
    await alicePage.goto(`${node.url}/app/r/${generalId}`)
    await messageWith(alicePage, 'history 60').waitFor()
  }, 30_000)

  test('scrolling up pages in older history', async () => {
    await absent(messageWith(alicePage, /^history 1$/))
    // With the keyboard, as a reader would: Home in the message list brings the older pages in.
    const list = alicePage.getByRole('list', { name: 'Messages' })
    await list.focus()
    for (let i = 0; i < 5 && !(await alicePage.getByText('The beginning of this room.').isVisible()); i++) {
      await alicePage.keyboard.press('Home')
      await alicePage.waitForTimeout(200)
    }
    await messageWith(alicePage, /^history 1$/).waitFor()
    await alicePage.getByText('The beginning of this room.').waitFor()
    const seqs = await messagesIn(alicePage).evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-seq'))))
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(new Set(seqs).size).toBe(seqs.length)
  }, 30_000)

  test('the node is killed and restarted mid-conversation: after reconnecting each page shows every message once', async () => {
    await alicePage.getByRole('textbox', { name: 'Message # general' }).fill('before the crash')
    await alicePage.keyboard.press('Enter')
    await messageWith(bobPage, 'before the crash').waitFor()

    await node.kill()
    await alicePage.getByText('Reconnecting…').waitFor()
    for (const body of ['sent while down 1', 'sent while down 2']) {
      await alicePage.getByRole('textbox', { name: 'Message # general' }).fill(body)
      await alicePage.keyboard.press('Enter')
    }
    await alicePage.locator('li.outgoing[data-state="pending"]').nth(1).waitFor()
    await screenshot(alicePage, '05-offline-pending')

    await node.start()
    await bobPage.getByRole('textbox', { name: 'Message # general' }).fill('after the restart')
    await bobPage.keyboard.press('Enter')
    for (const page of [alicePage, bobPage]) {
      for (const body of ['sent while down 1', 'sent while down 2', 'after the restart']) await messageWith(page, body).waitFor({ timeout: 20_000 })
      await absent(page.getByText('Reconnecting…'))
      await absent(page.locator('li.outgoing'))
      const shown = await bodies(page)
      for (const body of ['before the crash', 'sent while down 1', 'sent while down 2', 'after the restart']) expect(shown.filter((b) => b === body)).toHaveLength(1)
      const seqs = await messagesIn(page).evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-seq'))))
      expect(new Set(seqs).size).toBe(seqs.length)
      expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length) // no gaps
    }
    const stored = await node.sql`select body from messages where room_id = ${generalId} and body like 'sent while down%'`
    expect(stored.map((r) => r.body).sort()).toEqual(['sent while down 1', 'sent while down 2'])
  }, 60_000)

  test("an outsider's page cannot open a private room by its URL", async () => {
    const { page, errors } = await openSignedIn(browser, carol)
    pageErrors.push(errors)
    await page.goto(`${node.url}/app/r/${secretId}`)
    await page.getByRole('heading', { name: 'Room not available' }).waitFor()
    await absent(page.getByText('the launch date is a secret'))
    await page.goto(`${node.url}/app/c/${communityId}`)
    await page.getByRole('navigation', { name: 'Places' }).getByRole('link', { name: /^general( |$)/ }).waitFor()
    await absent(page.getByRole('link', { name: 'secret (private)' }))
    await page.goto(`${node.url}/app/r/${secretId}`)
    await page.getByRole('heading', { name: 'Room not available' }).waitFor()
    await screenshot(page, '06-private-room-refused')
    await page.context().close()
  }, 30_000)

  test('the tabs of one browser share the session: signing out in one signs the other out', async () => {
    const first = await openSignedIn(browser, carol)
    pageErrors.push(first.errors)
    await first.page.goto(`${node.url}/app/c/${communityId}`)
    const second = await first.context.newPage()
    pageErrors.push(watchErrors(second))
    // The second tab's question "who is signed in?" is held on the way until after the
    // sign-out (as on a slow server): its late answer must not sign the tab back in.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    await second.route('**/v1/users/me', async (route) => {
      await held
      await route.continue()
    })
    await second.goto(`${node.url}/app/feed`)
    await second.getByRole('heading', { name: 'Feed' }).waitFor()
    await second.getByRole('button', { name: 'Sign out' }).click()
    await second.getByRole('heading', { name: 'Sign in' }).waitFor()
    await first.page.getByRole('heading', { name: 'Sign in' }).waitFor()
    const answered = second.waitForResponse((res) => new URL(res.url()).pathname === '/v1/users/me')
    release()
    expect((await answered).status()).toBe(200)
    // The page has taken the answer (a task after it) and still shows the sign-in form.
    await second.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)))
    await second.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 1000 })
    await absent(second.getByRole('button', { name: 'Sign out' }))
    await first.context.close()
  }, 30_000)

  test.skipIf(!mediaOnMain)('an upload shows its placeholder, then the image', async () => {
    // Bob's page notes every state its attachments go through.
    await bobPage.evaluate(`{
      const seen = (window.attachmentStates = [])
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('.attachments [data-state]')) {
          const state = el.getAttribute('data-state')
          if (seen.at(-1) !== state) seen.push(state)
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true })
    }`)
    await alicePage.locator('input[type=file]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: gradientPng(640, 480) })
    await alicePage.locator('.upload[data-state="uploaded"]').waitFor({ timeout: 15_000 })
    await alicePage.getByRole('textbox', { name: 'Message # general' }).press('Enter')
    const message = messageWith(bobPage, 'photo.png')
    await message.locator('img[data-state="ready"]').waitFor({ timeout: 20_000 })
    expect(await bobPage.evaluate('window.attachmentStates')).toEqual(['processing', 'ready'])
    await screenshot(bobPage, '07-upload')
    expect(await message.locator('img[data-state="ready"]').evaluate((img) => { const image = img as unknown as { complete: boolean; naturalWidth: number }; return image.complete && image.naturalWidth > 0 })).toBe(true)
  }, 40_000)

  test('the other pages render, every control named: feed, events, notifications, moderation, operations, and a phone-width room', async () => {
    ok(await node.http.post('/v1/posts', { body: 'First post on the feed' }, as(alice)), 201)
    ok(await node.http.post(`/v1/rooms/${ideasId}/messages`, { body: `@${alice.username} have a look at the calendar`, nonce: 'mention-2' }, as(bob)), 201)
    ok(
      await node.http.post(`/v1/communities/${communityId}/events`, { title: 'Weekly sync', start: nextWeekday(), durationMinutes: 30, timeZone: 'Europe/Paris', rrule: 'FREQ=WEEKLY' }, as(alice)),
      201,
    )
    ok(await node.http.post('/v1/reports', { target: { kind: 'message', id: (await firstMessageId(generalId)), communityId }, reason: 'spam' }, as(carol)), 201)
    const visits: [string, string[], string][] = [
      ['/app/feed', ['First post on the feed'], '08-feed'],
      ['/app/notifications', ['mentioned you'], '10-notifications'],
      [`/app/c/${communityId}/moderation`, ['history 1'], '11-moderation'],
      ['/app', ['Start a community'], '13-communities'],
    ]
    for (const [path, texts, name] of visits) {
      await alicePage.goto(`${node.url}${path}`)
      for (const text of texts) await alicePage.getByText(text).first().waitFor()
      await screenshot(alicePage, name)
      expect({ path, unnamed: await unnamedControls(alicePage) }).toEqual({ path, unnamed: [] })
    }
    // Operations, while messages flow to Bob's open page: the chart moves.
    await alicePage.goto(`${node.url}/app/ops`)
    for (const text of ['No dead jobs.', 'One node', 'events/s to sockets']) await alicePage.getByText(text).first().waitFor()
    for (let i = 0; i < 12; i++) {
      ok(await node.http.post(`/v1/rooms/${generalId}/messages`, { body: `traffic ${i}`, nonce: `traffic-${i}` }, as(alice)), 201)
      await Bun.sleep(300)
    }
    await alicePage.getByText(/[1-9][\d.]* events\/s to sockets/).waitFor()
    await screenshot(alicePage, '12-operations')
    expect(await unnamedControls(alicePage)).toEqual([])

    await alicePage.goto(`${node.url}/app/c/${communityId}/events`)
    await alicePage.getByRole('button', { name: 'Going' }).first().click()
    await alicePage.getByText('1 going').first().waitFor()
    await screenshot(alicePage, '09-events')
    expect(await unnamedControls(alicePage)).toEqual([])
    await alicePage.reload()
    await alicePage.getByRole('button', { name: 'Going', pressed: true }).first().waitFor()

    const phone = await openSignedIn(browser, bob, { phone: true })
    pageErrors.push(phone.errors)
    await phone.page.goto(`${node.url}/app/r/${generalId}`)
    await messageWith(phone.page, 'after the restart').waitFor()
    await screenshot(phone.page, '14-phone-room')
    await phone.page.getByRole('button', { name: 'Menu' }).click()
    await phone.page.getByRole('navigation', { name: 'Places' }).getByRole('link', { name: /^ideas( |$)/ }).waitFor()
    await screenshot(phone.page, '15-phone-menu')
    expect(await unnamedControls(phone.page)).toEqual([])
    await phone.context.close()
  }, 40_000)

  test('no page threw an uncaught error', () => {
    expect(pageErrors.flat()).toEqual([])
  })
})

async function firstMessageId(roomId: string): Promise<string> {
  const [row] = await node.sql`select id from messages where room_id = ${roomId} order by seq limit 1`
  return row!.id
}

function nextWeekday(): string {
  const d = new Date(Date.now() + 2 * 86_400_000)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T18:00`
}

import type { Subprocess } from 'bun'
import { mkdir } from 'node:fs/promises'
import { exportPKCS8, generateKeyPair } from 'jose'
import postgres from 'postgres'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { createTestDatabase, TEST_REDIS_URL } from '../helpers/app'
import { HttpClient } from '../helpers/http'
import { childEnv, freePort } from '../helpers/process'
import { eventually } from '../helpers/wait'

const root = new URL('../..', import.meta.url).pathname

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Where the test run writes its screenshots (gitignored). */
export const SCREENSHOTS = `${root}test/web/screenshots`

/**
 * One Hearth node as a child process (`bun src/main.ts`, API and job workers) on a fresh
 * database and Redis prefix; `restart` kills it (SIGKILL, as a crash) and starts it again on
 * the same port, database and signing key.
 */
export interface WebNode {
  url: string
  http: HttpClient
  sql: postgres.Sql
  restart(): Promise<void>
  kill(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

export async function startWebNode(env: Record<string, string> = {}): Promise<WebNode> {
  const database = await createTestDatabase()
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const jwtKey = await exportPKCS8(privateKey)
  const prefix = `test:${crypto.randomUUID().slice(0, 8)}:`
  const port = freePort()
  const url = `http://127.0.0.1:${port}`
  const http = new HttpClient(url)
  const logFile = (n: number) => `/tmp/hearth-web-${prefix.slice(5, 13)}-${n}.log`
  let starts = 0
  const sql = postgres(database.url, { max: 2, onnotice: () => {} })
  let proc: Subprocess | undefined

  const start = async () => {
    proc = Bun.spawn(['bun', 'src/main.ts'], {
      cwd: root,
      env: childEnv({
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        JWT_PRIVATE_KEY: jwtKey,
        DATA_DIR: `/tmp/hearth-web-${prefix.slice(5, 13)}`,
        JOB_WORKERS: '1',
        LOG_LEVEL: process.env.WEB_TEST_LOG_LEVEL ?? 'warn',
        PASSWORD_MEMORY_KIB: '4096',
        RATE_AUTH_PER_IP: '10000/60',
        ...env,
      }),
      stdin: 'ignore',
      // The node's log lines (stdout) are kept only when asked: WEB_TEST_STDOUT=/tmp/web WEB_TEST_LOG_LEVEL=info.
      stdout: process.env.WEB_TEST_STDOUT ? Bun.file(`${process.env.WEB_TEST_STDOUT}-${starts + 1}.out`) : 'ignore',
      stderr: Bun.file(logFile(++starts)),
    })
    await eventually('the node to listen', async () => (await http.get('/ready').catch(() => undefined))?.status === 200, 30_000)
  }
  const kill = async () => {
    proc?.kill('SIGKILL')
    await proc?.exited
  }
  await start()
  return {
    url,
    http,
    sql,
    start,
    kill,
    async restart() {
      await kill()
      await start()
    },
    async stop() {
      await kill()
      await sql.end()
      const { createClient } = await import('redis')
      const redis = createClient({ url: TEST_REDIS_URL })
      await redis.connect()
      for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) await redis.del(keys)
      await redis.close()
      await database.drop()
      const { rm } = await import('node:fs/promises')
      await rm(`/tmp/hearth-web-${prefix.slice(5, 13)}`, { recursive: true, force: true })
      for (let n = 1; n <= starts; n++) if (!(await Bun.file(logFile(n)).size)) await rm(logFile(n), { force: true })
    },
  }
}

export async function launchBrowser(): Promise<Browser> {
  if (!(await Bun.file(CHROMIUM).exists())) {
    throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH; bash .ci/run installs it`)
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  })
}

/** A browser context (its own storage: one signed-in person) and its page. */
export async function openPerson(browser: Browser, opts: { phone?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(
    opts.phone ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 800 } },
  )
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  return { context, page }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true })
  const path = `${SCREENSHOTS}/${name}.png`
  await page.screenshot({ path })
  return path
}

/** A person's browser, signed in by putting their saved session where the page keeps it. */
export async function openSignedIn(
  browser: Browser,
  user: { accessToken: string; refreshToken: string },
  opts: { phone?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const { context, page } = await openPerson(browser, opts)
  // Only once: the page rotates the refresh token, and a reload must not bring back a spent one.
  await context.addInitScript((session) => {
    if (!localStorage.getItem('hearth.session')) localStorage.setItem('hearth.session', JSON.stringify(session))
  }, { accessToken: user.accessToken, refreshToken: user.refreshToken })
  return { context, page, errors: watchErrors(page) }
}

/**
 * Uncaught errors of a page, to assert there were none. Its console (the app logs its
 * connection's states) goes to `<screenshots>/console.log`, for a failure's post-mortem.
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  const who = `page ${++pages}`
  page.on('pageerror', (err) => {
    errors.push(err.message)
    consoleLog.push(`${new Date().toISOString()} ${who} uncaught: ${err.message}`)
  })
  // Socket URLs carry an access token: not written out.
  page.on('console', (message) => consoleLog.push(`${new Date().toISOString()} ${who} ${message.type()}: ${message.text().replace(/token=[^'&\s]+/g, 'token=…')}`))
  return errors
}

let pages = 0
const consoleLog: string[] = []

export async function writeConsoleLog(): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true })
  const path = `${SCREENSHOTS}/console.log`
  await Bun.write(path, consoleLog.join('\n') + '\n')
  return path
}

/** Controls with no accessible name (as Chromium computes it: label, aria-label, text), to assert there are none. */
export async function unnamedControls(page: Page): Promise<string[]> {
  const tree = await page.locator('body').ariaSnapshot()
  return tree.split('\n').filter((line) => /^\s*- (button|link|textbox|combobox|checkbox|radio|searchbox|spinbutton|slider|switch|tab)\s*(\[[^\]]*\])?:?$/.test(line))
}

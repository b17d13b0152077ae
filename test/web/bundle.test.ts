import { describe, expect, test } from 'bun:test'
import { buildWebApp } from '../../src/modules/web/bundle'
import { startTestApp } from '../helpers/app'

const MAX_SCRIPT_GZIP_BYTES = 150 * 1024

describe('the web app at /app', async () => {
  const app = await startTestApp()
  const get = (path: string, headers: Record<string, string> = {}) => fetch(app.url + path, { headers })

  test("the bundle's JavaScript is at most 150 KB gzipped", async () => {
    const build = await buildWebApp()
    console.log(`web app: ${(build.scriptGzipBytes / 1024).toFixed(1)} KB of JavaScript gzipped, built in ${build.ms} ms`)
    expect(build.scriptGzipBytes).toBeGreaterThan(0)
    expect(build.scriptGzipBytes).toBeLessThanOrEqual(MAX_SCRIPT_GZIP_BYTES)
  })

  test('the page is served with a policy that runs only its own scripts', async () => {
    const res = await get('/app')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('cache-control')).toBe('no-cache')
    const html = await res.text()
    expect(html).toMatch(/<script type="module" crossorigin src="\/app\/[\w-]+\.js"><\/script>/)
    expect(html).not.toMatch(/https?:\/\//)
  })

  test('a place in the app (a room by URL) gets the same page', async () => {
    const page = await (await get('/app')).text()
    const res = await get('/app/r/0194d6f2-0000-7000-8000-000000000000')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(page)
  })

  test('the scripts are served gzipped and cacheable forever', async () => {
    const html = await (await get('/app')).text()
    const script = /src="(\/app\/[\w-]+\.js)"/.exec(html)![1]!
    const res = await get(script, { 'accept-encoding': 'gzip' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(res.headers.get('cache-control')).toContain('immutable')
    expect(res.headers.get('content-type')).toContain('javascript')
    expect((await res.text()).length).toBeGreaterThan(1000)
  })

  test('a file the build does not have is a 404 in the error shape', async () => {
    const res = await get('/app/missing-12345678.js')
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('route_not_found')
  })

  test('the app is not part of the API document', async () => {
    const doc = (await (await get('/swagger/json')).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/app'))).toEqual([])
  })
})

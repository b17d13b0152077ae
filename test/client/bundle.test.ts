// The client as a browser gets it: Bun bundles it for the browser target with nothing from
// Node or Bun in it, small enough to leave the web app room under its 150 KB budget.
import { expect, test } from 'bun:test'

test('the client bundles for browsers, with no Node or Bun built-ins, in a few KB', async () => {
  const built = await Bun.build({ entrypoints: [new URL('../../client/src/index.ts', import.meta.url).pathname], target: 'browser', minify: true })
  expect(built.logs.filter((l) => l.level === 'error')).toEqual([])
  expect(built.success).toBe(true)
  const js = await built.outputs[0]!.text()
  expect(js).not.toMatch(/\bnode:|\bBun\.|require\(/)
  const gzipped = Bun.gzipSync(new TextEncoder().encode(js)).length
  console.log(`client bundle: ${(js.length / 1024).toFixed(1)} KB minified, ${(gzipped / 1024).toFixed(1)} KB gzipped`)
  expect(gzipped).toBeLessThan(20 * 1024)
})

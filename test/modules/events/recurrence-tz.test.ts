// The expansion must not depend on the server's own time zone: the pure table runs again
// in child processes with other TZ values, and must pass there unchanged.
import { expect, test } from 'bun:test'

const file = new URL('./recurrence.test.ts', import.meta.url).pathname

test.each(['America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'])('the expansion table passes with TZ=%s', async (tz) => {
  const child = Bun.spawn([process.execPath, 'test', file], {
    env: { ...process.env, TZ: tz },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [code, out] = await Promise.all([child.exited, new Response(child.stderr).text()])
  // Prove the child really ran in that zone, and that every case passed.
  expect(out).toContain(' 0 fail')
  expect(out).toMatch(/ [1-9]\d* pass/)
  expect(code).toBe(0)
}, 60_000)

test('the child processes see their own TZ (the check above is not vacuous)', async () => {
  const child = Bun.spawn([process.execPath, '-e', 'console.log(new Date(Date.UTC(2025, 0, 1)).getHours())'], {
    env: { ...process.env, TZ: 'Asia/Kolkata' },
    stdout: 'pipe',
  })
  expect((await new Response(child.stdout).text()).trim()).toBe('5')
})

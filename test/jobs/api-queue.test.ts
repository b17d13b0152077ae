import { expect, test } from 'bun:test'
import { startTestApp } from '../helpers/app'
import { eventually } from '../helpers/wait'

// Worker threads running every feature's processors, and this file's main thread.
const app = await startTestApp({}, { jobs: {} })

test('jobs of the api queue run on the main thread of the API process, with what only it has', async () => {
  const seen: string[] = []
  // A closure over this process's state: a worker thread could not run it.
  await app.res.jobs.startApiConsumers({ api: { 'test.here': async (data: { word: string }) => void seen.push(data.word) } })
  await app.res.jobs.enqueue({ queue: 'api', name: 'test.here', data: { word: 'hello' } })
  await eventually('the main thread ran the job', async () => seen.length === 1)
  expect(seen).toEqual(['hello'])
})

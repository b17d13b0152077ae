// Image work yields the CPU to chat: the threads libvips decodes and resizes in run at
// MEDIA_NICE (Linux, where niceness is per thread); the threads of the app are untouched.
import { expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { renderImage } from '../../../src/modules/media/image'
import * as files from './fixtures'

const threads = () =>
  readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    return { name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(), nice: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) }
  })

test.if(process.platform === 'linux')('the libvips worker threads run at MEDIA_NICE, the rest as before', async () => {
  const before = new Map(threads().filter((t) => t.name !== 'libvips worker').map((t) => [t.name, t.nice]))
  await renderImage(await files.jpeg(1200, 900), { maxPixels: 50_000_000, nice: 17 })
  const after = threads()
  const vips = after.filter((t) => t.name === 'libvips worker')
  expect(vips.length).toBeGreaterThan(0)
  expect(new Set(vips.map((t) => t.nice))).toEqual(new Set([17]))
  for (const t of after) if (before.has(t.name)) expect(t.nice).toBe(before.get(t.name)!)
})

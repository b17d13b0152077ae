// Types by their bytes and image sizes by their headers: the checks `complete` makes
// before anything is decoded.
import { describe, expect, test } from 'bun:test'
import sharp from 'sharp'
import { readDimensions } from '../../../src/modules/media/dimensions'
import { matchesDeclared, sniff } from '../../../src/modules/media/formats'
import { inspectBytes, Refusal } from '../../../src/modules/media/inspect'
import * as files from './fixtures'

const bytesOf = (s: string) => new TextEncoder().encode(s)

describe('sniff', () => {
  test.each([
    ['PNG', () => files.png(10, 10), 'image/png'],
    ['JPEG', () => files.jpeg(10, 10), 'image/jpeg'],
    ['GIF', () => files.gif(10, 10), 'image/gif'],
    ['WebP', () => files.webp(10, 10), 'image/webp'],
    ['PDF', async () => files.pdf(), 'application/pdf'],
    ['zip', async () => new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0]), 'application/zip'],
    ['MP3 with ID3', async () => bytesOf('ID3\x04\x00\x00'), 'audio/mpeg'],
    ['Ogg', async () => bytesOf('OggS\x00\x02'), 'audio/ogg'],
    ['WAV', async () => bytesOf('RIFF\x24\x00\x00\x00WAVEfmt '), 'audio/wav'],
    ['FLAC', async () => bytesOf('fLaC\x00\x00'), 'audio/flac'],
    ['MP4', async () => bytesOf('\x00\x00\x00\x18ftypisom\x00\x00'), 'video/mp4'],
    ['QuickTime', async () => bytesOf('\x00\x00\x00\x14ftypqt  \x00\x00'), 'video/quicktime'],
    ['WebM', async () => new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f]), 'video/webm'],
    ['CSV text', async () => files.text(), 'text/plain'],
    ['an HTML page', async () => files.html(), 'text/html'],
    ['SVG', async () => bytesOf('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'), 'text/html'],
    ['text with a script further in', async () => bytesOf('hello\n<script>alert(1)</script>'), 'text/html'],
  ] as const)('%s is %s', async (_name, make, type) => {
    expect(sniff(await make(), { complete: true })).toBe(type)
  })

  test.each([
    ['binary with NULs', new Uint8Array([1, 2, 0, 0, 9, 8])],
    ['invalid UTF-8', new Uint8Array([0x68, 0x69, 0xc3, 0x28])],
    ['an escape sequence', bytesOf('ok \x1b[2J')],
    ['nothing', new Uint8Array()],
  ])('%s is nothing Hearth takes', (_name, bytes) => {
    expect(sniff(bytes, { complete: true })).toBeUndefined()
  })

  test('a multi-byte character cut at the end of a partial read is still text', () => {
    const full = bytesOf('café')
    expect(sniff(full.slice(0, -1), { complete: false })).toBe('text/plain')
    expect(sniff(full.slice(0, -1), { complete: true })).toBeUndefined()
  })

  test('CSV and Markdown stand for text; MP4 brands stand for each other; nothing else stands in', () => {
    expect(matchesDeclared('text/csv', 'text/plain')).toBe(true)
    expect(matchesDeclared('text/markdown', 'text/plain')).toBe(true)
    expect(matchesDeclared('audio/mp4', 'video/mp4')).toBe(true)
    expect(matchesDeclared('image/png', 'image/jpeg')).toBe(false)
    expect(matchesDeclared('text/plain', 'text/html')).toBe(false)
    expect(matchesDeclared('application/pdf', undefined)).toBe(false)
  })
})

describe('dimensions from the header', () => {
  test.each([
    ['PNG', 'image/png', () => files.png(321, 123)],
    ['baseline JPEG', 'image/jpeg', () => files.jpeg(321, 123)],
    ['progressive JPEG (SOF2)', 'image/jpeg', async () => new Uint8Array(await sharp(await files.jpeg(321, 123)).jpeg({ progressive: true }).toBuffer())],
    ['JPEG with EXIF before its frame', 'image/jpeg', async () => new Uint8Array(await sharp(await files.jpeg(321, 123)).withExif({ IFD0: { Copyright: 'x'.repeat(5000) } }).toBuffer())],
    ['GIF', 'image/gif', () => files.gif(321, 123)],
    ['lossy WebP (VP8)', 'image/webp', () => files.webp(321, 123)],
    ['lossless WebP (VP8L)', 'image/webp', () => files.webp(321, 123, { lossless: true })],
    ['extended WebP (VP8X)', 'image/webp', async () => new Uint8Array(await sharp(await files.png(321, 123)).webp().withExif({ IFD0: { Copyright: 'x' } }).toBuffer())],
  ] as const)('%s', async (_name, type, make) => {
    expect(readDimensions(type, await make())).toEqual({ width: 321, height: 123 })
  })

  test('a JPEG cut before its frame header says nothing', async () => {
    expect(readDimensions('image/jpeg', (await files.jpeg(20, 20)).slice(0, 10))).toBeUndefined()
  })

  test('a PNG without IHDR first says nothing', () => {
    const bytes = files.pngBomb()
    bytes.set(bytesOf('IDAT'), 12)
    expect(readDimensions('image/png', bytes)).toBeUndefined()
  })
})

describe('inspection', () => {
  const inspect = (bytes: Uint8Array, declaredType: string, maxPixels = 50_000_000) =>
    inspectBytes(bytes, { declaredType, declaredSize: bytes.length, storedSize: bytes.length, maxPixels, complete: true })

  test('an image within the pixel limit passes with its dimensions', async () => {
    expect(inspect(await files.png(100, 50), 'image/png')).toEqual({ contentType: 'image/png', dimensions: { width: 100, height: 50 } })
  })

  test('the limit is on pixels: one over is refused', async () => {
    expect(() => inspect(files.pngBomb(1000, 1001), 'image/png', 1_000_000)).toThrow(Refusal)
    expect(inspect(files.pngBomb(1000, 1000), 'image/png', 1_000_000).dimensions).toEqual({ width: 1000, height: 1000 })
  })

  test('a WebP bomb is refused from its VP8X header', () => {
    const header = new Uint8Array(30)
    header.set(bytesOf('RIFF'), 0)
    header.set(bytesOf('WEBPVP8X'), 8)
    header.set([0x1f, 0x4e, 0x00], 24) // 19999 + 1
    header.set([0x1f, 0x4e, 0x00], 27)
    expect(() => inspect(header, 'image/webp')).toThrow('the image is 20000x20000 (400 megapixels); at most 50 are accepted')
  })

  test('an image whose header cannot be read is refused', () => {
    expect(() => inspect(bytesOf('GIF89a'), 'image/gif')).toThrow('the image header could not be read (a corrupt or truncated image)')
  })
})

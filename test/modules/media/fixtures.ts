// Files made for the media tests: real images from sharp, and hand-built headers that
// lie (bombs) or break off (corrupt images).
import sharp from 'sharp'

const solid = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: { r: 200, g: 60, b: 30, alpha: 1 } } })

export const png = async (width = 600, height = 400) => new Uint8Array(await solid(width, height, 4).png().toBuffer())
export const jpeg = async (width = 600, height = 400) => new Uint8Array(await solid(width, height).jpeg().toBuffer())
export const gif = async (width = 300, height = 200) => new Uint8Array(await solid(width, height).gif().toBuffer())
export const webp = async (width = 300, height = 200, opts: { lossless?: boolean } = {}) =>
  new Uint8Array(await solid(width, height).webp({ lossless: opts.lossless }).toBuffer())

/** A 300x200 JPEG that says "rotate 90°" (shown 200x300) and carries where it was taken. */
export const jpegWithGps = async () =>
  new Uint8Array(
    await solid(300, 200)
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: 'TestCam', Model: 'Leaky 1' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' },
      })
      .toBuffer(),
  )

/** Whether EXIF bytes hold a GPS IFD pointer (tag 0x8825, either byte order). */
export const hasGps = (exif: Buffer | undefined) =>
  !!exif && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])))

const chunk = (type: string, data: Uint8Array) => {
  const body = new Uint8Array([...Buffer.from(type, 'latin1'), ...data])
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.set(body, 4)
  out.writeUInt32BE(Bun.hash.crc32(body) >>> 0, 8 + data.length)
  return out
}

/** A PNG of a few dozen bytes whose header claims width x height (a decompression bomb). */
export function pngBomb(width = 20000, height = 20000): Uint8Array {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  return new Uint8Array(
    Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr), chunk('IDAT', new Uint8Array([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', new Uint8Array())]),
  )
}

/** A JPEG whose frame header (after an APP0 segment) claims width x height. */
export function jpegBomb(width = 20000, height = 20000): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9])
}

/** A PNG whose header is sound (100x100) but whose pixel data is garbage. */
export function corruptPng(): Uint8Array {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(100, 0)
  ihdr.writeUInt32BE(100, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const garbage = crypto.getRandomValues(new Uint8Array(400))
  return new Uint8Array(Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr), chunk('IDAT', garbage), chunk('IEND', new Uint8Array())]))
}

export const html = () => new TextEncoder().encode('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>')
export const text = () => new TextEncoder().encode('name,score\nada,10\ngrace,12\n')
export const pdf = () => new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

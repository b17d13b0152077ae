// Image dimensions read from the header alone, before anything is decoded, so a small
// file that claims billions of pixels is refused without being opened by the decoder.
import type { ImageType } from './formats'

export interface Dimensions {
  width: number
  height: number
}

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8)
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0
const u32le = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0
const tag = (b: Uint8Array, i: number) => String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!)

/** Undefined when the header is cut short or does not say (the image is then refused). */
export function readDimensions(type: ImageType, b: Uint8Array): Dimensions | undefined {
  const dims = readers[type](b)
  return dims && dims.width > 0 && dims.height > 0 ? dims : undefined
}

const readers: Record<ImageType, (b: Uint8Array) => Dimensions | undefined> = {
  // IHDR is always the first chunk.
  'image/png': (b) => (b.length >= 24 && tag(b, 12) === 'IHDR' ? { width: u32be(b, 16), height: u32be(b, 20) } : undefined),
  // The logical screen; a frame larger than it is stopped by the decoder's own pixel limit.
  'image/gif': (b) => (b.length >= 10 ? { width: u16le(b, 6), height: u16le(b, 8) } : undefined),
  'image/jpeg': jpeg,
  'image/webp': webp,
}

/** Walks the marker segments up to the first start-of-frame (SOF0..SOF15 but DHT, JPG and DAC). */
function jpeg(b: Uint8Array): Dimensions | undefined {
  let i = 2
  while (i < b.length) {
    if (b[i] !== 0xff) return undefined
    while (b[i] === 0xff) i++
    const marker = b[i++]!
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue
    if (marker === 0xd9 || marker === 0xda) return undefined // image data before any frame header
    if (i + 2 > b.length) return undefined
    const length = u16be(b, i)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return i + 7 <= b.length ? { height: u16be(b, i + 3), width: u16be(b, i + 5) } : undefined
    }
    if (length < 2) return undefined
    i += length
  }
  return undefined
}

function webp(b: Uint8Array): Dimensions | undefined {
  if (b.length < 30) return undefined
  switch (tag(b, 12)) {
    case 'VP8 ': // lossy: a key frame's start code, then 14-bit width and height
      if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined
      return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff }
    case 'VP8L': {
      // lossless: a signature byte, then width-1 and height-1 in 14 bits each
      if (b[20] !== 0x2f) return undefined
      const bits = u32le(b, 21)
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 }
    }
    case 'VP8X': // extended: the canvas, 24 bits each, minus one
      return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 }
    default:
      return undefined
  }
}

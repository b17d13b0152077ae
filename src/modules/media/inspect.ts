import { readDimensions, type Dimensions } from './dimensions'
import { describeType, isImageType, matchesDeclared, sniff } from './formats'

/** Why stored bytes are refused, in words for the uploader. The media ends `failed` with this reason. */
export class Refusal extends Error {
  override name = 'Refusal'
}

export interface Inspection {
  contentType: string
  dimensions?: Dimensions
}

/** How much of a file `complete` reads: enough for any header Hearth reads (JPEG may put a lot before its frame header). */
export const HEAD_BYTES = 1 << 20

/**
 * Checks bytes against what was declared: the stored size, the type by the bytes, and for
 * images the pixel count from the header (nothing is decoded). `bytes` is the head of the
 * file, or all of it when `complete`.
 */
export function inspectBytes(
  bytes: Uint8Array,
  opts: { declaredType: string; declaredSize: number; storedSize: number; maxPixels: number; complete: boolean },
): Inspection {
  if (opts.storedSize !== opts.declaredSize) {
    throw new Refusal(`the stored file is ${opts.storedSize} bytes, not the ${opts.declaredSize} declared`)
  }
  const detected = sniff(bytes, { complete: opts.complete })
  if (!matchesDeclared(opts.declaredType, detected)) {
    throw new Refusal(`the file is ${describeType(detected)}, not ${opts.declaredType} as declared`)
  }
  if (!isImageType(opts.declaredType)) return { contentType: opts.declaredType }
  const dimensions = readDimensions(opts.declaredType, bytes)
  if (!dimensions) throw new Refusal('the image header could not be read (a corrupt or truncated image)')
  const pixels = dimensions.width * dimensions.height
  if (pixels > opts.maxPixels) {
    throw new Refusal(
      `the image is ${dimensions.width}x${dimensions.height} (${megapixels(pixels)} megapixels); at most ${megapixels(opts.maxPixels)} are accepted`,
    )
  }
  return { contentType: opts.declaredType, dimensions }
}

const megapixels = (n: number) => String(Math.round(n / 100_000) / 10)

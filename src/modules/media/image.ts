import sharp from 'sharp'
import { rgbaToThumbHash } from 'thumbhash'
import { lowerImageThreads } from './cpu'
import { variantSpecs } from './view'

export interface RenderedVariant {
  name: string
  bytes: Uint8Array
  width: number
  height: number
  contentType: 'image/webp'
}

export interface RenderedImage {
  /** As shown, after orientation. */
  width: number
  height: number
  thumbhash: string
  variants: RenderedVariant[]
}

// One decode per image: oriented and shrunk to the largest variant (JPEG shrinks while
// it decodes), then every output is made from those raw pixels. Raw pixels carry no
// metadata, so EXIF (GPS included), XMP, IPTC and ICC never reach a variant.
const largest = variantSpecs.at(-1)!.size

// One libvips thread per image: a media job costs at most one core, so the cores image
// work can take are bounded by MEDIA_JOB_CONCURRENCY (per process), and those threads run
// at MEDIA_NICE, so chat keeps the CPU it needs. No operation cache: every image is new,
// a cache only holds memory.
sharp.concurrency(1)
sharp.cache(false)

/**
 * Orientation applied, metadata gone, WebP variants and a ThumbHash placeholder. The
 * decoder refuses more than `maxPixels` pixels and warns-as-errors on damaged data.
 */
export async function renderImage(bytes: Uint8Array, opts: { maxPixels: number; nice: number }): Promise<RenderedImage> {
  const input = { limitInputPixels: opts.maxPixels, failOn: 'warning' as const }
  // libvips starts its worker threads with the first images: each step lowers any new ones.
  await lowerImageThreads(opts.nice)
  const meta = await sharp(bytes, input).metadata()
  await lowerImageThreads(opts.nice)
  const { data, info } = await sharp(bytes, input)
    .rotate()
    .resize({ width: largest, height: largest, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
  await lowerImageThreads(opts.nice)
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } }
  const variants = await Promise.all(
    variantSpecs.map(async (spec) => {
      const out = await sharp(data, raw)
        .resize({ width: spec.size, height: spec.size, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer({ resolveWithObject: true })
      return { name: spec.name, bytes: new Uint8Array(out.data), width: out.info.width, height: out.info.height, contentType: 'image/webp' as const }
    }),
  )
  const thumb = await sharp(data, raw).resize({ width: 100, height: 100, fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  await lowerImageThreads(opts.nice)
  return {
    width: meta.autoOrient?.width ?? meta.width,
    height: meta.autoOrient?.height ?? meta.height,
    thumbhash: Buffer.from(rgbaToThumbHash(thumb.info.width, thumb.info.height, thumb.data)).toString('base64'),
    variants,
  }
}

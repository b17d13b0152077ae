// What Hearth accepts, recognised by the bytes themselves: magic numbers for binary
// formats, a strict UTF-8 check for text. A name or a declared header is never trusted.

export const imageTypes = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const
export const fileTypes = [
  'application/pdf',
  'application/zip',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/flac',
  'audio/mp4',
  'video/mp4',
  'video/quicktime',
  'video/webm',
  'text/plain',
  'text/csv',
  'text/markdown',
] as const
export const acceptedTypes: readonly string[] = [...imageTypes, ...fileTypes]

export type ImageType = (typeof imageTypes)[number]
export const isImageType = (type: string): type is ImageType => (imageTypes as readonly string[]).includes(type)

/** Declared types that one detected type may stand for (the ISO media brands vary; text is text). */
const sameBytes: Record<string, readonly string[]> = {
  'video/mp4': ['video/mp4', 'audio/mp4', 'video/quicktime'],
  'audio/mp4': ['video/mp4', 'audio/mp4', 'video/quicktime'],
  'video/quicktime': ['video/mp4', 'audio/mp4', 'video/quicktime'],
  'text/plain': ['text/plain', 'text/csv', 'text/markdown'],
}

/** Whether bytes detected as `detected` may be served as the declared type. */
export const matchesDeclared = (declared: string, detected: string | undefined): boolean =>
  detected !== undefined && (declared === detected || (sameBytes[detected]?.includes(declared) ?? false))

const ascii = (b: Uint8Array, at: number, text: string) => {
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false
  return true
}

/**
 * What the bytes are: one of the accepted types, `text/html` for markup (never accepted),
 * or undefined. `complete` is true when `bytes` is the whole file (the text check then
 * sees all of it).
 */
export function sniff(b: Uint8Array, opts: { complete?: boolean } = {}): string | undefined {
  if (ascii(b, 0, '\x89PNG\r\n\x1a\n')) return 'image/png'
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return 'image/gif'
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return 'image/webp'
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return 'audio/wav'
  if (ascii(b, 0, '%PDF-')) return 'application/pdf'
  if (ascii(b, 0, 'PK\x03\x04') || ascii(b, 0, 'PK\x05\x06')) return 'application/zip'
  if (ascii(b, 0, 'OggS')) return 'audio/ogg'
  if (ascii(b, 0, 'fLaC')) return 'audio/flac'
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'video/webm'
  if (ascii(b, 4, 'ftyp')) {
    if (ascii(b, 8, 'qt  ')) return 'video/quicktime'
    if (ascii(b, 8, 'M4A ') || ascii(b, 8, 'M4B ')) return 'audio/mp4'
    return 'video/mp4'
  }
  if (ascii(b, 0, 'ID3') || (b[0] === 0xff && (b[1]! & 0xe0) === 0xe0)) return 'audio/mpeg'
  return sniffText(b, opts.complete ?? false)
}

const decoder = () => new TextDecoder('utf-8', { fatal: true })
const markup = /<\s*(!doctype|html|head|body|script|iframe|svg|\?xml|object|embed|meta|link|style)\b/i

/** UTF-8 without NULs or control characters (tab, newlines and form feed aside); markup is `text/html`. */
function sniffText(b: Uint8Array, complete: boolean): string | undefined {
  if (b.length === 0) return undefined
  let text: string
  try {
    // Streaming decode: a character cut at the end of a partial read is not an error.
    text = decoder().decode(b, { stream: !complete })
  } catch {
    return undefined
  }
  if (/[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(text)) return undefined
  const start = text.replace(/^\ufeff/, '').trimStart()
  if (start.startsWith('<') || markup.test(text)) return 'text/html'
  return 'text/plain'
}

/** A human name for a refusal message. */
export const describeType = (type: string | undefined) =>
  type === undefined ? 'an unrecognised binary format' : type === 'text/html' ? 'markup (HTML/XML/SVG)' : type

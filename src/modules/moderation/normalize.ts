// Text as automod reads it, so a rule cannot be dodged by spelling. Pure.
//
// Two readings come out of one pass:
// - `text`: NFKC, invisible and bidi controls dropped, lower case, marks dropped, look-alike
//   letters folded to Latin (Unicode confusables, UTS #39). Patterns and links run on it.
// - the keyword stream: the letters of `text` with leetspeak read as letters (`sh1t`, `$hit`,
//   `@ss`), `l` read as `i` (`1`, `|`, `!`, `I` and `l` all look alike), each run of one letter
//   kept once with its length (`fuuuck` is f u(3) c k), and between letters the kind of gap
//   that separated them: none, soft (punctuation: `f.u.c.k`) or hard (white space, the ends).
//   Keywords are read through the same function, so both sides agree on every choice.
import { CONFUSABLES_PACKED } from './confusables'

export const GAP_NONE = 0
export const GAP_SOFT = 1
export const GAP_HARD = 2

export interface Normalized {
  text: string
  /** Entries in the keyword stream. */
  count: number
  /** Code point of each entry. */
  letters: Int32Array
  /** How many times the letter was repeated in a row. */
  runs: Uint16Array
  /** The gap before each entry; `gaps[count]` is the end (hard). */
  gaps: Uint8Array
}

const LOOKALIKES = new Map<number, string>()
for (const entry of CONFUSABLES_PACKED.split(' ')) {
  const cp = entry.codePointAt(0)!
  LOOKALIKES.set(cp, entry.slice(cp > 0xffff ? 2 : 1))
}

// Kinds of a folded character in the keyword stream.
const LETTER = 1
const DIGIT = 2
/** Punctuation read as a letter when it sits inside a word: @ $ ! | + */
const LEET = 3
const SOFT = 4
const HARD = 5

const LEET_READING: Record<string, string> = {
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g',
  '@': 'a', '$': 's', '!': 'i', '|': 'i', '+': 't',
}
const READ = new Int32Array(128).map((_, c) => {
  const ch = String.fromCharCode(c)
  const read = LEET_READING[ch] ?? ch
  return read === 'l' ? 105 : read.charCodeAt(0)
})

const ASCII_KIND = new Uint8Array(128).map((_, c) => {
  if (c >= 97 && c <= 122) return LETTER
  if (c >= 48 && c <= 57) return DIGIT
  if (c === 64 || c === 36 || c === 33 || c === 124 || c === 43) return LEET
  if (c === 32 || (c >= 9 && c <= 13)) return HARD
  return SOFT
})

// Anything that renders as nothing (or nothing visible) and can hide inside a word: format
// characters (zero-width space and joiners, bidi embeddings and isolates, soft hyphen, tags),
// controls other than white space, the combining grapheme joiner, variation selectors, and the
// Hangul fillers that render blank.
const INVISIBLE = /^[\p{Cf}\p{Cc}\u034f\u115f\u1160\u3164\uffa0\u180b-\u180f\ufe00-\ufe0f\u{e0100}-\u{e01ef}]$/u
const WHITE = /^[\s\u2800]$/u
const MARK = /^\p{M}$/u
const LETTER_LIKE = /^\p{L}$/u
const DIGIT_LIKE = /^\p{Nd}$/u

const MAX_CACHED = 20_000
const foldCache = new Map<number, string>()
const kindCache = new Map<number, number>()

/** What one non-ASCII code point reads as: '' (invisible), ' ' (white space) or lower-case letters. */
function foldCodePoint(cp: number): string {
  let out = foldCache.get(cp)
  if (out !== undefined) return out
  const ch = String.fromCodePoint(cp)
  if (WHITE.test(ch) && !INVISIBLE.test(ch)) out = ' '
  else if (INVISIBLE.test(ch) || MARK.test(ch)) out = ''
  else {
    out = ''
    for (const c of ch.toLowerCase().normalize('NFD')) {
      if (MARK.test(c)) continue
      out += LOOKALIKES.get(c.codePointAt(0)!) ?? c
    }
  }
  if (foldCache.size >= MAX_CACHED) foldCache.clear()
  foldCache.set(cp, out)
  return out
}

function kindOf(cp: number): number {
  if (cp < 128) return ASCII_KIND[cp]!
  let kind = kindCache.get(cp)
  if (kind === undefined) {
    const ch = String.fromCodePoint(cp)
    kind = LETTER_LIKE.test(ch) ? LETTER : DIGIT_LIKE.test(ch) ? DIGIT : WHITE.test(ch) ? HARD : SOFT
    if (kindCache.size >= MAX_CACHED) kindCache.clear()
    kindCache.set(cp, kind)
  }
  return kind
}

const PLAIN_ASCII = /^[\x20-\x7e]*$/

/** The folded text (see the top of the file). */
export function foldText(input: string): string {
  if (PLAIN_ASCII.test(input)) return input.toLowerCase()
  const parts: string[] = []
  for (const ch of input.normalize('NFKC')) {
    const cp = ch.codePointAt(0)!
    if (cp < 128) parts.push(cp === 127 || (cp < 32 && !(cp >= 9 && cp <= 13)) ? '' : ch.toLowerCase())
    else parts.push(foldCodePoint(cp))
  }
  return parts.join('')
}

/** A single character as patterns see it (look-alikes folded), or undefined when it folds to several or none. */
export function foldChar(cp: number): number | undefined {
  const folded = cp < 128 ? String.fromCharCode(cp).toLowerCase() : foldCodePoint(cp)
  const first = folded.codePointAt(0)
  return first !== undefined && folded.length === String.fromCodePoint(first).length ? first : undefined
}

// Scratch space reused by every call (a call never yields): results are views into it.
let cps = new Int32Array(256)
let kinds = new Uint8Array(256)
let letters = new Int32Array(256)
let runs = new Uint16Array(256)
let gaps = new Uint8Array(257)

function ensure(size: number) {
  if (cps.length >= size) return
  const n = Math.max(size, cps.length * 2)
  cps = new Int32Array(n)
  kinds = new Uint8Array(n)
  letters = new Int32Array(n)
  runs = new Uint16Array(n)
  gaps = new Uint8Array(n + 1)
}

/**
 * Normalises `input`. The arrays of the answer are views into scratch space that the next call
 * overwrites; use `copyOf` to keep them.
 */
export function normalize(input: string): Normalized {
  ensure(input.length + 1)
  // Most texts are printable ASCII: read them straight; anything else goes through foldText.
  let units = 0
  let text: string | undefined
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i)
    if (c >= 127 || (c < 32 && (c < 9 || c > 13))) {
      units = -1
      break
    }
    const lower = c >= 65 && c <= 90 ? c + 32 : c
    cps[units] = lower
    kinds[units++] = ASCII_KIND[lower]!
  }
  if (units >= 0) text = input.toLowerCase()
  else {
    text = foldText(input)
    ensure(text.length + 1)
    units = 0
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i)
      if (cp >= 0xd800 && cp <= 0xdbff) {
        cp = text.codePointAt(i)!
        i++
      }
      cps[units] = cp
      kinds[units++] = kindOf(cp)
    }
  }
  // Leet punctuation is a letter inside a word (sh!t, $hit, @ss), not at its end (hey!) or before a number ($100).
  for (let i = 0; i < units; i++) {
    if (kinds[i] !== LEET) continue
    const next = i + 1 < units ? kinds[i + 1]! : HARD
    const prev = i > 0 ? kinds[i - 1]! : HARD
    const inWord = (next === LETTER || next === DIGIT) && (prev === LETTER || prev === DIGIT || next === LETTER)
    if (!inWord) kinds[i] = SOFT
  }

  let count = 0
  let gap = GAP_HARD
  let lastTokenLength = 0
  let i = 0
  while (i < units) {
    const kind = kinds[i]!
    if (kind === HARD) {
      gap = GAP_HARD
      i++
      continue
    }
    if (kind === SOFT) {
      if (gap < GAP_SOFT) gap = GAP_SOFT
      i++
      continue
    }
    // A word: letters, digits and leet punctuation. Digits are leet only in a word with letters (h3ll0, not 2024).
    let end = i
    let hasLetter = false
    while (end < units && kinds[end]! <= LEET) {
      if (kinds[end] !== DIGIT) hasLetter = true
      end++
    }
    const tokenLength = end - i
    for (let k = i; k < end; k++) {
      const cp = cps[k]!
      const code = cp < 128 && (kinds[k] !== DIGIT || hasLetter) ? READ[cp]! : cp
      const merge =
        count > 0 && letters[count - 1] === code && (k > i || (tokenLength === 1 && lastTokenLength === 1))
      if (merge) {
        if (runs[count - 1]! < 65535) runs[count - 1]!++
      } else {
        letters[count] = code
        runs[count] = 1
        gaps[count] = k === i ? gap : GAP_NONE
        count++
      }
    }
    lastTokenLength = tokenLength
    gap = GAP_NONE
    i = end
  }
  gaps[count] = GAP_HARD
  return { text, count, letters: letters.subarray(0, count), runs: runs.subarray(0, count), gaps: gaps.subarray(0, count + 1) }
}

/** A copy that later calls do not overwrite. */
export function copyOf(n: Normalized): Normalized {
  return { text: n.text, count: n.count, letters: n.letters.slice(), runs: n.runs.slice(), gaps: n.gaps.slice() }
}

/** The keyword stream as a string (for tests and for telling texts apart): letters, a run's length when above 1, gaps as `.` and ` `. */
export function describe(n: Normalized): string {
  let out = ''
  for (let i = 0; i < n.count; i++) {
    if (i > 0 && n.gaps[i] === GAP_SOFT) out += '.'
    if (i > 0 && n.gaps[i] === GAP_HARD) out += ' '
    out += String.fromCodePoint(n.letters[i]!)
    if (n.runs[i]! > 1) out += n.runs[i]
  }
  return out
}

/**
 * What makes two texts "the same or near-same" for flood: their letters with runs, gaps and
 * digits left out; the folded text when there are no letters (emoji, numbers).
 */
export function sameTextKey(n: Normalized): string {
  let out = ''
  for (let i = 0; i < n.count && out.length < 500; i++) {
    const c = n.letters[i]!
    if (c < 48 || c > 57) out += String.fromCodePoint(c)
  }
  return out || n.text.replace(/\s+/g, ' ').trim().slice(0, 500)
}

// Keyword lists matched in one pass over the keyword stream (normalize.ts) with an Aho-Corasick
// automaton; every hit is then checked against what the stream alone cannot say: repeated
// letters (a term's `ss` needs two s's), the gaps inside the hit (`fu.ck` and `f u c k` count,
// `fu ck` does not), word boundaries, `*` wildcards, and the allow list. Pure.
import { copyOf, GAP_HARD, GAP_NONE, normalize, type Normalized } from './normalize'

export const MAX_TERM_LENGTH = 60

export interface KeywordList {
  terms: string[]
  allow?: string[]
  wholeWord?: boolean
}

interface Term {
  list: number
  source: string
  allow: boolean
  wholeWord: boolean
  /** `*` at the start or end: the word may go on that way. */
  openStart: boolean
  openEnd: boolean
  /** The parts between `*`s, read like text; `anchor` is the longest, the one the automaton looks for. */
  pieces: Normalized[]
  anchor: number
}

export interface KeywordHit {
  list: number
  term: string
}

export class KeywordError extends Error {
  override name = 'KeywordError'
  constructor(
    message: string,
    readonly term: string,
  ) {
    super(message)
  }
}

/** Reads one term; throws KeywordError when it has nothing to match. */
function readTerm(source: string, list: number, opts: { allow: boolean; wholeWord: boolean }): Term {
  if (source.length > MAX_TERM_LENGTH) throw new KeywordError(`a term has at most ${MAX_TERM_LENGTH} characters`, source)
  const raw = opts.allow ? source.replaceAll('*', ' ') : source
  const parts = raw.split('*')
  const pieces = parts.map((p) => copyOf(normalize(p))).filter((p) => p.count > 0)
  if (pieces.length === 0) throw new KeywordError('a term needs at least one letter or digit', source)
  let anchor = 0
  pieces.forEach((p, i) => {
    if (p.count > pieces[anchor]!.count) anchor = i
  })
  return {
    list,
    source,
    allow: opts.allow,
    wholeWord: opts.wholeWord,
    openStart: !opts.allow && parts[0]!.trim() === '',
    openEnd: !opts.allow && parts[parts.length - 1]!.trim() === '',
    pieces,
    anchor,
  }
}

const DENSE_LIMIT = 4_000_000
const NO_HITS: KeywordHit[] = []

export class KeywordMatcher {
  private readonly terms: Term[] = []
  private readonly asciiClass = new Int32Array(128)
  private readonly otherClass = new Map<number, number>()
  private readonly classes: number
  /** Dense transitions (state * classes + class), or null when too large: then goto + fail. */
  private readonly delta: Int32Array | null
  private readonly goto = new Map<number, number>()
  private readonly fail: Int32Array
  private readonly outputs: number[][]
  /** The nearest state down the fail chain that has outputs of its own, or -1. */
  private readonly dict: Int32Array
  private readonly hasOut: Uint8Array

  constructor(lists: KeywordList[]) {
    lists.forEach((list, i) => {
      const wholeWord = list.wholeWord ?? true
      for (const t of list.terms) this.terms.push(readTerm(t, i, { allow: false, wholeWord }))
      for (const t of list.allow ?? []) this.terms.push(readTerm(t, i, { allow: true, wholeWord: false }))
    })
    let classes = 1
    const classOf = (c: number) => {
      if (c < 128) return this.asciiClass[c] || (this.asciiClass[c] = classes++)
      let k = this.otherClass.get(c)
      if (k === undefined) this.otherClass.set(c, (k = classes++))
      return k
    }
    // The trie of anchors.
    const children: Map<number, number>[] = [new Map()]
    const own: number[][] = [[]]
    this.terms.forEach((term, id) => {
      const key = term.pieces[term.anchor]!
      let s = 0
      for (let i = 0; i < key.count; i++) {
        const cls = classOf(key.letters[i]!)
        let next = children[s]!.get(cls)
        if (next === undefined) {
          next = children.length
          children.push(new Map())
          own.push([])
          children[s]!.set(cls, next)
        }
        s = next
      }
      own[s]!.push(id)
    })
    this.classes = classes
    const states = children.length
    this.fail = new Int32Array(states)
    this.dict = new Int32Array(states).fill(-1)
    this.outputs = own
    this.delta = states * classes <= DENSE_LIMIT ? new Int32Array(states * classes) : null
    const order: number[] = [0]
    for (let q = 0; q < order.length; q++) {
      const s = order[q]!
      for (const [cls, child] of children[s]!) {
        order.push(child)
        if (s !== 0) {
          let f = this.fail[s]!
          while (f !== 0 && !children[f]!.has(cls)) f = this.fail[f]!
          this.fail[child] = children[f]!.get(cls) ?? 0
        }
        const f = this.fail[child]!
        this.dict[child] = own[f]!.length > 0 ? f : this.dict[f]!
      }
      for (const [cls, child] of children[s]!) this.goto.set(s * classes + cls, child)
      if (this.delta) {
        for (let cls = 1; cls < classes; cls++) {
          const child = children[s]!.get(cls)
          this.delta[s * classes + cls] = child ?? (s === 0 ? 0 : this.delta[this.fail[s]! * classes + cls]!)
        }
      }
    }
    this.hasOut = new Uint8Array(states).map((_, s) => (own[s]!.length > 0 || this.dict[s]! >= 0 ? 1 : 0))
  }

  get size(): number {
    return this.terms.length
  }

  /** For each list, the first term that hits the text (allow lists taken into account). */
  match(text: Normalized): KeywordHit[] {
    const { letters, count } = text
    const classes = this.classes
    let s = 0
    let hits: { term: number; start: number; end: number }[] | undefined
    for (let i = 0; i < count; i++) {
      const c = letters[i]!
      const cls = c < 128 ? this.asciiClass[c]! : (this.otherClass.get(c) ?? 0)
      if (cls === 0) s = 0
      else if (this.delta) s = this.delta[s * classes + cls]!
      else s = this.step(s, cls)
      if (!this.hasOut[s]) continue
      for (let o = this.outputs[s]!.length ? s : this.dict[s]!; o >= 0; o = this.dict[o]!) {
        for (const id of this.outputs[o]!) {
          const span = this.verify(this.terms[id]!, text, i)
          if (span) (hits ??= []).push({ term: id, ...span })
        }
      }
    }
    if (!hits) return NO_HITS
    const out: KeywordHit[] = []
    const done = new Set<number>()
    for (const hit of hits) {
      const term = this.terms[hit.term]!
      if (term.allow || done.has(term.list)) continue
      const allowed = hits.some((a) => {
        const other = this.terms[a.term]!
        return other.allow && other.list === term.list && a.start <= hit.start && a.end >= hit.end
      })
      if (allowed) continue
      done.add(term.list)
      out.push({ list: term.list, term: term.source })
    }
    return out
  }

  private step(s: number, cls: number): number {
    for (;;) {
      const next = this.goto.get(s * this.classes + cls)
      if (next !== undefined) return next
      if (s === 0) return 0
      s = this.fail[s]!
    }
  }

  /** Whether the anchor found ending at `end` is a real hit of the term; its span in the stream. */
  private verify(term: Term, text: Normalized, end: number): { start: number; end: number } | undefined {
    const key = term.pieces[term.anchor]!
    const start = end - key.count + 1
    if (!fits(key, text, start)) return undefined
    if (term.pieces.length === 1) {
      if (term.wholeWord && !term.openStart && text.gaps[start] === GAP_NONE) return undefined
      if (term.wholeWord && !term.openEnd && text.gaps[end + 1] === GAP_NONE) return undefined
      return { start, end }
    }
    return glob(term, text, start, end)
  }
}

/** The piece sits at `at`: same letters, runs at least as long, and a gap pattern a person would read as one word. */
function fits(piece: Normalized, text: Normalized, at: number): boolean {
  if (at < 0 || at + piece.count > text.count) return false
  let hard = false
  let joined = false
  for (let k = 0; k < piece.count; k++) {
    if (text.letters[at + k] !== piece.letters[k] || text.runs[at + k]! < piece.runs[k]!) return false
    if (k === 0 || piece.gaps[k] !== GAP_NONE) continue
    const gap = text.gaps[at + k]!
    if (gap === GAP_HARD) hard = true
    if (gap === GAP_NONE) joined = true
  }
  // Letters may be split by punctuation (fu.ck), or all spaced out (f u c k), but not split by a space inside a word.
  return !(hard && joined)
}

/** A term with `*` inside: its pieces in order within the word around the anchor. */
function glob(term: Term, text: Normalized, anchorStart: number, anchorEnd: number): { start: number; end: number } | undefined {
  let w0 = anchorStart
  while (w0 > 0 && text.gaps[w0] === GAP_NONE) w0--
  let w1 = anchorEnd
  while (w1 + 1 < text.count && text.gaps[w1 + 1] === GAP_NONE) w1++
  const anchoredStart = term.wholeWord && !term.openStart
  const anchoredEnd = term.wholeWord && !term.openEnd
  let pos = w0
  let first = -1
  let last = -1
  for (let p = 0; p < term.pieces.length; p++) {
    const piece = term.pieces[p]!
    const isLast = p === term.pieces.length - 1
    let at = -1
    if (isLast && anchoredEnd) {
      const candidate = w1 - piece.count + 1
      if (candidate >= pos && fits(piece, text, candidate)) at = candidate
    } else if (p === 0 && anchoredStart) {
      if (fits(piece, text, w0)) at = w0
    } else {
      for (let k = pos; k + piece.count - 1 <= w1; k++) {
        if (fits(piece, text, k)) {
          at = k
          break
        }
      }
    }
    if (at < 0) return undefined
    if (first < 0) first = at
    last = at + piece.count - 1
    pos = last + 1
  }
  return { start: first, end: last }
}

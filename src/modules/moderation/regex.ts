// Admin-written patterns, parsed into a Thompson NFA that dfa.ts runs in linear time. Pure.
//
// The syntax is the usual one minus everything a backtracking engine needs: no backreferences,
// no lookaround, no possessive or atomic groups. Nested repetition (`(a+)+`) is refused as well:
// this engine would run it in linear time, but it is the classic catastrophic pattern elsewhere
// and always has a flat equivalent, so a rule stays portable. Matching is case-insensitive on
// folded text (normalize.ts), so literals are folded the same way.
import { foldChar } from './normalize'

export const MAX_PATTERN_LENGTH = 200
const MAX_REPEAT = 100
/**
 * NFA instructions per pattern and per community (all patterns of all rules together): they bound
 * the work of building one DFA state, which is the worst case per character.
 */
const MAX_INSTRUCTIONS = 1000
export const MAX_PROGRAM_INSTRUCTIONS = 5000
const MAX_CP = 0x10ffff

/** A set of code points as sorted, disjoint, inclusive [lo, hi] pairs. */
export type Ranges = number[]

type Node =
  | { t: 'set'; ranges: Ranges }
  | { t: 'cat'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number }
  | { t: 'assert'; kind: AssertKind }

export type AssertKind = 'bol' | 'eol' | 'word' | 'notword'

export class PatternError extends Error {
  override name = 'PatternError'
}

const WORD: Ranges = [48, 57, 65, 90, 95, 95, 97, 122]
const DIGITS: Ranges = [48, 57]
const SPACE: Ranges = [9, 13, 32, 32, 0xa0, 0xa0, 0x2000, 0x200a, 0x2028, 0x2029, 0x3000, 0x3000]

export function normalizeRanges(r: Ranges): Ranges {
  const pairs: [number, number][] = []
  for (let i = 0; i < r.length; i += 2) pairs.push([r[i]!, r[i + 1]!])
  pairs.sort((a, b) => a[0] - b[0])
  const out: Ranges = []
  for (const [lo, hi] of pairs) {
    const last = out.length - 1
    if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi)
    else out.push(lo, hi)
  }
  return out
}

export function negate(r: Ranges): Ranges {
  const out: Ranges = []
  let next = 0
  for (let i = 0; i < r.length; i += 2) {
    if (r[i]! > next) out.push(next, r[i]! - 1)
    next = r[i + 1]! + 1
  }
  if (next <= MAX_CP) out.push(next, MAX_CP)
  return out
}

/** Adds what text folding turns the set's members into (capitals to small letters, look-alikes to Latin). */
function caseFold(r: Ranges): Ranges {
  const extra: Ranges = []
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i]!
    const hi = r[i + 1]!
    const [a, b] = [Math.max(lo, 65), Math.min(hi, 90)]
    if (a <= b) extra.push(a + 32, b + 32)
    if (hi - lo <= 256) {
      for (let c = Math.max(lo, 128); c <= hi; c++) {
        const f = foldChar(c)
        if (f !== undefined && f !== c) extra.push(f, f)
      }
    }
  }
  return extra.length ? normalizeRanges([...r, ...extra]) : r
}

class Parser {
  private i = 0
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation()
    if (this.i < this.src.length) throw this.fail(this.src[this.i] === ')' ? 'unbalanced )' : `unexpected ${this.src[this.i]}`)
    return node
  }

  private fail(message: string) {
    return new PatternError(`${message} at position ${this.i}`)
  }

  private peek() {
    return this.src[this.i]
  }

  private alternation(): Node {
    const items = [this.concatenation()]
    while (this.peek() === '|') {
      this.i++
      items.push(this.concatenation())
    }
    return items.length === 1 ? items[0]! : { t: 'alt', items }
  }

  private concatenation(): Node {
    const items: Node[] = []
    while (this.i < this.src.length && this.peek() !== '|' && this.peek() !== ')') items.push(this.repetition())
    return { t: 'cat', items }
  }

  private repetition(): Node {
    let node = this.atom()
    for (;;) {
      const c = this.peek()
      let min: number
      let max: number
      if (c === '*') [min, max] = [0, Infinity]
      else if (c === '+') [min, max] = [1, Infinity]
      else if (c === '?') [min, max] = [0, 1]
      else if (c === '{' && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i))!
        min = Number(m[1])
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
        if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) throw this.fail(`a count above ${MAX_REPEAT}`)
        if (max < min) throw this.fail('a count range upside down')
        this.i += m[0].length - 1
      } else return node
      this.i++
      if (this.peek() === '?') this.i++ // lazy: the same set of matches
      else if (this.peek() === '+') throw this.fail('possessive repetition is not supported')
      if (node.t === 'assert') throw this.fail('nothing to repeat')
      if (max > 1 && hasUnboundedRepeat(node)) {
        throw this.fail('nested repetition such as (a+)+ can take exponential time in other engines; write it without the outer repeat')
      }
      node = { t: 'rep', node, min, max }
    }
  }

  private atom(): Node {
    const c = this.src[this.i++]
    switch (c) {
      case '(':
        return this.group()
      case '[':
        return { t: 'set', ranges: this.charClass() }
      case '.':
        return { t: 'set', ranges: [0, 9, 11, MAX_CP] }
      case '^':
        return { t: 'assert', kind: 'bol' }
      case '$':
        return { t: 'assert', kind: 'eol' }
      case '\\':
        return this.escape(false) as Node
      case '*':
      case '+':
      case '?':
        throw this.fail('nothing to repeat')
      case '{':
        return literal(123)
      case ']':
      case '}':
        return literal(c.charCodeAt(0))
      default: {
        const cp = this.src.codePointAt(this.i - 1)!
        if (cp > 0xffff) this.i++
        return literal(cp)
      }
    }
  }

  private group(): Node {
    if (this.peek() === '?') {
      const next = this.src[this.i + 1]
      if (next === ':') this.i += 2
      else if (next === '<' && /^\?<[A-Za-z_][A-Za-z0-9_]*>/.test(this.src.slice(this.i))) {
        this.i = this.src.indexOf('>', this.i) + 1
      } else if (next === 'P' && this.src[this.i + 2] === '<') {
        this.i = this.src.indexOf('>', this.i) + 1
        if (this.i === 0) throw this.fail('unterminated group name')
      } else if (next === '=' || next === '!' || next === '<') {
        throw this.fail('lookaround cannot run in linear time')
      } else if (next === '>') {
        throw this.fail('atomic groups are not supported')
      } else throw this.fail('unsupported group flag')
    }
    const node = this.alternation()
    if (this.src[this.i++] !== ')') throw this.fail('missing )')
    return node
  }

  /** After a backslash. Inside a class, assertions are refused and `\b` is not special. */
  private escape(inClass: boolean): Node | Ranges {
    const c = this.src[this.i++]
    if (c === undefined) throw this.fail('trailing backslash')
    const set = (r: Ranges) => (inClass ? r : ({ t: 'set', ranges: r } as Node))
    switch (c) {
      case 'd':
        return set(DIGITS)
      case 'D':
        return set(negate(DIGITS))
      case 'w':
        return set(WORD)
      case 'W':
        return set(negate(WORD))
      case 's':
        return set(SPACE)
      case 'S':
        return set(negate(SPACE))
      case 'b':
        if (inClass) throw this.fail('\\b inside a class')
        return { t: 'assert', kind: 'word' }
      case 'B':
        if (inClass) throw this.fail('\\B inside a class')
        return { t: 'assert', kind: 'notword' }
      case 'A':
        if (inClass) throw this.fail('\\A inside a class')
        return { t: 'assert', kind: 'bol' }
      case 'z':
        if (inClass) throw this.fail('\\z inside a class')
        return { t: 'assert', kind: 'eol' }
      case 'k':
        throw this.fail('backreferences cannot run in linear time')
      case 'n':
        return set([10, 10])
      case 't':
        return set([9, 9])
      case 'r':
        return set([13, 13])
      case 'f':
        return set([12, 12])
      case 'v':
        return set([11, 11])
      case '0':
        return set([0, 0])
      case 'x': {
        const m = /^([0-9a-fA-F]{2}|\{[0-9a-fA-F]{1,6}\})/.exec(this.src.slice(this.i))
        if (!m) throw this.fail('bad \\x escape')
        this.i += m[0].length
        const cp = parseInt(m[0].replace(/[{}]/g, ''), 16)
        if (cp > MAX_CP) throw this.fail('code point out of range')
        return set([cp, cp])
      }
      case 'u': {
        const m = /^([0-9a-fA-F]{4}|\{[0-9a-fA-F]{1,6}\})/.exec(this.src.slice(this.i))
        if (!m) throw this.fail('bad \\u escape')
        this.i += m[0].length
        const cp = parseInt(m[0].replace(/[{}]/g, ''), 16)
        if (cp > MAX_CP) throw this.fail('code point out of range')
        return set([cp, cp])
      }
      case 'p':
      case 'P':
        throw this.fail('Unicode property classes are not supported')
      default:
        if (/[1-9]/.test(c)) throw this.fail('backreferences cannot run in linear time')
        if (/[A-Za-z]/.test(c)) throw this.fail(`unknown escape \\${c}`)
        return set(caseFold([c.codePointAt(0)!, c.codePointAt(0)!]))
    }
  }

  private charClass(): Ranges {
    let negated = false
    if (this.peek() === '^') {
      negated = true
      this.i++
    }
    const ranges: Ranges = []
    let first = true
    for (;;) {
      if (this.i >= this.src.length) throw this.fail('missing ]')
      const c = this.peek()
      if (c === ']' && !first) {
        this.i++
        break
      }
      first = false
      const lo = this.classAtom()
      if (typeof lo !== 'number') {
        ranges.push(...lo)
        continue
      }
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++
        const hi = this.classAtom()
        if (typeof hi !== 'number') throw this.fail('a range ends in a class')
        if (hi < lo) throw this.fail('a range upside down')
        ranges.push(lo, hi)
      } else ranges.push(lo, lo)
    }
    const set = caseFold(normalizeRanges(ranges))
    return negated ? negate(set) : set
  }

  /** One character of a class (its code point) or an escape that stands for a set. */
  private classAtom(): number | Ranges {
    if (this.src[this.i] === '[' && this.src[this.i + 1] === ':') throw this.fail('POSIX classes are not supported')
    if (this.src[this.i] === '\\') {
      this.i++
      const r = this.escape(true) as Ranges
      return r.length === 2 && r[0] === r[1] ? r[0]! : r
    }
    const cp = this.src.codePointAt(this.i)!
    this.i += cp > 0xffff ? 2 : 1
    return cp
  }
}

function literal(cp: number): Node {
  return { t: 'set', ranges: caseFold([cp, cp]) }
}

function hasUnboundedRepeat(node: Node): boolean {
  switch (node.t) {
    case 'rep':
      return node.max === Infinity || hasUnboundedRepeat(node.node)
    case 'cat':
    case 'alt':
      return node.items.some(hasUnboundedRepeat)
    default:
      return false
  }
}

// The program: one flat list of instructions shared by every pattern of a matcher.
export const OP_SET = 0
export const OP_SPLIT = 1
export const OP_ASSERT = 2
export const OP_MATCH = 3
export const OP_JUMP = 4

export interface Instruction {
  op: number
  /** OP_SET: index into `sets`; OP_ASSERT: the kind; OP_MATCH: the pattern index. */
  arg: number
  next: number
  /** OP_SPLIT: the second branch. */
  alt: number
}

export const ASSERT_KINDS: AssertKind[] = ['bol', 'eol', 'word', 'notword']

export interface Program {
  insts: Instruction[]
  sets: Ranges[]
  /** The first instruction of each pattern. */
  starts: number[]
}

/** Parses one pattern; throws PatternError saying what is wrong. */
export function parsePattern(source: string): Node {
  if (source.length === 0) throw new PatternError('an empty pattern matches everything')
  if (source.length > MAX_PATTERN_LENGTH) throw new PatternError(`a pattern has at most ${MAX_PATTERN_LENGTH} characters`)
  return new Parser(source).parse()
}

/** Compiles patterns into one program (pattern i reports OP_MATCH with arg i). */
export function compileProgram(patterns: string[]): Program {
  const program: Program = { insts: [], sets: [], starts: [] }
  patterns.forEach((source, index) => {
    const before = program.insts.length
    const node = parsePattern(source)
    const emitter = new Emitter(program)
    const match = emitter.push({ op: OP_MATCH, arg: index, next: -1, alt: -1 })
    program.starts.push(emitter.emit(node, match))
    if (program.insts.length - before > MAX_INSTRUCTIONS) {
      throw new PatternError(`pattern ${index + 1} is too large once its counted repeats are expanded`)
    }
  })
  return program
}

class Emitter {
  constructor(private readonly p: Program) {}

  push(inst: Instruction): number {
    this.p.insts.push(inst)
    if (this.p.insts.length > MAX_PROGRAM_INSTRUCTIONS) throw new PatternError('the patterns of this community are too large together')
    return this.p.insts.length - 1
  }

  /** Emits `node` so that it continues at `next`; returns its entry. Built back to front. */
  emit(node: Node, next: number): number {
    switch (node.t) {
      case 'set': {
        this.p.sets.push(node.ranges)
        return this.push({ op: OP_SET, arg: this.p.sets.length - 1, next, alt: -1 })
      }
      case 'assert':
        return this.push({ op: OP_ASSERT, arg: ASSERT_KINDS.indexOf(node.kind), next, alt: -1 })
      case 'cat': {
        let entry = next
        for (let k = node.items.length - 1; k >= 0; k--) entry = this.emit(node.items[k]!, entry)
        return entry
      }
      case 'alt': {
        let entry = this.emit(node.items[node.items.length - 1]!, next)
        for (let k = node.items.length - 2; k >= 0; k--) {
          const branch = this.emit(node.items[k]!, next)
          entry = this.push({ op: OP_SPLIT, arg: 0, next: branch, alt: entry })
        }
        return entry
      }
      case 'rep': {
        let entry = next
        if (node.max === Infinity) {
          // x*: a loop (split into x, or on); the body jumps back to the split.
          const loop = this.push({ op: OP_SPLIT, arg: 0, next: -1, alt: next })
          const body = this.emit(node.node, loop)
          this.p.insts[loop]!.next = body
          entry = loop
        } else {
          for (let k = node.min; k < node.max; k++) {
            const body = this.emit(node.node, entry)
            entry = this.push({ op: OP_SPLIT, arg: 0, next: body, alt: next })
          }
        }
        for (let k = 0; k < node.min; k++) entry = this.emit(node.node, entry)
        return entry
      }
    }
  }
}

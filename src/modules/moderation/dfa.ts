// Runs a set of patterns over a text in one pass, in time linear in the text: a DFA built lazily
// from the NFA program (regex.ts), one state per set of NFA positions. A state is built the first
// time it is reached (at most the program's size in work) and then costs one table look-up per
// character. The cache of states is bounded; when full it starts over, which keeps the bound.
import { ASSERT_KINDS, compileProgram, OP_ASSERT, OP_JUMP, OP_MATCH, OP_SET, OP_SPLIT, type Program } from './regex'

const MAX_STATES = 2000
const FLAG_PREV_WORD = 1
const FLAG_AT_START = 2
const BOL = ASSERT_KINDS.indexOf('bol')
const EOL = ASSERT_KINDS.indexOf('eol')
const WORD = ASSERT_KINDS.indexOf('word')
const NONE: number[] = []

interface State {
  pcs: Int32Array
  flags: number
}

export class PatternSet {
  readonly size: number
  private readonly program: Program
  /** Class k holds the code points from bounds[k] to bounds[k + 1] - 1. */
  private readonly bounds: Int32Array
  private readonly asciiClass = new Int32Array(128)
  private readonly classIsWord: Uint8Array
  private readonly classes: number
  /** Per set instruction: 1 where the class is in the set. */
  private readonly setHas: Uint8Array[]

  private keys = new Map<string, number>()
  private states: State[] = []
  private trans = new Int32Array(0)
  private transMatch = new Int32Array(0)
  private endMatch = new Int32Array(0)
  private matchSets: number[][] = [[]]
  private matchKeys = new Map<string, number>([['', 0]])
  // Scratch for closures.
  private mark: Int32Array
  private stamp = 0
  private stack: number[] = []

  constructor(patterns: string[]) {
    this.program = compileProgram(patterns)
    this.size = patterns.length
    const cuts = new Set<number>([0, 48, 58, 65, 91, 95, 96, 97, 123, 128])
    for (const set of this.program.sets) {
      for (let i = 0; i < set.length; i += 2) {
        cuts.add(set[i]!)
        cuts.add(set[i + 1]! + 1)
      }
    }
    this.bounds = Int32Array.from([...cuts].filter((c) => c <= 0x10ffff).sort((a, b) => a - b))
    this.classes = this.bounds.length
    for (let c = 0; c < 128; c++) this.asciiClass[c] = this.search(c)
    this.classIsWord = new Uint8Array(this.classes).map((_, k) => {
      const c = this.bounds[k]!
      return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95 || (c >= 97 && c <= 122) ? 1 : 0
    })
    this.setHas = this.program.sets.map((ranges) => {
      const has = new Uint8Array(this.classes)
      for (let k = 0; k < this.classes; k++) {
        const c = this.bounds[k]!
        for (let i = 0; i < ranges.length; i += 2) {
          if (c >= ranges[i]! && c <= ranges[i + 1]!) {
            has[k] = 1
            break
          }
        }
      }
      return has
    })
    this.mark = new Int32Array(this.program.insts.length)
    this.reset()
  }

  /** Indexes of the patterns that match somewhere in `text` (already folded). */
  matches(text: string): number[] {
    // Most texts match nothing: no allocation until something does.
    let found: Uint8Array | undefined
    let left = this.size
    const classes = this.classes
    let s = 0
    for (let i = 0; i < text.length && left > 0; i++) {
      let cp = text.charCodeAt(i)
      if (cp >= 0xd800 && cp <= 0xdbff) {
        cp = text.codePointAt(i)!
        if (cp > 0xffff) i++
      }
      const cls = cp < 128 ? this.asciiClass[cp]! : this.search(cp)
      const at = s * classes + cls
      let next = this.trans[at]!
      let matchSet: number
      if (next < 0) [next, matchSet] = this.build(s, cls)
      else matchSet = this.transMatch[at]!
      if (matchSet) left -= this.record((found ??= new Uint8Array(this.size)), matchSet)
      s = next
    }
    if (left > 0) {
      let end = this.endMatch[s]!
      if (end < 0) end = this.endMatch[s] = this.closure(this.states[s]!, false, true).matchSet
      if (end) this.record((found ??= new Uint8Array(this.size)), end)
    }
    if (!found) return NONE
    const out: number[] = []
    for (let p = 0; p < this.size; p++) if (found[p]) out.push(p)
    return out
  }

  /** Marks a match set's patterns found; answers how many were new. */
  private record(found: Uint8Array, setId: number): number {
    let added = 0
    for (const p of this.matchSets[setId]!) {
      if (!found[p]) {
        found[p] = 1
        added++
      }
    }
    return added
  }

  private search(cp: number): number {
    let lo = 0
    let hi = this.bounds.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.bounds[mid]! <= cp) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  private reset() {
    this.keys.clear()
    this.states = []
    this.trans = new Int32Array(64 * this.classes).fill(-1)
    this.transMatch = new Int32Array(64 * this.classes)
    this.endMatch = new Int32Array(64).fill(-1)
    this.matchSets = [[]]
    this.matchKeys = new Map([['', 0]])
    this.intern(Int32Array.from(this.program.starts).sort(), FLAG_AT_START)
  }

  private intern(pcs: Int32Array, flags: number): number {
    const key = `${flags}|${pcs.join(',')}`
    const known = this.keys.get(key)
    if (known !== undefined) return known
    const id = this.states.length
    this.states.push({ pcs, flags })
    this.keys.set(key, id)
    if ((id + 1) * this.classes > this.trans.length) {
      const grown = new Int32Array(this.trans.length * 2).fill(-1)
      grown.set(this.trans)
      this.trans = grown
      const grownMatch = new Int32Array(this.transMatch.length * 2)
      grownMatch.set(this.transMatch)
      this.transMatch = grownMatch
      const grownEnd = new Int32Array(this.endMatch.length * 2).fill(-1)
      grownEnd.set(this.endMatch)
      this.endMatch = grownEnd
    }
    return id
  }

  /** The transition of state `s` on class `cls`: [next state, match set ending before the character]. */
  private build(s: number, cls: number): [number, number] {
    let state = this.states[s]!
    if (this.states.length >= MAX_STATES) {
      this.reset()
      s = this.intern(state.pcs, state.flags)
      state = this.states[s]!
    }
    const nextWord = this.classIsWord[cls] === 1
    const { sets, matchSet } = this.closure(state, nextWord, false)
    const next = new Set<number>(this.program.starts)
    for (const pc of sets) {
      const inst = this.program.insts[pc]!
      if (this.setHas[inst.arg]![cls]) next.add(inst.next)
    }
    const target = this.intern(Int32Array.from(next).sort(), nextWord ? FLAG_PREV_WORD : 0)
    this.trans[s * this.classes + cls] = target
    this.transMatch[s * this.classes + cls] = matchSet
    return [target, matchSet]
  }

  /** Follows splits, jumps and the assertions that hold between the previous and next character. */
  private closure(state: State, nextWord: boolean, atEnd: boolean): { sets: number[]; matchSet: number } {
    const stamp = ++this.stamp
    const prevWord = (state.flags & FLAG_PREV_WORD) !== 0
    const atStart = (state.flags & FLAG_AT_START) !== 0
    const sets: number[] = []
    const matched: number[] = []
    const stack = this.stack
    for (let k = state.pcs.length - 1; k >= 0; k--) stack.push(state.pcs[k]!)
    while (stack.length) {
      const pc = stack.pop()!
      if (pc < 0 || this.mark[pc] === stamp) continue
      this.mark[pc] = stamp
      const inst = this.program.insts[pc]!
      switch (inst.op) {
        case OP_SET:
          sets.push(pc)
          break
        case OP_MATCH:
          matched.push(inst.arg)
          break
        case OP_JUMP:
          stack.push(inst.next)
          break
        case OP_SPLIT:
          stack.push(inst.alt, inst.next)
          break
        case OP_ASSERT: {
          const holds =
            inst.arg === BOL ? atStart : inst.arg === EOL ? atEnd : inst.arg === WORD ? prevWord !== nextWord : prevWord === nextWord
          if (holds) stack.push(inst.next)
          break
        }
      }
    }
    return { sets, matchSet: this.matchSetId(matched) }
  }

  private matchSetId(patterns: number[]): number {
    if (patterns.length === 0) return 0
    const sorted = [...new Set(patterns)].sort((a, b) => a - b)
    const key = sorted.join(',')
    let id = this.matchKeys.get(key)
    if (id === undefined) {
      id = this.matchSets.length
      this.matchSets.push(sorted)
      this.matchKeys.set(key, id)
    }
    return id
  }
}

import { describe, expect, test } from 'bun:test'
import { PatternSet } from '../../../src/modules/moderation/dfa'
import { foldText } from '../../../src/modules/moderation/normalize'
import { PatternError } from '../../../src/modules/moderation/regex'

const matches = (patterns: string[], text: string) => new PatternSet(patterns).matches(foldText(text))

describe('patterns match like the usual syntax, case-insensitively on folded text', () => {
  test.each([
    ['buy\\s+cheap\\s+\\w+', 'please BUY  cheap pills', true],
    ['free\\s+(money|crypto|nitro)', 'Free Nitro here', true],
    ['\\bcat\\b', 'a cat here', true],
    ['\\bcat\\b', 'concatenate', false],
    ['^hello', 'hello there', true],
    ['^hello', 'oh hello', false],
    ['bye$', 'good bye', true],
    ['bye$', 'bye now', false],
    ['colou?r', 'color', true],
    ['\\d{3}-\\d{4}', 'call 555-1234', true],
    ['a{2,3}b', 'ab', false],
    ['[^a-z ]', 'only letters here', false],
    ['[^a-z ]', 'a digit 7', true],
    ['disc[o0]rd\\.gg', 'ｄｉｓｃｏｒｄ.gg', true],
    ['discord\\.gg', 'disсord.gg (Cyrillic с)', true],
    ['(?:https?://)?bit\\.ly/\\S+', 'see bit.ly/xyz', true],
    ['x.y', 'x😀y', true],
  ])('%s on %s: %p', (pattern, text, expected) => {
    expect(matches([pattern], text).length === 1).toBe(expected)
  })

  test('several patterns answer which of them matched', () => {
    expect(matches(['foo', 'bar', 'baz'], 'bar and baz')).toEqual([1, 2])
  })
})

describe('a pattern that needs backtracking is refused', () => {
  test.each([
    ['nested repetition', '(a+)+$'],
    ['nested star', '(a*)*b'],
    ['nested repetition over a group', '(\\w+\\s?)*$'],
    ['a counted repeat of a repeat', '(a+){2,5}'],
    ['lookahead', 'foo(?=bar)'],
    ['negative lookbehind', '(?<!x)y'],
    ['backreference', '(a)\\1'],
    ['named backreference', '(?<w>a)\\k<w>'],
    ['atomic group', '(?>a)'],
    ['possessive', 'a++'],
  ])('%s: %s', (_name, pattern) => {
    expect(() => new PatternSet([pattern])).toThrow(PatternError)
  })

  test.each([
    ['unbalanced', '(abc'],
    ['nothing to repeat', '*a'],
    ['range upside down', '[z-a]'],
    ['huge count', 'a{1000}'],
    ['too long', 'a'.repeat(201)],
    ['too large once expanded', '(?:[a-z]{100}){11}'],
  ])('malformed or too big (%s) is refused', (_name, pattern) => {
    expect(() => new PatternSet([pattern])).toThrow(PatternError)
  })
})

describe('no pattern can stall the process', () => {
  test('ambiguous alternation on a long run of a: linear', () => {
    const set = new PatternSet(['(a|aa)*c', 'a*a*a*a*a*b'])
    const started = performance.now()
    expect(set.matches('a'.repeat(4000))).toEqual([])
    expect(performance.now() - started).toBeLessThan(50)
  })

  test('a pattern whose DFA would blow up (state cache thrashing) stays bounded on 4,000 characters', () => {
    const set = new PatternSet(['(a|b)*a(a|b){15}c', '(a|b)*b(a|b){14}$'])
    let text = ''
    for (let i = 0; i < 4000; i++) text += i * 7919 % 3 === 0 ? 'a' : 'b'
    const started = performance.now()
    set.matches(text)
    expect(performance.now() - started).toBeLessThan(250)
  })
})

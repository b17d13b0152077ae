import { describe, expect, test } from 'bun:test'
import { compileRules, evaluate } from '../../../src/modules/moderation/automod'
import { describe as stream, normalize } from '../../../src/modules/moderation/normalize'
import { KeywordMatcher } from '../../../src/modules/moderation/keywords'

const BANNED = ['fuck', 'shit', 'cunt', 'ass', 'bitch', 'slut*', 'n*gger']
const matcher = new KeywordMatcher([{ terms: BANNED, allow: ['scunthorpe', 'assassin*', 'class*', 'pass*', 'grass*', 'bass*', 'mass*', 'cass*'] }])
const hits = (text: string) => matcher.match(normalize(text)).map((h) => h.term)

describe('evasions are read as the word they spell', () => {
  test.each([
    ['plain, upper case', 'FUCK this', 'fuck'],
    ['zero-width space inside', 'fu\u200bck', 'fuck'],
    ['zero-width joiner inside', 's\u200dh\u200di\u200dt', 'shit'],
    ['zero-width non-joiner and word joiner', 'cu\u200cn\u2060t', 'cunt'],
    ['bidi override', 'bi\u202etch', 'bitch'],
    ['soft hyphen', 'sh\u00adit', 'shit'],
    ['Cyrillic look-alikes', 'ѕһіt', 'shit'],
    ['Cyrillic a and s in a word', 'bіtсһ', 'bitch'],
    ['Greek omicron and Cyrillic u', 'fսck', 'fuck'],
    ['full-width letters', 'ｆｕｃｋ', 'fuck'],
    ['mathematical bold letters', '𝐬𝐡𝐢𝐭', 'shit'],
    ['circled letters', 'ⓒⓤⓝⓣ', 'cunt'],
    ['accents and Zalgo marks', 'f̷ü̷c̷k̷', 'fuck'],
    ['dots between letters', 'f.u.c.k', 'fuck'],
    ['dashes between letters', 's-h-i-t', 'shit'],
    ['spaced out', 'you f u c k', 'fuck'],
    ['stars between letters', 'c*u*n*t', 'cunt'],
    ['one dot inside', 'bit.ch', 'bitch'],
    ['leetspeak digits', 'sh1t', 'shit'],
    ['leetspeak symbols', '$hit', 'shit'],
    ['at sign for a', '@ss', 'ass'],
    ['mixed leetspeak', 'b!7ch', 'bitch'],
    ['repeated letters', 'fuuuuuuck', 'fuck'],
    ['repeated letters, upper case', 'SHIIIIIT', 'shit'],
    ['spaced out with a double letter', 'a s s', 'ass'],
    ['wildcard end', 'sluts', 'slut*'],
    ['wildcard inside, with leetspeak', 'n1gger', 'n*gger'],
    ['after another word ending in the same letter', 'this shit', 'shit'],
    ['followed by punctuation', 'fuck!', 'fuck'],
    ['hyphenated compound', 'fuck-off', 'fuck'],
  ])('%s: %s', (_name, text, term) => {
    expect(hits(text)).toEqual([term])
  })
})

describe('innocent words pass', () => {
  test.each([
    'Scunthorpe United won',
    'classic class assignments',
    'an assassin passes the grass',
    'the bass was massive',
    'as I said',
    'a shiitake mushroom',
    'Dick Van Dyke is an actor',
    'shitake? no, mushrooms',
    'hello world',
    'I am fine, thanks!',
    'cocktail hour',
    'sussex and essex',
    'the cast of Hamlet',
    '$100 in 2024',
    'fu ck', // split by a space inside a word reads as two words
    'assessment pending',
    'buttons and bitcoins',
    'mississippi',
  ])('%s', (text) => {
    expect(hits(text)).toEqual([])
  })
})

describe('substring terms and the allow list', () => {
  const sub = new KeywordMatcher([{ terms: ['cunt'], wholeWord: false, allow: ['scunthorpe'] }])
  test('a substring term hits inside a word', () => {
    expect(sub.match(normalize('cunts')).length).toBe(1)
  })
  test('an allowed word that contains it passes', () => {
    expect(sub.match(normalize('Scunthorpe')).length).toBe(0)
  })
  test('the term elsewhere in the same text still hits', () => {
    expect(sub.match(normalize('Scunthorpe cunt')).length).toBe(1)
  })
})

describe('normalize', () => {
  test('word boundaries survive: two words stay two', () => {
    const n = normalize('hello world')
    expect(stream(n)).toBe('hei2o worid')
    expect(n.gaps[4]).toBe(2)
  })
  test('a run is kept once with its length', () => {
    const n = normalize('heeeey')
    expect(String.fromCodePoint(...n.letters)).toBe('hey')
    expect([...n.runs]).toEqual([1, 4, 1])
  })
  test('the folded text keeps what patterns need: case folded, look-alikes Latin, invisibles gone', () => {
    expect(normalize('Ｄisсord\u200b.gg').text).toBe('discord.gg')
  })
})

describe('one pass for every rule', () => {
  test('1,000 terms compile and check a text quickly', () => {
    const terms = Array.from({ length: 1000 }, (_, i) => `badword${i.toString(36)}x`)
    const compiled = compileRules([
      { id: 'r', name: 'many', trigger: { kind: 'keywords', terms }, action: { kind: 'block' }, exemptRoles: [], exemptRooms: [], dryRun: false },
    ])
    const subject = (text: string) => ({ text: normalize(text), links: [], ownInvites: new Set<string>(), mentions: 0, flooded: new Set<number>() })
    expect(evaluate(compiled, subject('this has badwordrsx in it')).length).toBe(1)
    const started = performance.now()
    for (let i = 0; i < 1000; i++) evaluate(compiled, subject('an ordinary message about the weekend plans and the match'))
    expect(performance.now() - started).toBeLessThan(200)
  })
})

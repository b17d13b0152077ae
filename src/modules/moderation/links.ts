// Links and invite links in folded text (normalize.ts: lower case, look-alikes folded, so
// `disсord.gg` with a Cyrillic с is discord.gg). A scan over white-space separated words: linear. Pure.

export interface Link {
  host: string
  /** An invite: to another service, or (`hearth`) a Hearth invite code to look up. */
  invite?: { service: string; code: string }
}

// Domains written without a scheme count as links only under these endings (so `node.js` and `e.g.` do not).
const BARE_TLDS = new Set(
  (
    'com net org io gg co me xyz ru info biz tv app dev ly to cc us uk de fr nl eu ca au in jp cn br es it pl se no fi dk ch ' +
    'at be cz ua kz tr ir sa ae il za ng mx ar id my sg ph th vn kr tw hk nz link site online club shop store top live fun ' +
    'space tech click win vip pro porn sex xxx ai fm gl ws la tk ml ga cf gq su icu buzz cam rest bar cyou sbs lol page'
  ).split(' '),
)
const SCHEME = /^([a-z][a-z0-9+.-]{0,20}):\/\//
const HOST = /^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,10}$/
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/
const CODE = /^[a-z0-9_-]{2,64}$/
const WORDS = /[^\s<>"'`()[\]{}]+/g
const TRAILING = /[.,;:!?*]+$/

export function findLinks(text: string, max = 20): Link[] {
  const out: Link[] = []
  if (!text.includes('.')) return out
  for (const match of text.matchAll(WORDS)) {
    const word = match[0].replace(TRAILING, '')
    if (!word.includes('.')) continue
    const link = readLink(word)
    if (link) {
      out.push(link)
      if (out.length >= max) break
    }
  }
  return out
}

function readLink(word: string): Link | undefined {
  const scheme = SCHEME.exec(word)
  const rest = scheme ? word.slice(scheme[0].length) : word
  const cut = rest.search(/[/?#]/)
  let authority = cut < 0 ? rest : rest.slice(0, cut)
  const path = cut < 0 ? '' : rest.slice(cut)
  if (!scheme && authority.includes('@')) return undefined // an e-mail address
  authority = authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d{1,5}$/, '')
  const host = authority.replace(/\.$/, '')
  if (!HOST.test(host)) return undefined
  if (!scheme) {
    const tld = host.slice(host.lastIndexOf('.') + 1)
    if (!BARE_TLDS.has(tld) && !host.startsWith('www.')) return undefined
  } else if (IPV4.test(host) === false && /^\d+(\.\d+)*$/.test(host)) return undefined
  return { host, invite: inviteIn(host, path) }
}

function inviteIn(host: string, path: string): Link['invite'] {
  const segments = path.split(/[?#]/)[0]!.split('/').filter(Boolean)
  const bare = host.replace(/^www\./, '')
  const code = (i: number) => (segments[i] && CODE.test(segments[i]!.replace(/^\+/, '')) ? segments[i]!.replace(/^\+/, '') : undefined)
  let found: string | undefined
  let service = bare
  if (bare === 'discord.gg' || bare === 'dsc.gg') found = code(0)
  else if ((bare === 'discord.com' || bare === 'discordapp.com') && segments[0] === 'invite') found = code(1)
  else if (bare === 't.me' && (segments[0] === 'joinchat' || segments[0]?.startsWith('+'))) found = code(segments[0] === 'joinchat' ? 1 : 0)
  else if (bare === 'chat.whatsapp.com') found = code(0)
  else if (bare === 'guilded.gg' && segments[0] === 'i') found = code(1)
  else if (segments.length >= 2 && (segments[segments.length - 2] === 'invite' || segments[segments.length - 2] === 'invites')) {
    found = code(segments.length - 1)
    service = 'hearth'
  }
  return found ? { service, code: found } : undefined
}

/** Whether `host` is one of `domains` or under one (`*` allows every domain). */
export function domainAllowed(host: string, domains: readonly string[]): boolean {
  for (const d of domains) {
    if (d === '*' || host === d || host.endsWith(`.${d}`)) return true
  }
  return false
}

const USER_TOKEN = /<@([0-9a-f-]{36})>/gi
const NAME = /(?:^|[^\w@<])@([a-z0-9_][a-z0-9_.]{0,31})/gi

/**
 * Distinct people (and @everyone / @here) a text mentions: the ids the sender resolved, or the
 * `<@id>` tokens and `@names` written, whichever is more (a name of nobody still pings nobody,
 * but is still spam).
 */
export function countMentions(text: string, resolved: readonly string[] = []): number {
  const tokens = new Set<string>()
  for (const m of text.matchAll(USER_TOKEN)) tokens.add(m[1]!.toLowerCase())
  const names = new Set<string>()
  for (const m of text.matchAll(NAME)) names.add(m[1]!.toLowerCase())
  const ids = new Set([...resolved.map((id) => id.toLowerCase()), ...tokens])
  return Math.max(ids.size, tokens.size + names.size)
}

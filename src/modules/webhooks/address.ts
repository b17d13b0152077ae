// What kind of address an IP is, so that webhooks only ever connect to the public
// internet. IPv4 is refused by a list of special ranges; IPv6 is accepted only inside
// global unicast (2000::/3) and outside the special ranges there, because anything that
// embeds an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) could reach one we refuse.
import { isIP } from 'node:net'

export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'metadata'
  | 'ipv4_mapped'
  | 'reserved'

type Range = [prefix: number[], bits: number, kind: Exclude<AddressKind, 'public'>]

const v4Ranges: Range[] = [
  [[169, 254, 169, 254], 32, 'metadata'],
  [[0, 0, 0, 0], 8, 'unspecified'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[10, 0, 0, 0], 8, 'private'],
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 168, 0, 0], 16, 'private'],
  [[100, 64, 0, 0], 10, 'cgnat'],
  [[169, 254, 0, 0], 16, 'link_local'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[192, 0, 0, 0], 24, 'reserved'], // IETF protocol assignments (and Oracle's metadata at .192)
  [[192, 0, 2, 0], 24, 'reserved'], // documentation
  [[192, 88, 99, 0], 24, 'reserved'], // 6to4 relay anycast
  [[198, 18, 0, 0], 15, 'reserved'], // benchmarking
  [[198, 51, 100, 0], 24, 'reserved'], // documentation
  [[203, 0, 113, 0], 24, 'reserved'], // documentation
  [[240, 0, 0, 0], 4, 'reserved'], // future use and broadcast
]

const v6Ranges: Range[] = [
  [[0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54], 128, 'metadata'], // fd00:ec2::254
  [[], 128, 'unspecified'], // ::
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128, 'loopback'], // ::1
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96, 'ipv4_mapped'], // ::ffff:0:0/96
  [[0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0], 96, 'ipv4_mapped'], // ::ffff:0:0:0/96, IPv4-translated
  [[], 96, 'ipv4_mapped'], // ::/96, IPv4-compatible
  [[0x00, 0x64, 0xff, 0x9b], 96, 'ipv4_mapped'], // 64:ff9b::/96, NAT64
  [[0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48, 'ipv4_mapped'], // 64:ff9b:1::/48, local NAT64
  [[0xfe, 0x80], 10, 'link_local'],
  [[0xfe, 0xc0], 10, 'private'], // site-local (deprecated)
  [[0xfc], 7, 'private'], // unique local
  [[0xff], 8, 'multicast'],
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'reserved'], // documentation
  [[0x20, 0x01], 23, 'reserved'], // IETF protocol assignments: Teredo, benchmarking, ORCHID
  [[0x20, 0x02], 16, 'ipv4_mapped'], // 6to4
  [[0x3f, 0xff], 20, 'reserved'], // documentation
  [[0x5f, 0x00], 16, 'reserved'], // SRv6 SIDs
]

function inRange(bytes: Uint8Array, prefix: number[], bits: number): boolean {
  for (let i = 0; i < bits; i += 8) {
    const byte = i >> 3
    const take = Math.min(8, bits - i)
    const mask = (0xff << (8 - take)) & 0xff
    if ((bytes[byte]! & mask) !== ((prefix[byte] ?? 0) & mask)) return false
  }
  return true
}

function parseV4(ip: string): Uint8Array {
  return Uint8Array.from(ip.split('.').map(Number))
}

/** 16 bytes of an IPv6 address in any textual form (zone id dropped, trailing dotted IPv4 allowed). */
function parseV6(ip: string): Uint8Array {
  let text = ip.split('%')[0]!
  const out = new Uint8Array(16)
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  let tail: number[] = []
  if (dotted) {
    const v4 = parseV4(dotted[1]!)
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!]
    text = text.slice(0, -dotted[1]!.length) + '0:0'
  }
  const [head, rest] = text.split('::') as [string, string | undefined]
  const left = head ? head.split(':') : []
  const right = rest === undefined ? [] : rest ? rest.split(':') : []
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right].map((g) => parseInt(g, 16))
  if (tail.length) groups.splice(6, 2, ...tail)
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8
    out[i * 2 + 1] = g & 0xff
  })
  return out
}

/** The kind of an IP address; throws on something that is not an IP address. */
export function classifyAddress(ip: string): AddressKind {
  const family = isIP(ip.split('%')[0]!)
  if (family === 4) {
    const bytes = parseV4(ip)
    return v4Ranges.find(([prefix, bits]) => inRange(bytes, prefix, bits))?.[2] ?? 'public'
  }
  if (family === 6) {
    const bytes = parseV6(ip)
    const special = v6Ranges.find(([prefix, bits]) => inRange(bytes, prefix, bits))?.[2]
    if (special) return special
    // Only global unicast is public.
    return inRange(bytes, [0x20], 3) ? 'public' : 'reserved'
  }
  throw new Error(`not an IP address: ${ip}`)
}

export const addressFamily = (ip: string): 4 | 6 | 0 => isIP(ip.split('%')[0]!) as 4 | 6 | 0

/** Allowed for a webhook: public, or loopback when the (test-only) setting allows it. */
export function isAllowedAddress(kind: AddressKind, opts: { allowLoopback: boolean }): boolean {
  return kind === 'public' || (kind === 'loopback' && opts.allowLoopback)
}

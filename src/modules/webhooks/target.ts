import { promises as dns } from 'node:dns'
import { addressFamily, classifyAddress, isAllowedAddress, type AddressKind } from './address'

/** The addresses a host name resolves to. */
export type Resolver = (hostname: string) => Promise<string[]>

export const systemResolver: Resolver = async (hostname) => (await Bun.dns.lookup(hostname)).map((a) => a.address)

/**
 * A resolver asking the given DNS servers (WEBHOOK_DNS_SERVERS) for A and AAAA records,
 * with no cache of its own; the system's resolver when none are given.
 */
export function resolverFor(servers: string[]): Resolver {
  if (servers.length === 0) return systemResolver
  const resolver = new dns.Resolver({ timeout: 2000, tries: 2 })
  resolver.setServers(servers)
  const none = () => [] as string[]
  return async (hostname) => {
    const [v4, v6] = await Promise.all([resolver.resolve4(hostname).catch(none), resolver.resolve6(hostname).catch(none)])
    return [...v4, ...v6]
  }
}

export interface TargetPolicy {
  allowHttp: boolean
  allowLoopback: boolean
}

/** A URL checked for a webhook, with the one address that was checked and must be connected to. */
export interface CheckedTarget {
  url: URL
  address: string
  family: 4 | 6
}

export type UnsafeReason =
  | Exclude<AddressKind, 'public'>
  | 'invalid_url'
  | 'scheme'
  | 'credentials'
  | 'unresolvable'

/** A URL Hearth will not send to; `reason` names the rule. */
export class UnsafeTargetError extends Error {
  override name = 'UnsafeTargetError'
  constructor(
    readonly reason: UnsafeReason,
    message: string,
  ) {
    super(message)
  }
}

const RESOLVE_TIMEOUT_MS = 5000

/** Parses and checks the form of an endpoint URL (no DNS). */
export function parseTargetUrl(raw: string, policy: Pick<TargetPolicy, 'allowHttp'>): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UnsafeTargetError('invalid_url', 'not a URL')
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new UnsafeTargetError('scheme', policy.allowHttp ? 'the URL must start with https:// or http://' : 'the URL must start with https://')
  }
  if (url.username || url.password) throw new UnsafeTargetError('credentials', 'the URL may not carry a user name or password')
  if (!url.hostname) throw new UnsafeTargetError('invalid_url', 'the URL has no host')
  url.hash = ''
  return url
}

/**
 * Resolves the URL's host once and checks every address it answers: one that is not
 * public refuses the whole URL (a host that answers a private address among public ones
 * is not trusted). The first address is the one to connect to.
 */
export async function checkTarget(raw: string, policy: TargetPolicy, resolve: Resolver): Promise<CheckedTarget> {
  const url = parseTargetUrl(raw, policy)
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  let addresses: string[]
  if (addressFamily(host)) addresses = [host]
  else {
    try {
      addresses = await withTimeout(resolve(host), RESOLVE_TIMEOUT_MS)
    } catch {
      addresses = []
    }
  }
  if (addresses.length === 0) throw new UnsafeTargetError('unresolvable', `${host} does not resolve`)
  for (const address of addresses) {
    const family = addressFamily(address)
    if (!family) throw new UnsafeTargetError('unresolvable', `${host} resolved to something that is not an address`)
    const kind = classifyAddress(address)
    if (!isAllowedAddress(kind, policy)) {
      // The address itself is not told: it would map internal names for whoever asks.
      throw new UnsafeTargetError(kind as UnsafeReason, `${host} resolves to a ${kind.replace('_', '-')} address, which webhooks may not reach`)
    }
  }
  const address = addresses[0]!
  return { url, address, family: addressFamily(address) as 4 | 6 }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('DNS timeout')), ms))),
  ]).finally(() => clearTimeout(timer))
}

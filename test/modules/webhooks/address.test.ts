import { describe, expect, test } from 'bun:test'
import { classifyAddress } from '../../../src/modules/webhooks/address'
import { checkTarget, resolverFor, UnsafeTargetError } from '../../../src/modules/webhooks/target'
import { TestDns } from './harness'

// Names are resolved by a DNS server the test plays, through the resolver WEBHOOK_DNS_SERVERS configures.
const dns = await TestDns.start()
const resolve = resolverFor([dns.server])

describe('classifyAddress', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['169.254.1.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:127.0.0.1', 'ipv4_mapped'],
    ['::ffff:8.8.8.8', 'ipv4_mapped'],
    ['::ffff:7f00:1', 'ipv4_mapped'],
    ['::127.0.0.1', 'ipv4_mapped'],
    ['64:ff9b::a00:1', 'ipv4_mapped'],
    ['2002:a00:1::1', 'ipv4_mapped'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['100::1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
  ])('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind as any)
  })
})

describe('checkTarget', () => {
  const strict = { allowHttp: false, allowLoopback: false }
  const reason = async (url: string, policy = strict) => {
    try {
      await checkTarget(url, policy, resolve)
      return 'accepted'
    } catch (err) {
      if (err instanceof UnsafeTargetError) return err.reason
      throw err
    }
  }

  test('a host answering a public address is accepted, with that address to connect to', async () => {
    dns.set('hooks.example.com', ['93.184.216.34'])
    const target = await checkTarget('https://hooks.example.com/in?x=1', strict, resolve)
    expect(target.address).toBe('93.184.216.34')
    expect(target.url.host).toBe('hooks.example.com')
  })

  test('http is refused unless allowed', async () => {
    expect(await reason('http://8.8.8.8/')).toBe('scheme')
    expect(await reason('http://8.8.8.8/', { allowHttp: true, allowLoopback: false })).toBe('accepted')
  })

  test('loopback is refused unless the test setting allows it', async () => {
    expect(await reason('https://127.0.0.1/')).toBe('loopback')
    expect(await reason('https://127.0.0.1/', { allowHttp: false, allowLoopback: true })).toBe('accepted')
  })

  test('loopback allowed does not open private addresses', async () => {
    expect(await reason('https://10.0.0.1/', { allowHttp: false, allowLoopback: true })).toBe('private')
  })

  test.each([
    ['https://2130706433/', 'loopback'],
    ['https://0x7f.1/', 'loopback'],
    ['https://[::ffff:169.254.169.254]/', 'ipv4_mapped'],
    ['https://[fd00:ec2::254]/', 'metadata'],
    ['https://0/', 'unspecified'],
  ])('the literal %s is read as the address it is (%s)', async (url, kind) => {
    expect(await reason(url)).toBe(kind as any)
  })

  test('a host with one private address among public ones is refused', async () => {
    dns.set('mixed.example.com', ['93.184.216.34', '10.0.0.5'])
    expect(await reason('https://mixed.example.com/', strict)).toBe('private')
  })

  test('IPv6 answers are checked too', async () => {
    dns.set('six.example.com', ['2606:2800:220:1::1', 'fd00::1'])
    expect(await reason('https://six.example.com/', strict)).toBe('private')
  })

  test('a host that does not resolve is refused', async () => {
    expect(await reason('https://nowhere.example.com/')).toBe('unresolvable')
  })

  test('credentials in the URL are refused', async () => {
    expect(await reason('https://user:pw@8.8.8.8/')).toBe('credentials')
  })
})

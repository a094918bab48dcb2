import { forbiddenAddressReason, normalizedAddress } from './address-policy';

describe('forbiddenAddressReason', () => {
  const none = new Set<string>();

  it.each([
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.254', /private/],
    ['192.168.1.1', /private/],
    ['127.0.0.1', /loopback/],
    ['127.255.0.9', /loopback/],
    ['::1', /loopback/],
    ['169.254.169.254', /link-local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['ff02::1', /multicast/],
    ['240.0.0.1', /reserved/],
    ['255.255.255.255', /broadcast/],
    ['fc00::1', /unique-local/],
    ['fd12:3456::1', /unique-local/],
    ['fec0::1', /site-local/],
    ['198.18.0.1', /benchmarking/],
    ['::7f00:1', /IPv4-compatible/],
    ['64:ff9b::a00:1', /NAT64/],
    ['2002:a00:1::1', /6to4/],
    ['2001:0:a00:1::1', /Teredo/],
    ['not-an-address', /not an IP address/],
  ])('refuses %s', (address, why) => {
    expect(forbiddenAddressReason(address, none)).toMatch(why);
  });

  it.each([
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['::ffff:10.0.0.1', /private/],
    ['::ffff:169.254.169.254', /link-local/],
    ['::ffff:100.64.0.1', /carrier-grade NAT/],
    ['::ffff:0.0.0.0', /unspecified/],
    ['::ffff:224.0.0.1', /multicast/],
  ])('judges the IPv4-mapped form %s as the IPv4 address it is', (address, why) => {
    expect(forbiddenAddressReason(address, none)).toMatch(why);
  });

  it.each([
    '93.184.215.14',
    '1.1.1.1',
    '8.8.8.8',
    '2606:4700:4700::1111',
    '172.32.0.1',
    '100.128.0.1',
  ])('allows the public address %s', (address) => {
    expect(forbiddenAddressReason(address, none)).toBeNull();
  });

  it("refuses this host's own addresses, whatever their range, in any written form", () => {
    const own = new Set([normalizedAddress('203.0.114.7')!, normalizedAddress('2a01:4f8::7')!]);
    expect(forbiddenAddressReason('203.0.114.7', own)).toMatch(/address of this host/);
    expect(forbiddenAddressReason('::ffff:203.0.114.7', own)).toMatch(/address of this host/);
    expect(forbiddenAddressReason('2a01:04f8:0000::0007', own)).toMatch(/address of this host/);
    expect(forbiddenAddressReason('203.0.114.8', own)).toBeNull();
  });
});

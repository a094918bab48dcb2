import ipaddr from 'ipaddr.js';

/**
 * Why a callback must not go to `address`, or null when it may: anything but a public unicast
 * address is refused, and so is any address of this host (its public one too, where it has one).
 * The ranges are ipaddr.js's: private (10/8, 172.16/12, 192.168/16), loopback, link-local
 * (169.254/16, fe80::/10: cloud metadata), carrier-grade NAT (100.64/10), unspecified (0/8, ::),
 * multicast, broadcast, reserved (240/4, documentation nets) and IPv6 unique-local (fc00::/7).
 * IPv4 written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is. IPv6 forms that
 * carry an IPv4 address to some gateway (NAT64, 6to4, Teredo, SIIT) are refused outright: which
 * network the gateway reaches is not ours to know.
 */
export function forbiddenAddressReason(
  address: string,
  ownAddresses: ReadonlySet<string>,
): string | null {
  const ip = parseAddress(address);
  if (!ip) return 'is not an IP address';
  const range = ip.range();
  if (range !== 'unicast') return `is ${RANGE_NAMES[range] ?? `a ${range} address`}`;
  const extra = EXTRA_RANGES.find(([net, bits]) => inNet(ip, net, bits));
  if (extra) return `is ${extra[2]}`;
  return ownAddresses.has(ip.toNormalizedString()) ? 'is an address of this host' : null;
}

const inNet = (ip: ipaddr.IPv4 | ipaddr.IPv6, net: ipaddr.IPv4 | ipaddr.IPv6, bits: number) =>
  ip.kind() === 'ipv4'
    ? net.kind() === 'ipv4' && (ip as ipaddr.IPv4).match(net as ipaddr.IPv4, bits)
    : net.kind() === 'ipv6' && (ip as ipaddr.IPv6).match(net as ipaddr.IPv6, bits);

/**
 * Special ranges ipaddr.js counts as unicast that a network may still route to itself: the
 * benchmarking net (often used inside data centres), IPv4-compatible IPv6 (::a.b.c.d), the
 * deprecated site-local IPv6 net, and the discard prefix.
 */
const EXTRA_RANGES = (
  [
    ['198.18.0.0/15', 'a benchmarking address'],
    ['::/96', 'an IPv4-compatible address'],
    ['fec0::/10', 'a site-local address'],
    ['100::/64', 'a discard address'],
  ] as const
).map(([cidr, name]) => [...ipaddr.parseCIDR(cidr), name] as const);

/**
 * The normalized form of an address, as forbiddenAddressReason compares them (IPv4 for an
 * IPv4-mapped IPv6 address, IPv6 in full); null for something that is not one.
 */
export function normalizedAddress(address: string): string | null {
  return parseAddress(address)?.toNormalizedString() ?? null;
}

function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  // An interface or a resolver may add a zone (fe80::1%eth0): it names no other address.
  const bare = address.replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return null;
  const ip = ipaddr.parse(bare);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    return (ip as ipaddr.IPv6).toIPv4Address();
  return ip;
}

/** Each range in words, for the message a client or the job view gets. */
const RANGE_NAMES: Record<string, string> = {
  private: 'a private address',
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  uniqueLocal: 'a unique-local address',
  rfc6145: 'an IPv4-translated address',
  rfc6052: 'a NAT64 address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
};

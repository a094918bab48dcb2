import { createHash } from 'node:crypto';

/**
 * Destinations an outbound sandbox may never reach, whatever the route: private ranges,
 * loopback, link-local (the cloud metadata address 169.254.169.254 among them), carrier-grade
 * NAT, "this network", multicast and reserved space. Docker's own bridges live in the private
 * ranges, so this also covers sandboxes and services on other Docker networks.
 */
export const BLOCKED_IPV4_RANGES: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
];

/** Names the firewall uses for one outbound network, all derived from the network's name. */
export interface EgressNames {
  /** Linux interface of the bridge (at most 15 bytes). */
  bridge: string;
  /** Our chain for traffic forwarded from the bridge (jumped to from DOCKER-USER). */
  forwardChain: string;
  /** Our chain for traffic from the bridge to the host itself (jumped to from INPUT). */
  inputChain: string;
}

/**
 * Deterministic names, so that a restarted worker finds (and re-installs) exactly its own rules,
 * and two platforms (or two test runs) with different network names never touch each other's.
 */
export function egressNames(network: string): EgressNames {
  const h = createHash('sha256').update(network).digest('hex').slice(0, 10);
  return { bridge: `jr${h}`, forwardChain: `JR-${h}-FWD`, inputChain: `JR-${h}-IN` };
}

const REJECT = ['-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'];

/**
 * The two chains as an `iptables-restore --noflush` document: declaring a chain there flushes
 * it and the new rules replace the old in one commit, so a re-install never leaves a moment
 * with the chain empty. Rejecting (not dropping) makes a refused connection fail at once.
 */
export function egressRestoreDocument(names: EgressNames): string {
  const { bridge, forwardChain: f, inputChain: i } = names;
  const lines = [
    '*filter',
    `:${f} - [0:0]`,
    `:${i} - [0:0]`,
    // Sandbox to sandbox on the same bridge (Docker's enable_icc=false says the same).
    `-A ${f} -o ${bridge} ${REJECT.join(' ')}`,
    ...BLOCKED_IPV4_RANGES.map((r) => `-A ${f} -d ${r} ${REJECT.join(' ')}`),
    `-A ${f} -j RETURN`,
    // Anything addressed to the host itself, on any of its addresses and ports.
    `-A ${i} ${REJECT.join(' ')}`,
    'COMMIT',
    '',
  ];
  return lines.join('\n');
}

/** The jumps into our chains, as `iptables` arguments after the action flag and the chain. */
export function egressJumps(names: EgressNames): { chain: string; rule: string[] }[] {
  return [
    { chain: 'DOCKER-USER', rule: ['-i', names.bridge, '-j', names.forwardChain] },
    { chain: 'INPUT', rule: ['-i', names.bridge, '-j', names.inputChain] },
  ];
}

/** Thrown when a rule cannot be installed; the message carries iptables' own words. */
export class EgressFirewallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EgressFirewallError';
  }
}

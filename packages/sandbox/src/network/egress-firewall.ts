import { egressJumps, egressRestoreDocument, type EgressNames } from './egress-rules';
import { EgressFirewallError } from './egress-firewall-error';
import { runCommand } from './run-command';

export interface EgressFirewallOptions {
  /** `iptables` binary. */
  iptables?: string;
  /** `iptables-restore` binary. */
  iptablesRestore?: string;
}

/** Seconds to wait for the xtables lock another process holds. */
const LOCK_WAIT = ['-w', '10'];

/**
 * The iptables rules of one outbound bridge: two chains of our own (replaced atomically) and one
 * jump into each from DOCKER-USER and INPUT, matched on our bridge only, so other containers and
 * other platforms on the host are untouched. Installing twice changes nothing.
 */
export class EgressFirewall {
  private readonly iptables: string;
  private readonly restore: string;

  constructor(
    readonly names: EgressNames,
    opts: EgressFirewallOptions = {},
  ) {
    this.iptables = opts.iptables ?? 'iptables';
    this.restore = opts.iptablesRestore ?? 'iptables-restore';
  }

  async install(): Promise<void> {
    const res = await runCommand(
      this.restore,
      ['--noflush', ...LOCK_WAIT],
      egressRestoreDocument(this.names),
    );
    if (res.code !== 0)
      throw new EgressFirewallError(
        `${this.restore} failed (${res.code ?? 'not run'}): ${res.stderr || 'no message'}`,
      );
    for (const { chain, rule } of egressJumps(this.names)) {
      if (await this.has(chain, rule)) continue;
      const ins = await runCommand(this.iptables, [...LOCK_WAIT, '-I', chain, '1', ...rule]);
      if (ins.code !== 0)
        throw new EgressFirewallError(
          `${this.iptables} -I ${chain} failed (${ins.code ?? 'not run'}): ${ins.stderr || 'no message'}`,
        );
    }
  }

  /** True when both jumps are in place (someone may have flushed them since install). */
  async isInstalled(): Promise<boolean> {
    for (const { chain, rule } of egressJumps(this.names))
      if (!(await this.has(chain, rule))) return false;
    return true;
  }

  /** Removes our jumps and chains; what is already gone is no error. */
  async remove(): Promise<void> {
    for (const { chain, rule } of egressJumps(this.names)) {
      // A jump inserted twice by hand would need two deletes.
      for (let i = 0; i < 10 && (await this.has(chain, rule)); i++)
        await runCommand(this.iptables, [...LOCK_WAIT, '-D', chain, ...rule]);
    }
    for (const chain of [this.names.forwardChain, this.names.inputChain]) {
      await runCommand(this.iptables, [...LOCK_WAIT, '-F', chain]);
      await runCommand(this.iptables, [...LOCK_WAIT, '-X', chain]);
    }
  }

  private async has(chain: string, rule: string[]): Promise<boolean> {
    return (await runCommand(this.iptables, [...LOCK_WAIT, '-C', chain, ...rule])).code === 0;
  }
}

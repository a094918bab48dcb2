import fs from 'node:fs';
import type Docker from 'dockerode';
import { EgressFirewall, type EgressFirewallOptions } from './egress-firewall';
import { egressNames, type EgressNames } from './egress-rules';
import { OutboundUnavailableError } from '../errors/outbound-unavailable-error';

export interface OutboundNetworkOptions extends EgressFirewallOptions {
  /** Docker network name; the bridge and chain names derive from it. */
  name: string;
  /** Where this process sees its network interfaces (tests point it elsewhere). */
  sysClassNet?: string;
  /**
   * The engine is reached over TCP (DOCKER_HOST=tcp://…): its bridge may be on another machine,
   * where this process installs no rule, even when a bridge of the same name (a local engine's)
   * is visible here. Outbound is then refused.
   */
  engineOverTcp?: boolean;
}

/** Label on the networks the platform creates. */
export const NETWORK_LABEL = 'job-runner.network';
const BRIDGE_NAME = 'com.docker.network.bridge.name';

/**
 * The bridge network `outbound` sandboxes join, and its firewall. Created at worker start and
 * kept (other workers on the host share it); `ensure` is idempotent and throws
 * OutboundUnavailableError whenever the network could end up open.
 */
export class OutboundNetwork {
  readonly names: EgressNames;
  private readonly firewall: EgressFirewall;
  private readonly sysClassNet: string;
  private ready = false;
  /** Serialises set-up: concurrent runs must not insert a jump twice. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly docker: Docker,
    private readonly opts: OutboundNetworkOptions,
  ) {
    this.names = egressNames(opts.name);
    this.firewall = new EgressFirewall(this.names, opts);
    this.sysClassNet = opts.sysClassNet ?? '/sys/class/net';
  }

  get name(): string {
    return this.opts.name;
  }

  /**
   * Makes sure the network exists and its rules are in place; cheap once done (two `iptables
   * -C`), and re-installs rules someone flushed. Throws OutboundUnavailableError otherwise.
   */
  ensure(): Promise<void> {
    const next = this.queue.then(() => this.ensureNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async ensureNow(): Promise<void> {
    if (this.opts.engineOverTcp)
      throw new OutboundUnavailableError(
        'the Docker engine is reached over TCP (DOCKER_HOST), so its bridge may be on another ' +
          "machine, whose iptables this worker cannot manage (a worker on the engine's own " +
          'host, on its unix socket, can run outbound jobs)',
      );
    if (this.ready && (await this.firewall.isInstalled())) return;
    this.ready = false;
    await this.ensureNetwork();
    // The rules match on the bridge's interface name: they only protect anything if they are
    // installed in the network namespace where that bridge lives (the Docker host's). A worker
    // in a container, or one talking to a remote engine, does not see it and must refuse.
    if (!fs.existsSync(`${this.sysClassNet}/${this.names.bridge}`)) {
      throw new OutboundUnavailableError(
        `the bridge ${this.names.bridge} of network ${this.opts.name} is not visible in this ` +
          "process's network namespace, so its firewall cannot be installed here (a worker " +
          'in a container or on another machine than the Docker engine cannot manage the ' +
          "host's iptables)",
      );
    }
    try {
      await this.firewall.install();
    } catch (err) {
      throw new OutboundUnavailableError(
        `the egress firewall could not be installed: ${(err as Error).message}`,
      );
    }
    this.ready = true;
  }

  private async ensureNetwork(): Promise<void> {
    let info = await this.inspect();
    if (!info) {
      try {
        await this.docker.createNetwork({
          Name: this.opts.name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Internal: false,
          EnableIPv6: false,
          Labels: { [NETWORK_LABEL]: 'outbound' },
          Options: {
            [BRIDGE_NAME]: this.names.bridge,
            // Docker's own sandbox-to-sandbox block on this bridge; our chain says it again.
            'com.docker.network.bridge.enable_icc': 'false',
            'com.docker.network.bridge.enable_ip_masquerade': 'true',
          },
        });
      } catch (err) {
        // Another worker may have created it a moment ago; anything else is a refusal.
        if ((err as { statusCode?: number }).statusCode !== 409)
          throw new OutboundUnavailableError(
            `Docker could not create network ${this.opts.name}: ${(err as Error).message}`,
          );
      }
      info = await this.inspect();
    }
    if (!info) throw new OutboundUnavailableError(`network ${this.opts.name} vanished`);
    if (info.Driver !== 'bridge' || info.Options?.[BRIDGE_NAME] !== this.names.bridge) {
      throw new OutboundUnavailableError(
        `network ${this.opts.name} exists but was not made by job-runner (expected a bridge ` +
          `named ${this.names.bridge}); remove it or choose another OUTBOUND_NETWORK`,
      );
    }
  }

  private async inspect(): Promise<Docker.NetworkInspectInfo | null> {
    try {
      return await this.docker.getNetwork(this.opts.name).inspect();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return null;
      throw new OutboundUnavailableError(
        `Docker could not inspect network ${this.opts.name}: ${(err as Error).message}`,
      );
    }
  }

  /** The host's address on the bridge (the sandboxes' gateway), once the network exists. */
  async gateway(): Promise<string | null> {
    const info = await this.inspect();
    return info?.IPAM?.Config?.[0]?.Gateway ?? null;
  }

  /** Removes the rules and the network (tests, and operators retiring a network). */
  async remove(): Promise<void> {
    this.ready = false;
    // The network first: a bridge must never be left without its rules.
    await this.docker
      .getNetwork(this.opts.name)
      .remove()
      .catch(() => undefined);
    await this.firewall.remove();
  }
}

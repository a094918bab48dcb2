import os from 'node:os';
import { normalizedAddress } from './address-policy';

/**
 * Every address of this host's interfaces, normalized: a callback to one of them would reach
 * the platform itself (the API, Redis, the Docker engine's API, ...) whatever range it is in.
 * Read at each check, since interfaces come and go (Docker adds bridges).
 */
export function ownAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(os.networkInterfaces()))
    for (const iface of list ?? []) {
      const address = normalizedAddress(iface.address);
      if (address) out.add(address);
    }
  return out;
}

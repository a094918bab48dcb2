import type { LookupFunction } from 'node:net';
import type { CallbackTarget } from './resolve-callback-target';

/**
 * A `lookup` for http.request that answers the address already checked, whatever name it is
 * asked for: the socket cannot be pointed elsewhere by a second resolution. Node asks for every
 * address (`all`) when it races IPv4 against IPv6 (autoSelectFamily), one otherwise.
 */
export function pinnedLookup(target: CallbackTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    else callback(null, target.address, target.family);
  };
}

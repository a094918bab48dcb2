import dns from 'node:dns';
import { CallbackTargetError } from '../errors/callback-target-error';
import { forbiddenAddressReason } from './address-policy';
import { isAllowedHost } from './allowed-hosts';
import { ownAddresses } from './own-addresses';

/** An address a callback may be sent to, checked: the connection goes to exactly this one. */
export interface CallbackTarget {
  address: string;
  family: 4 | 6;
}

/** How names are resolved: dns.lookup's answer, every address (injectable for tests). */
export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface ResolveOptions {
  /** CALLBACK_ALLOWED_HOSTS: hosts exempt from the address checks. */
  allowedHosts: readonly string[];
  /** How long the name may take to resolve. */
  timeoutMs: number;
  lookup?: LookupAll;
  /** This host's own addresses (default: its interfaces' now). */
  ownAddresses?: () => ReadonlySet<string>;
}

/**
 * The system resolver, as every other program on the host would resolve the name (hosts file
 * included): `localhost` or a name listed there is judged by where it really leads.
 */
const systemLookup: LookupAll = (hostname) =>
  dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * Resolves the URL's host and checks every address it has, before anything is sent: one
 * forbidden address refuses the whole name (a client cannot slip an internal address in beside a
 * public one and hope to be connected to it). Throws CallbackTargetError saying why. A host in
 * CALLBACK_ALLOWED_HOSTS is resolved but not checked.
 *
 * The caller connects to the address answered, not to the name again: a resolver that answers a
 * public address now and an internal one a moment later (DNS rebinding) gains nothing.
 */
export async function resolveCallbackTarget(
  url: URL,
  opts: ResolveOptions,
): Promise<CallbackTarget> {
  // The URL writes IPv6 literals in brackets; the resolver takes them bare.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = await withTimeout(
    (opts.lookup ?? systemLookup)(hostname),
    opts.timeoutMs,
    `host ${hostname} did not resolve within ${opts.timeoutMs} ms`,
  ).catch((err: Error & { code?: string }) => {
    throw new CallbackTargetError(
      err instanceof CallbackTargetError
        ? err.message
        : `host ${hostname} does not resolve (${err.code ?? err.message})`,
    );
  });
  if (addresses.length === 0)
    throw new CallbackTargetError(`host ${hostname} does not resolve (no address)`);
  if (!isAllowedHost(url, opts.allowedHosts)) {
    const own = (opts.ownAddresses ?? ownAddresses)();
    for (const { address } of addresses) {
      const why = forbiddenAddressReason(address, own);
      if (why)
        throw new CallbackTargetError(
          `must not lead to the platform's own networks: ${hostname} resolves to ${address}, which ${why}` +
            ' (an operator can allow a host with CALLBACK_ALLOWED_HOSTS)',
        );
    }
  }
  const [first] = addresses;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** The promise, or a CallbackTargetError saying `message` once `ms` have passed. */
function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallbackTargetError(message)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * Whether the operator exempted this URL's host from the address checks (CALLBACK_ALLOWED_HOSTS):
 * an entry `host` allows it on any port, `host:port` on that port only. Hosts compare as the URL
 * writes them, lower-cased, IPv6 in brackets (`[::1]:8080`); the port is the URL's, or its
 * scheme's default.
 */
export function isAllowedHost(url: URL, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return false;
  const host = url.hostname.toLowerCase();
  const port = url.port || DEFAULT_PORTS[url.protocol] || '';
  return allowed.some((entry) => {
    const e = entry.toLowerCase();
    return e === host || e === `${host}:${port}`;
  });
}

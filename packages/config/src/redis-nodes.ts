/** One node of a Redis Cluster, as REDIS_CLUSTER_NODES gives it. */
export interface RedisNode {
  host: string;
  port: number;
}

const BRACKETED_IPV6 = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/;
const NAME_OR_IPV4 = /^([A-Za-z0-9_][A-Za-z0-9_.-]*):(\d{1,5})$/;

/**
 * REDIS_CLUSTER_NODES as nodes: `host:port` entries separated by commas (an IPv6 address in
 * brackets, `[::1]:7000`), spaces around an entry and repeats ignored. Empty text is no node at
 * all (a standalone Redis). Throws naming the first entry that is not an address.
 */
export function parseRedisNodes(text: string): RedisNode[] {
  const nodes = new Map<string, RedisNode>();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = BRACKETED_IPV6.exec(entry) ?? NAME_OR_IPV4.exec(entry);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535)
      throw new Error(
        `entry ${JSON.stringify(entry)} is not host:port (port 1-65535; IPv6 in brackets: [::1]:7000)`,
      );
    nodes.set(`${m[1]}:${port}`, { host: m[1], port });
  }
  return [...nodes.values()];
}

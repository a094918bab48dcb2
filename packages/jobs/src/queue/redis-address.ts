import type { RedisTarget } from './redis-client';

/** The URL with any password hidden, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

/** Where Redis is, for messages and logs: the cluster's nodes, or the URL without its password. */
export function redisAddress(target: RedisTarget): string {
  if (target.redisClusterNodes.length === 0) return redactRedisUrl(target.redisUrl);
  const nodes = target.redisClusterNodes.map(({ host, port }) =>
    host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
  );
  return `${nodes.join(',')} (cluster)`;
}

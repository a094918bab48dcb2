import { isCluster, type RedisClient } from './redis-client';

/**
 * Every key matching `pattern`, by SCAN (never KEYS, which blocks Redis while it walks). A
 * cluster node scans only its own slots, so on a cluster each master is walked in turn.
 */
export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  for (const node of isCluster(redis) ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
  }
  return keys;
}

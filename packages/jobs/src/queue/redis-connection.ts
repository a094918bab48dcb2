import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisClient, RedisTarget } from './redis-client';

/**
 * How a connection behaves while Redis is away:
 * - `patient` (jobs, logs, BullMQ): commands wait and reconnection never ends, so a Redis
 *   restart delays work instead of failing it (BullMQ's blocking clients need this too);
 * - `fail-fast` (readiness, metrics, rate limits): commands fail at once, so a probe or a scrape
 *   answers "Redis is down" instead of hanging; it reconnects by itself;
 * - `probe` (the start-up check): one attempt, no reconnection, connected by the caller.
 */
export type ConnectionBehaviour = 'patient' | 'fail-fast' | 'probe';

interface Profile {
  /** Options of the server connection (on a cluster, of each node's connection). */
  server: RedisOptions;
  /** Offline queue and reconnection of a standalone connection. */
  standalone: RedisOptions;
  /** The same for a Cluster, which ioredis queues and reconnects as a whole, not per node. */
  cluster: ClusterOptions;
}

const failFastRetry = (times: number) => Math.min(times * 200, 2000);

const PROFILES: Record<ConnectionBehaviour, Profile> = {
  patient: { server: { maxRetriesPerRequest: null }, standalone: {}, cluster: {} },
  'fail-fast': {
    server: { maxRetriesPerRequest: 1 },
    standalone: { enableOfflineQueue: false, retryStrategy: failFastRetry },
    cluster: { enableOfflineQueue: false, clusterRetryStrategy: failFastRetry },
  },
  probe: {
    server: { maxRetriesPerRequest: 0, connectTimeout: 2000 },
    standalone: { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null },
    cluster: { lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: () => null },
  },
};

/**
 * Every Redis connection of the platform is made here: to the Redis Cluster when
 * REDIS_CLUSTER_NODES names one (an ioredis Cluster, which finds the other nodes and follows
 * slot moves and failovers), else to the standalone REDIS_URL. `name` is the connection's
 * CLIENT SETNAME, shown by CLIENT LIST (on each node of a cluster).
 */
export function redisConnection(
  target: RedisTarget,
  name?: string,
  behaviour: ConnectionBehaviour = 'patient',
): RedisClient {
  const profile = PROFILES[behaviour];
  const server: RedisOptions = { ...profile.server, connectionName: name };
  if (target.redisClusterNodes.length > 0)
    return new Cluster(target.redisClusterNodes, { ...profile.cluster, redisOptions: server });
  return new Redis(target.redisUrl, { ...server, ...profile.standalone });
}

import type { Cluster, Redis } from 'ioredis';
import type { Config } from '@job-runner/config';

/**
 * A connection to Redis: one server, or a Redis Cluster (REDIS_CLUSTER_NODES). Both take the
 * same commands; a Cluster sends each to the node that holds its keys' slot, so the keys of one
 * command (or MULTI, pipeline, script) must share a slot: see keyPrefix.
 */
export type RedisClient = Redis | Cluster;

/** Where Redis is: the cluster's nodes when there are any, else the standalone URL. */
export type RedisTarget = Pick<Config, 'redisUrl' | 'redisClusterNodes'>;

/** True for a Redis Cluster connection (ioredis marks each kind itself, as BullMQ relies on). */
export const isCluster = (redis: RedisClient): redis is Cluster => redis.isCluster;

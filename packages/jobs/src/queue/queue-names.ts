import { isCluster, type RedisClient } from './redis-client';

/**
 * BullMQ's key prefix on a standalone Redis; every key of ours sits under `<prefix>:<queue>:`
 * beside BullMQ's own. Unchanged since the first release, so existing data stays readable.
 */
export const KEY_PREFIX = 'bull';

/**
 * The prefix on a Redis Cluster: a hash tag, so every key of the platform (BullMQ's and ours,
 * of every queue) is in one slot. BullMQ's scripts touch several keys of a queue at once, and so
 * do our MULTIs and one XREAD over many log streams; a cluster refuses those across slots.
 */
export const CLUSTER_KEY_PREFIX = '{bull}';

/** The key prefix for keys reached through this connection. */
export const keyPrefix = (redis: RedisClient): string =>
  isCluster(redis) ? CLUSTER_KEY_PREFIX : KEY_PREFIX;

export const keyBase = (redis: RedisClient, queueName: string) =>
  `${keyPrefix(redis)}:${queueName}`;
export const cancelChannel = (redis: RedisClient, queueName: string) =>
  `${keyBase(redis, queueName)}:cancel`;

import { Redis } from 'ioredis';

/**
 * A new ioredis connection. BullMQ's blocking clients need `maxRetriesPerRequest: null`; for
 * the rest we keep it too, so a Redis restart delays commands instead of failing them.
 */
export function redisConnection(url: string, name?: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}

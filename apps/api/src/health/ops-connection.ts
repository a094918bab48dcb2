import { once } from 'node:events';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { KEY_PREFIX } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { withTimeout } from './with-timeout';

/**
 * A Redis connection for operator paths (readiness, metrics, rate limits) that fails fast while
 * Redis is away, instead of queueing commands the way the job connections do: a probe or a
 * scrape must answer "Redis is down", not hang. It reconnects by itself when Redis returns.
 */
export async function opsConnection(
  url: string,
  queueName: string,
  logger: Logger,
): Promise<{ redis: Redis; queue: Queue; close(): Promise<void> }> {
  const redis = new Redis(url, {
    connectionName: 'api-ops',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  let lastError = '';
  redis.on('error', (err: Error) => {
    // Once per distinct error, not on every reconnect attempt.
    if (err.message !== lastError) logger.warn('ops redis error', { error: err.message });
    lastError = err.message;
  });
  redis.on('ready', () => (lastError = ''));
  if (redis.status !== 'ready') await withTimeout(once(redis, 'ready'), 10_000, 'Redis');
  // Reads counts and jobs for metrics; never adds anything.
  const queue = new Queue(queueName, { connection: redis, prefix: KEY_PREFIX });
  queue.on('error', () => undefined);
  return {
    redis,
    queue,
    async close() {
      await queue.close().catch(() => undefined);
      redis.disconnect();
    },
  };
}

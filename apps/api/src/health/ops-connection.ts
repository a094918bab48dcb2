import { once } from 'node:events';
import { Queue } from 'bullmq';
import {
  closeOver,
  keyPrefix,
  redisConnection,
  type RedisClient,
  type RedisTarget,
} from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { withTimeout } from './with-timeout';

/**
 * A Redis connection for operator paths (readiness, metrics, rate limits) that fails fast while
 * Redis is away, instead of queueing commands the way the job connections do: a probe or a
 * scrape must answer "Redis is down", not hang. It reconnects by itself when Redis returns.
 */
export async function opsConnection(
  target: RedisTarget,
  queueName: string,
  logger: Logger,
): Promise<{ redis: RedisClient; queue: Queue; close(): Promise<void> }> {
  const redis = redisConnection(target, 'api-ops', 'fail-fast');
  let lastError = '';
  redis.on('error', (err: Error) => {
    // Once per distinct error, not on every reconnect attempt.
    if (err.message !== lastError) logger.warn('ops redis error', { error: err.message });
    lastError = err.message;
  });
  redis.on('ready', () => (lastError = ''));
  if (redis.status !== 'ready') await withTimeout(once(redis, 'ready'), 10_000, 'Redis');
  // Reads counts and jobs for metrics; never adds anything.
  const queue = new Queue(queueName, { connection: redis, prefix: keyPrefix(redis) });
  queue.on('error', () => undefined);
  return {
    redis,
    queue,
    async close() {
      await closeOver(redis, () => queue.close());
      redis.disconnect();
    },
  };
}

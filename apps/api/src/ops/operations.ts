import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '@job-runner/config';
import type { Logger } from '@job-runner/logger';
import { opsConnection } from '../health/ops-connection';
import { PlatformMetrics } from '../metrics/platform-metrics';

/** What the operator surface needs beyond JobService: a fail-fast Redis and the metrics. */
export interface Operations {
  redis: Redis;
  /** The jobs queue, on the fail-fast connection: for reads that must not hang. */
  queue: Queue;
  metrics: PlatformMetrics;
  close(): Promise<void>;
}

export async function startOperations(
  config: Config,
  redisUrl: string,
  logger: Logger,
): Promise<Operations> {
  const conn = await opsConnection(redisUrl, config.queueName, logger);
  const metrics = new PlatformMetrics(conn.queue, logger);
  await metrics.start(redisUrl, config.queueName);
  return {
    redis: conn.redis,
    queue: conn.queue,
    metrics,
    async close() {
      await metrics.close();
      await conn.close();
    },
  };
}

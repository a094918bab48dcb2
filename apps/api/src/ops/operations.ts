import type { Queue } from 'bullmq';
import type { Config } from '@job-runner/config';
import type { Logger } from '@job-runner/logger';
import { WorkerRegistry, type RedisClient } from '@job-runner/jobs';
import type { SandboxRunner } from '@job-runner/sandbox';
import { opsConnection } from '../health/ops-connection';
import { PlatformMetrics } from '../metrics/platform-metrics';
import { StreamSlots } from '../sse/stream-slots';

/** What the operator surface needs beyond JobService: a fail-fast Redis and the metrics. */
export interface Operations {
  redis: RedisClient;
  /** The jobs queue, on the fail-fast connection: for reads that must not hang. */
  queue: Queue;
  metrics: PlatformMetrics;
  /** The sandbox runner of this process's inline worker (readiness asks it); null: none here. */
  runner: SandboxRunner | null;
  /** Log streams served at once, capped by MAX_SSE_STREAMS. */
  streams: StreamSlots;
  /** The workers' heartbeats: who takes jobs from this queue. */
  workers: WorkerRegistry;
  close(): Promise<void>;
}

export async function startOperations(
  config: Config,
  logger: Logger,
  runner: SandboxRunner | null,
): Promise<Operations> {
  const conn = await opsConnection(config, config.queueName, logger);
  const workers = new WorkerRegistry(conn.redis, config.queueName);
  const metrics = new PlatformMetrics(conn.queue, logger, workers);
  await metrics.start(config, config.queueName);
  const streams = new StreamSlots(config.http.maxSseStreams);
  metrics.countStreams(() => streams.inUse);
  return {
    redis: conn.redis,
    queue: conn.queue,
    metrics,
    runner,
    streams,
    workers,
    async close() {
      await metrics.close();
      await conn.close();
    },
  };
}

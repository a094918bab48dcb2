import { Queue } from 'bullmq';
import { bullmqTelemetry } from '../telemetry/bullmq-telemetry';
import type { JobData } from './job-data';
import { keyPrefix } from './queue-names';
import type { RedisClient } from './redis-client';

export interface QueueOptions {
  attempts: number;
  backoffMs: number;
  /** Rows kept in each job's BullMQ log (its output mirror); 0: no mirror. */
  keepLogs?: number;
  /** BullMQ's spans and the trace context in each job (tracing on). */
  traced?: boolean;
}

/** How long, and how many, finished jobs BullMQ keeps (their logs and files follow them). */
export interface RetentionOptions {
  completedAgeSec: number;
  completedCount: number;
  failedAgeSec: number;
  failedCount: number;
}

/**
 * The jobs queue. Platform failures are retried with exponential backoff; user failures throw
 * UnrecoverableError and never are. Finished jobs are removed by age and count as they end;
 * the janitor removes what they leave outside BullMQ.
 */
export function createQueue(
  name: string,
  connection: RedisClient,
  opts: QueueOptions,
  retention?: RetentionOptions,
): Queue<JobData> {
  const queue = new Queue<JobData>(name, {
    connection,
    prefix: keyPrefix(connection),
    ...bullmqTelemetry(opts.traced ?? false),
    defaultJobOptions: {
      attempts: opts.attempts,
      backoff: { type: 'exponential', delay: opts.backoffMs },
      ...(retention
        ? {
            removeOnComplete: { age: retention.completedAgeSec, count: retention.completedCount },
            removeOnFail: { age: retention.failedAgeSec, count: retention.failedCount },
          }
        : {}),
      ...(opts.keepLogs ? { keepLogs: opts.keepLogs } : {}),
    },
  });
  // Its only errors are its connection's, while Redis is away: /readyz and the worker's log say
  // so once; unheard, BullMQ would print every reconnection attempt's error to the console.
  queue.on('error', () => undefined);
  return queue;
}

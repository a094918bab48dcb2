import { Queue } from 'bullmq';
import { bullmqTelemetry } from '../telemetry/bullmq-telemetry';
import type { RetentionOptions } from '../queue/create-queue';
import { keyPrefix } from '../queue/queue-names';
import type { RedisClient } from '../queue/redis-client';
import type { CallbackData, CallbackReceipt } from './callback-data';

/** The deliveries of a jobs queue: a queue of their own, so an outage never holds a job up. */
export const callbackQueueName = (queueName: string): string => `${queueName}-callbacks`;

export interface CallbackQueueOptions {
  attempts: number;
  backoffMs: number;
  /** BullMQ's spans and the trace context in each delivery (tracing on). */
  traced?: boolean;
}

/**
 * The callbacks queue. Each attempt that fails (network error, timeout, any non-2xx) is retried
 * with exponential backoff: from CALLBACK_BACKOFF_MS, doubled each time, so the defaults' eight
 * attempts wait 30 s, 1, 2, 4, 8, 16 and 32 min, about an hour in all.
 *
 * A delivery is kept as long as the longer of the two retentions keeps a job, and as many of them
 * as of ended jobs of both kinds: the view of a job still kept finds its delivery's state.
 */
export function createCallbackQueue(
  queueName: string,
  connection: RedisClient,
  opts: CallbackQueueOptions,
  retention?: RetentionOptions,
): Queue<CallbackData, CallbackReceipt> {
  const keep = retention && {
    age: Math.max(retention.completedAgeSec, retention.failedAgeSec),
    count: retention.completedCount + retention.failedCount,
  };
  const queue = new Queue<CallbackData, CallbackReceipt>(callbackQueueName(queueName), {
    connection,
    prefix: keyPrefix(connection),
    ...bullmqTelemetry(opts.traced ?? false),
    defaultJobOptions: {
      attempts: opts.attempts,
      backoff: { type: 'exponential', delay: opts.backoffMs },
      ...(keep ? { removeOnComplete: keep, removeOnFail: keep } : {}),
    },
  });
  // Connection errors only, told elsewhere (see createQueue).
  queue.on('error', () => undefined);
  return queue;
}

import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobData } from './job-data';
import { KEY_PREFIX } from './queue-names';

export interface QueueOptions {
  attempts: number;
  backoffMs: number;
  /** Rows kept in each job's BullMQ log (its output mirror); 0: no mirror. */
  keepLogs?: number;
}

/**
 * The jobs queue. Platform failures are retried with exponential backoff; user failures throw
 * UnrecoverableError and never are.
 */
export function createQueue(name: string, connection: Redis, opts: QueueOptions): Queue<JobData> {
  return new Queue<JobData>(name, {
    connection,
    prefix: KEY_PREFIX,
    defaultJobOptions: {
      attempts: opts.attempts,
      backoff: { type: 'exponential', delay: opts.backoffMs },
      ...(opts.keepLogs ? { keepLogs: opts.keepLogs } : {}),
    },
  });
}

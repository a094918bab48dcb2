import type { RequestHandler } from 'express';
import type { Queue } from 'bullmq';
import { serviceUnavailable } from '../errors/http-error';
import { withTimeout } from '../health/with-timeout';

/** Jobs that are queued but not started (a paused queue's included): what MAX_QUEUE_SIZE bounds. */
const WAITING_STATES = ['waiting', 'prioritized', 'delayed'] as const;

/**
 * Refuses a submission with 503 and Retry-After while the jobs waiting to start are at
 * MAX_QUEUE_SIZE or more, before its body is read, so nothing is staged or queued. The count and
 * the add are not atomic: requests arriving together may pass the cap by their number, which is
 * fine for a brake.
 */
export function queueGuard(
  queue: Queue,
  maxQueueSize: number,
  retryAfterSec: number,
): RequestHandler {
  return async (_req, _res, next) => {
    if (maxQueueSize <= 0) return next();
    let waiting: number;
    try {
      const counts = await withTimeout(queue.getJobCounts(...WAITING_STATES), 2000, 'Redis');
      waiting = WAITING_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0);
    } catch {
      return next(
        serviceUnavailable(
          'REDIS_UNAVAILABLE',
          'the queue is unavailable (Redis does not answer)',
          5,
        ),
      );
    }
    if (waiting >= maxQueueSize)
      return next(
        serviceUnavailable(
          'QUEUE_FULL',
          `the queue is full (${waiting} jobs waiting, MAX_QUEUE_SIZE=${maxQueueSize}); retry later`,
          retryAfterSec,
          { queued: waiting, max_queue_size: maxQueueSize },
        ),
      );
    next();
  };
}

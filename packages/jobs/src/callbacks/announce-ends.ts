import { UnrecoverableError, type Job } from 'bullmq';
import type { JobData } from '../queue/job-data';

/** BullMQ's errors that move a job elsewhere without ending it. */
const NOT_AN_END = new Set([
  'WaitingError',
  'DelayedError',
  'WaitingChildrenError',
  'RateLimitError',
]);

/**
 * Whether a processor's error ends the job for good, as BullMQ will decide from it: an
 * UnrecoverableError does; a hand-back or delay does not; any other error does on the last try.
 */
export function endsTheJob(err: unknown, job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  const name = (err as Error | undefined)?.name ?? '';
  if (NOT_AN_END.has(name)) return false;
  if (err instanceof UnrecoverableError || name === 'UnrecoverableError') return true;
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * The job processor, telling `announce` of each end it makes, just before BullMQ records it.
 * Before, not after (a worker 'completed' or 'failed' event): a worker that dies between the two
 * loses nothing, since its job is rerun and ends again, and the delivery waits for that end. Told
 * twice (a rerun), the announcement is one delivery all the same: its id is the job's.
 */
export function announceEnds<R>(
  processor: (job: Job<JobData>, token?: string) => Promise<R>,
  announce: (job: Job<JobData>) => Promise<void>,
): (job: Job<JobData>, token?: string) => Promise<R> {
  return async (job, token) => {
    let result: R;
    try {
      result = await processor(job, token);
    } catch (err) {
      if (endsTheJob(err, job)) await announce(job);
      throw err;
    }
    await announce(job);
    return result;
  };
}

import type { Job } from 'bullmq';

/**
 * How many times the job was started: platform retries and reruns after a stall or a hand-back
 * alike. While a job is active this is the number of the run under way.
 */
export const startsOf = (job: Pick<Job, 'attemptsStarted' | 'attemptsMade'>): number =>
  Math.max(job.attemptsStarted ?? 0, job.attemptsMade);

/**
 * The try against platform failures (1-based): BullMQ retries by attemptsMade, which a rerun
 * after a stall or a hand-back does not use up.
 */
export const tryOf = (job: Pick<Job, 'attemptsMade'>): number => job.attemptsMade + 1;

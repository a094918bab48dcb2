/**
 * What we know of BullMQ beyond its API, in one place. bullmq-internals.test.ts pins each fact
 * against the installed BullMQ, so an upgrade that changes one fails there, not in production.
 */

/**
 * BullMQ's failedReason for a job whose worker kept dying under it (moveStalledJobsToWait).
 * No error class or code says it: the text is all there is.
 */
export const STALLED_REASON = 'job stalled more than allowable limit';

/**
 * The field of a job's hash (at `queue.toKey(id)`) that holds its creation time in epoch ms, the
 * same number as `job.timestamp`. The listing reads it for every id at once in one pipeline:
 * `Job.fromId` for each would read whole jobs only to sort them.
 */
export const CREATED_MS_FIELD = 'timestamp';

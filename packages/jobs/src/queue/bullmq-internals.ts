/**
 * What we know of BullMQ beyond its API, in one place. bullmq-internals.test.ts pins each fact
 * against the installed BullMQ, so an upgrade that changes one fails there, not in production.
 */

/**
 * BullMQ's failedReason for a job whose worker kept dying under it (moveStalledJobsToWait).
 * No error class or code says it: the text is all there is.
 */
export const STALLED_REASON = 'job stalled more than allowable limit';

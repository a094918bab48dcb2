import type { Job, JobState } from 'bullmq';
import type { CallbackData } from './callback-data';

/** The job view's `callback`: how the job-end callback is going. */
export interface CallbackView {
  /** `pending` until the receiver took it (`delivered`) or every attempt failed (`failed`). */
  status: 'pending' | 'delivered' | 'failed';
  /** Attempts finished so far (one under way is not counted until it ends). */
  attempts: number;
  /** Why the latest failed attempt failed (also once delivered after a failure); else null. */
  last_error: string | null;
  url: string;
}

const pending = (url: string): CallbackView => ({
  status: 'pending',
  attempts: 0,
  last_error: null,
  url,
});

/** What a job with a callback shows before its delivery exists (it has not ended yet). */
export const pendingCallback = (url: string | undefined): CallbackView | null =>
  url ? pending(url) : null;

/**
 * The callback's state, read from its delivery job's own BullMQ record (state, attemptsMade,
 * failedReason): no copy is kept anywhere else, so the view and the admin board always agree.
 */
export function callbackView(
  url: string,
  delivery: Job<CallbackData> | undefined,
  state: JobState | 'unknown',
): CallbackView {
  if (!delivery) return pending(url);
  return {
    status: state === 'completed' ? 'delivered' : state === 'failed' ? 'failed' : 'pending',
    attempts: delivery.attemptsMade,
    last_error: delivery.failedReason || null,
    url,
  };
}

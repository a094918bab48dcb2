import type { Job, Queue } from 'bullmq';
import type { Logger } from '@job-runner/logger';
import type { JobData } from '../queue/job-data';
import { DELIVER_CALLBACK, type CallbackData, type CallbackReceipt } from './callback-data';

/**
 * Queues the delivery of a job's end, when the job has a callback_url. The delivery's id is the
 * job's: every path that sees the end (the worker that recorded it, the cancel of a queued job,
 * the worker that later drops that job) may call this, and BullMQ keeps the first and ignores
 * the rest, so one end makes one delivery. Never throws: a callback that cannot be queued is
 * logged, and the job's own end is not held up or undone for it.
 */
export async function enqueueCallback(
  callbacks: Queue<CallbackData, CallbackReceipt>,
  job: Pick<Job<JobData>, 'id' | 'data'>,
  logger: Logger,
): Promise<void> {
  const url = job.data.spec?.callback_url;
  if (!url) return;
  const jobId = String(job.id);
  try {
    await callbacks.add(DELIVER_CALLBACK, { url }, { jobId });
  } catch (err) {
    logger.error('the callback of a job that ended could not be queued', {
      jobId,
      error: (err as Error).message,
    });
  }
}
